#pragma once
// Values of options that more than one subcommand reads. A bad value throws
// CLI::ValidationError naming the option and the value: a usage error (exit 2).
#include <string>

#include "cli.h"

namespace kestrel::cli {

// A whole number in [lo, hi]; `what` says what is expected ("a process id").
long long wholeNumber(const std::string& option, const std::string& value, long long lo,
                      long long hi, const std::string& what);

// "SEC[.FRACTION]", as dump prints timestamps.
TimeBound timeBound(const std::string& option, const std::string& value);

// "N" or "BUFFER:N" with N a CPU number; whether the trace has that CPU is for the command.
void checkCpuSpec(const std::string& option, const std::string& value);

}  // namespace kestrel::cli
