# tasklane_embed_migrations(<target> <function> <dir>)
#   Compiles <dir>/sqlite/NNNN_name.sql and <dir>/postgresql/NNNN_name.sql into
#   a function `std::vector<tasklane::sdk::Migration> <function>(tasklane::sdk::Dialect)`
#   added to <target>, so a plugin carries its migrations inside its library.
# tasklane_embed_text(<target> <function> <file>)
#   Compiles a text file into `const std::string& <function>()`.
set(_TASKLANE_EMBED_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/TasklaneEmbedScript.cmake)

function(tasklane_embed_migrations target function dir)
  file(GLOB _sqlite_files CONFIGURE_DEPENDS ${dir}/sqlite/*.sql)
  file(GLOB _pg_files CONFIGURE_DEPENDS ${dir}/postgresql/*.sql)
  string(REPLACE "::" "_" _file_stem "${function}")
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/${_file_stem}_migrations.cpp)
  add_custom_command(OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -DMODE=migrations -DFUNCTION=${function} -DDIR=${dir} -DOUT=${_out}
            -P ${_TASKLANE_EMBED_SCRIPT}
    DEPENDS ${_sqlite_files} ${_pg_files} ${_TASKLANE_EMBED_SCRIPT}
    COMMENT "Embedding migrations of ${dir}")
  target_sources(${target} PRIVATE ${_out})
endfunction()

function(tasklane_embed_text target function file)
  string(REPLACE "::" "_" _file_stem "${function}")
  set(_out ${CMAKE_CURRENT_BINARY_DIR}/${_file_stem}_text.cpp)
  add_custom_command(OUTPUT ${_out}
    COMMAND ${CMAKE_COMMAND} -DMODE=text -DFUNCTION=${function} -DFILE=${file} -DOUT=${_out}
            -P ${_TASKLANE_EMBED_SCRIPT}
    DEPENDS ${file} ${_TASKLANE_EMBED_SCRIPT}
    COMMENT "Embedding ${file}")
  target_sources(${target} PRIVATE ${_out})
endfunction()
