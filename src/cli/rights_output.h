// Output of the data-subject and operator commands: the erasure outcome
// table, the purge summary and the key-job results, as text and JSON. No
// personal data passes through here: ids, counts, dates and reasons only.
#ifndef CVAULT_CLI_RIGHTS_OUTPUT_H_
#define CVAULT_CLI_RIGHTS_OUTPUT_H_

#include <string>
#include <vector>

#include "cli/output.h"
#include "cvault/erasure.h"
#include "cvault/operations.h"

namespace cvault::cli {

// One line per group: group, outcome, records, kept until, legal reason;
// a header line first.
std::vector<std::string> ErasureTableLines(const ErasureResult& result);
Json ErasureToJson(const ErasureResult& result);

Json PurgeToJson(const PurgeResult& result);
Json KekRotationToJson(const KekRotationResult& result);
Json IndexRotationToJson(const IndexRotationResult& result);
Json BackupToJson(const BackupResult& result);
Json RestoreToJson(const RestoreResult& result);

}  // namespace cvault::cli

#endif  // CVAULT_CLI_RIGHTS_OUTPUT_H_
