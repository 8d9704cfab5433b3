# Installs the build tree under an unusual prefix, then builds programs the
# way a project without CMake would: flags from `pkg-config --cflags --libs`
# with PKG_CONFIG_PATH pointing into that prefix. The C++ consumer takes
# cvault.pc, the C refund worker cvault-c.pc; both link libcvault.so and
# run. Any failing step fails the test.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}")
  endif()
endfunction()

function(pkg_config_flags package out)
  execute_process(COMMAND pkg-config --cflags --libs ${package}
      OUTPUT_VARIABLE flags RESULT_VARIABLE rc OUTPUT_STRIP_TRAILING_WHITESPACE)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "pkg-config does not find ${package}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  set(${out} ${flags} PARENT_SCOPE)
endfunction()

set(prefix ${STAGE_DIR}/opt/shop)
file(REMOVE_RECURSE ${STAGE_DIR} ${WORK_DIR})
file(MAKE_DIRECTORY ${WORK_DIR})
run(${CMAKE_COMMAND} --install ${CVAULT_BUILD_DIR} --prefix ${prefix})
file(GLOB_RECURSE pc_files ${prefix}/*/cvault.pc)
list(GET pc_files 0 pc_file)
get_filename_component(pc_dir ${pc_file} DIRECTORY)
set(ENV{PKG_CONFIG_PATH} ${pc_dir})

# The .pc file names the prefix it was installed under.
execute_process(COMMAND pkg-config --variable=includedir cvault
    OUTPUT_VARIABLE includedir OUTPUT_STRIP_TRAILING_WHITESPACE)
if(NOT EXISTS "${includedir}/cvault/vault.h")
  message(FATAL_ERROR "cvault.pc names includedir ${includedir}, not the install's")
endif()

set(sanitize "")
if(SANITIZE)
  set(sanitize -fsanitize=address,undefined)
endif()
pkg_config_flags(cvault cxx_flags)
pkg_config_flags(cvault-c c_flags)
run(${CXX_COMPILER} ${sanitize} ${CONSUMER_SOURCE_DIR}/main.cc ${cxx_flags}
    -o ${WORK_DIR}/consumer)
run(${C_COMPILER} -std=c11 -Wall -Wextra -Wpedantic -Werror ${sanitize}
    ${EXAMPLES_DIR}/c_refund_worker.c ${c_flags} -o ${WORK_DIR}/c_refund_worker)
execute_process(COMMAND pkg-config --variable=libdir cvault
    OUTPUT_VARIABLE libdir OUTPUT_STRIP_TRAILING_WHITESPACE)
set(ENV{LD_LIBRARY_PATH} ${libdir})
run(${WORK_DIR}/consumer ${WORK_DIR}/scratch-consumer)
run(${WORK_DIR}/c_refund_worker ${WORK_DIR}/scratch-c)
