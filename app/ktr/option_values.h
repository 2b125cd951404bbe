#pragma once
// Options and option values shared by the subcommands. A bad value throws
// CLI::ValidationError naming the option and the value: a usage error (exit 2).
#include <functional>
#include <string>

#include "cli.h"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace kestrel::cli {

// An option with a value whose setter runs at each occurrence, in command-line order: a
// repeatable option appends, a single one keeps the last, and `ktr record -f` can refer
// to the -e before it.
CLI::Option* valued(CLI::App& app, const std::string& names, const std::string& type,
                    const std::string& help, std::function<void(const std::string&)> set);

// A whole number in [lo, hi]; `what` says what is expected ("a process id").
long long wholeNumber(const std::string& option, const std::string& value, long long lo,
                      long long hi, const std::string& what);

// "SEC[.FRACTION]", as dump prints timestamps.
TimeBound timeBound(const std::string& option, const std::string& value);

// "N" or "BUFFER:N" with N a CPU number; whether the trace has that CPU is for the command.
void checkCpuSpec(const std::string& option, const std::string& value);

}  // namespace kestrel::cli
