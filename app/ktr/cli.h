#pragma once
// Shared pieces of the ktr subcommands: what each one was given, error reporting,
// standard output.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

#include "record_config.h"

namespace kestrel::cli {

// kPartial: the trace is damaged; everything readable was processed and stderr says what
// was skipped, where, and how much.
enum ExitCode { kOk = 0, kBadInput = 1, kUsage = 2, kPartial = 3 };

// A --from / --to bound as given: its value and how many decimals it had.
struct TimeBound {
    uint64_t ns = 0;
    int decimals = 0;
    std::string text;
};

struct DumpArgs {
    std::string file;
    std::vector<std::string> cpus;  // "N" or "BUFFER:N"
    std::vector<int32_t> pids;
    std::vector<std::string> events;  // "SYS:NAME", "NAME" or "SYS"
    std::optional<TimeBound> from, to;
};

struct FlameArgs {
    std::string file;
    bool stacks = false;  // stack samples instead of function_graph calls
    std::string diff;     // a second trace: "stack BEFORE AFTER" lines
    std::vector<std::string> cpus;
    std::vector<int32_t> pids;
    std::optional<TimeBound> from, to;
};

struct FunctionsArgs {
    std::string file;
    std::vector<std::string> cpus;
    std::vector<int32_t> pids;
    std::optional<TimeBound> from, to;
    std::string format = "text";  // text, csv, json
    std::string sort = "total";   // calls, total, self, average, longest, p99, name
};

struct LatencyArgs {
    std::string file;
    std::string kind;        // wakeup, irq, softirq, softirq-raise, syscall, function, kprobe,
                             // marker, pair
    std::string start, end;  // pair: the events
    std::vector<std::string> match;  // pair: "START_FIELD=END_FIELD"
    std::string startFilter, endFilter;
    std::string by;  // "", task, cpu, irq, syscall, key
    std::vector<std::string> cpus;
    std::vector<int32_t> pids;
    std::optional<TimeBound> from, to;
    std::string format = "text";  // text, csv, json
    std::string compare;          // a second trace: percentiles side by side
};

struct ConvertArgs {
    std::string in;
    std::string out;
};

int inputError(const std::string& message);  // prints "ktr: MESSAGE" and returns kBadInput

// Standard output: commands write through writeOut() or stdio; finishOutput() flushes and
// turns any failed write into "ktr: write to standard output failed: REASON" and kBadInput.
bool writeOut(const void* data, size_t size);
int finishOutput(int code);

std::string formatSeconds(uint64_t ns);  // "1403.839642"
std::string formatBytes(uint64_t bytes);
// Parses "SEC[.FRACTION]" (up to 9 decimals) into nanoseconds; decimals receives how many
// fraction digits were given.
bool parseSeconds(const std::string& text, uint64_t& ns, int* decimals = nullptr);

int cmdInfo(const std::string& file);
int cmdDump(const DumpArgs& args);
int cmdStats(const std::string& file);
int cmdConvert(const ConvertArgs& args);
int cmdFlame(const FlameArgs& args);
int cmdFunctions(const FunctionsArgs& args);
int cmdLatency(const LatencyArgs& args);
int cmdRecord(RecordConfig config);

}  // namespace kestrel::cli
