// The records of `cvault customer import`: JSON Lines, one object per line,
// keyed as `customer add`'s options are named (name, email, phone, address,
// country, language, external_ref; every value a string, name and email
// required). Errors name the key and what is wrong, never a value, and never
// repeat an unknown key (it could be a value typed in the wrong place).
//
// Stateless functions.
#ifndef CVAULT_CLI_IMPORT_LINES_H_
#define CVAULT_CLI_IMPORT_LINES_H_

#include <string_view>

#include "cvault/customer.h"
#include "cvault/status.h"

namespace cvault::cli {

// Whether `line` holds nothing but white space (skipped, not a record).
bool IsBlankLine(std::string_view line);

// One line as a new customer; InvalidArgument with the reason code
// "invalid_line" when it is not one. Field values are checked by the vault,
// not here.
[[nodiscard]] StatusOr<NewCustomer> ParseImportLine(std::string_view line);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_IMPORT_LINES_H_
