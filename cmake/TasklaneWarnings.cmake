# -Wall -Wextra -Werror on our own code only; third-party headers are SYSTEM.
function(tasklane_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Werror)
endfunction()
