# Fails when libcvault.so exports more than the C API (cvault_*) and the
# public C++ API (namespace cvault, outside the internal namespaces), or
# when a C API function is missing. Run by ctest with -DLIBRARY=... and
# -DHEADER=... (cvault/cvault.h).
execute_process(COMMAND nm -D --defined-only --demangle ${LIBRARY}
    OUTPUT_VARIABLE symbols RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "nm failed on ${LIBRARY}")
endif()
string(REPLACE "\n" ";" lines "${symbols}")
set(unexpected "")
foreach(line IN LISTS lines)
  # "<address> <type> <name>"; the version node (CVAULT_0) is an absolute symbol.
  string(REGEX REPLACE "^[0-9a-f]+ [A-Za-z] " "" name "${line}")
  if(name STREQUAL "" OR name STREQUAL "CVAULT_0" OR name MATCHES "^cvault_")
    continue()
  endif()
  if(name MATCHES "^((typeinfo|typeinfo name|vtable) for )?cvault::"
     AND NOT name MATCHES "^((typeinfo|typeinfo name|vtable) for )?cvault::(internal|common|crypto|store|keys|policy|audit|domain|capi)::")
    continue()
  endif()
  list(APPEND unexpected "${name}")
endforeach()
if(unexpected)
  list(JOIN unexpected "\n  " listed)
  message(FATAL_ERROR "libcvault.so exports more than its API:\n  ${listed}")
endif()

# Every function the header declares is exported.
file(STRINGS ${HEADER} declarations REGEX "^CVAULT_EXPORT ")
string(REGEX MATCHALL "cvault_[a-z_]+\\(" declared "${declarations}")
foreach(function IN LISTS declared)
  string(REPLACE "(" "" function "${function}")
  if(NOT symbols MATCHES " ${function}(@|\n)")
    message(FATAL_ERROR "cvault.h declares ${function}, libcvault.so does not export it")
  endif()
endforeach()
list(LENGTH declared count)
message(STATUS "libcvault.so exports the ${count} C API functions of cvault.h and the C++ API only")
