// Names of the erasure value types (cvault/erasure.h).
#include "cvault/erasure.h"

namespace cvault {

std::string_view ErasureOutcomeName(ErasureOutcome outcome) {
  switch (outcome) {
    case ErasureOutcome::kErased: return "erased";
    case ErasureOutcome::kRetained: return "retained";
    case ErasureOutcome::kNoneHeld: return "none_held";
  }
  return "unknown";
}

}  // namespace cvault
