# Warning and sanitizer flags shared by every cvault target.
function(cvault_set_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic)
  if(CVAULT_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

if(CVAULT_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  add_link_options(-fsanitize=address,undefined)
  # Sanitized executables are linked without PIE. A PIE build of the tool
  # or a test program carries some 3.6 million relative relocations (the
  # sanitizers' per-check and per-global data), which the loader applies at
  # every start: about 0.45 s of CPU per process here, against 0.19 s
  # without. The tests start thousands of processes (every test case, every
  # tool run, every stress worker). Release builds keep their PIE.
  add_link_options($<$<STREQUAL:$<TARGET_PROPERTY:TYPE>,EXECUTABLE>:-no-pie>)
endif()

# ThreadSanitizer cannot share a process with AddressSanitizer: each needs a
# build folder of its own.
if(CVAULT_TSAN AND CVAULT_SANITIZE)
  message(FATAL_ERROR "CVAULT_TSAN and CVAULT_SANITIZE cannot both be ON: "
                      "configure a separate build folder for each sanitizer.")
endif()
if(CVAULT_TSAN)
  add_compile_options(-fsanitize=thread -fno-omit-frame-pointer)
  add_link_options(-fsanitize=thread)
endif()
