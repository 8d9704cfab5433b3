// The vault's operational log: an spdlog logger whose lines go to the
// caller's Options::log, so spdlog stays out of the public headers.
#ifndef CVAULT_VAULT_LOG_SINK_H_
#define CVAULT_VAULT_LOG_SINK_H_

#include <spdlog/spdlog.h>

#include <memory>

#include "cvault/options.h"

namespace cvault::internal {

// A logger that formats each line and passes it to `log` with its level
// (debug and above); one that discards everything when `log` is empty.
// Thread-safe as long as `log` is.
std::shared_ptr<spdlog::logger> MakeLogger(LogFn log);

}  // namespace cvault::internal

#endif  // CVAULT_VAULT_LOG_SINK_H_
