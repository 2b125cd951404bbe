#pragma once
// Shared pieces of the ktr subcommands: argument parsing and error reporting.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

namespace kestrel::cli {

enum ExitCode { kOk = 0, kBadInput = 1, kUsage = 2 };

// Parsed "--name value" options and positional arguments of one subcommand.
struct Args {
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options;  // in order, repeatable
    std::vector<std::string> flags;

    bool has(const std::string& flag) const;
    std::vector<std::string> all(const std::string& name) const;
    std::optional<std::string> last(const std::string& name) const;
};

// `valued` lists options that take a value; any other "--x" is a flag. Returns false
// (after printing to stderr) on an unknown option.
bool parseArgs(int argc, char** argv, const std::vector<std::string>& valued,
               const std::vector<std::string>& flags, Args& out);

int usageError(const std::string& message);  // prints and returns kUsage
int inputError(const std::string& message);  // prints "ktr: MESSAGE" and returns kBadInput

std::string formatSeconds(uint64_t ns);  // "1403.839642"
std::string formatBytes(uint64_t bytes);
// Parses "SEC[.FRACTION]" (up to 9 decimals) into nanoseconds; decimals receives how many
// fraction digits were given.
bool parseSeconds(const std::string& text, uint64_t& ns, int* decimals = nullptr);

int cmdInfo(const Args& args);
int cmdDump(const Args& args);
int cmdStats(const Args& args);
int cmdConvert(const Args& args);
int cmdRecord(const std::vector<std::string>& args);  // own parser: short flags, -- COMMAND

}  // namespace kestrel::cli
