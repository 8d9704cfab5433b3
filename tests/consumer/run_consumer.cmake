# Stages an install of the build tree, then configures and builds a consumer
# project against it and runs each of its PROGRAMS (comma-separated). Any
# failing step fails the test.
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "step failed (${rc}): ${ARGN}")
  endif()
endfunction()

file(REMOVE_RECURSE ${STAGE_DIR} ${CONSUMER_BUILD_DIR})
run(${CMAKE_COMMAND} --install ${CVAULT_BUILD_DIR} --prefix ${STAGE_DIR})
set(flags "${CXX_FLAGS}")
if(SANITIZE)
  set(flags "${flags} -fsanitize=address,undefined")
elseif(TSAN)
  set(flags "${flags} -fsanitize=thread")
endif()
run(${CMAKE_COMMAND} -S ${CONSUMER_SOURCE_DIR} -B ${CONSUMER_BUILD_DIR}
    -DCMAKE_PREFIX_PATH=${STAGE_DIR} -DCMAKE_CXX_COMPILER=${CXX_COMPILER}
    "-DCMAKE_CXX_FLAGS=${flags}" "-DCMAKE_EXE_LINKER_FLAGS=${flags}")
run(${CMAKE_COMMAND} --build ${CONSUMER_BUILD_DIR})
string(REPLACE "," ";" programs "${PROGRAMS}")
foreach(program IN LISTS programs)
  run(${CONSUMER_BUILD_DIR}/${program} ${CONSUMER_BUILD_DIR}/scratch-${program})
endforeach()
