# tasklane_add_plugin(<name> <sources>...)
#   Builds <name>.so, a Boost.DLL plugin against the SDK: hidden visibility so
#   only the TASKLANE_PLUGIN entry points are exported, written to
#   TASKLANE_PLUGIN_OUTPUT_DIR when set (the host loads <plugins.dir>/<name>.so).
function(tasklane_add_plugin name)
  add_library(${name} MODULE ${ARGN})
  target_link_libraries(${name} PRIVATE TasklaneSDK::sdk)
  set_target_properties(${name} PROPERTIES
    PREFIX ""
    CXX_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  if(TASKLANE_PLUGIN_OUTPUT_DIR)
    set_target_properties(${name} PROPERTIES LIBRARY_OUTPUT_DIRECTORY ${TASKLANE_PLUGIN_OUTPUT_DIR})
  endif()
  # -Wno-restrict: GCC 12 false positive on std::string at -O2 (GCC bug 105329).
  target_compile_options(${name} PRIVATE -Wall -Wextra -Werror
    $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-restrict>)
  # A plugin must not leave symbols for the host to provide.
  target_link_options(${name} PRIVATE -Wl,--no-undefined)
endfunction()
