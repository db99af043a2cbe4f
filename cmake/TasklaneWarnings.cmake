# -Wall -Wextra -Werror on our own code only; third-party headers are SYSTEM.
# GCC 12 at -O2 reports -Wrestrict on ordinary std::string assignments inlined
# from libstdc++ (GCC bug 105329, fixed in GCC 13): a false positive we cannot
# avoid in our code, so that one diagnostic is off for GCC 12.
set(TASKLANE_WARNING_FLAGS -Wall -Wextra -Werror)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND TASKLANE_WARNING_FLAGS -Wno-restrict)
endif()
function(tasklane_warnings target)
  target_compile_options(${target} PRIVATE ${TASKLANE_WARNING_FLAGS})
endfunction()
