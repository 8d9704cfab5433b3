/* Compiled as strict C11 with warnings as errors (tests/CMakeLists.txt):
 * cvault/cvault.h must stay plain C. */
#include "cvault/cvault.h"

int cvault_header_is_c11(void);

int cvault_header_is_c11(void) {
  cvault_context ctx = {"svc", "support-agent", "support", NULL, NULL};
  return ctx.principal_id != NULL && CVAULT_ABI_VERSION == 0;
}
