#pragma once
// What --cpu, --from and --to select, the same way for every command that takes them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/folded_stacks.h"
#include "cli.h"
#include "decode/trace_model.h"

namespace kestrel::cli {

// "--cpu N" selects CPU N of every buffer; "--cpu BUFFER:N" one buffer's CPU N. `cpus`
// is left empty (every CPU) when no spec is given; false with `error` for a CPU the trace
// does not have.
bool selectCpus(const TraceModel& model, const std::vector<std::string>& specs,
                std::vector<bool>& cpus, std::string& error);

// A bound given with at most the printed precision (microseconds) selects by the printed,
// rounded timestamp, so that a time copied from a dump line includes that line. `lo` and
// `hi` are left as they are where no bound is given.
void printedRange(const std::optional<TimeBound>& from, const std::optional<TimeBound>& to,
                  uint64_t& lo, uint64_t& hi);

// The calls (or stack samples) --pid, --cpu, --from and --to select, for ktr flame and
// ktr functions; false with `error` for a CPU the trace does not have.
bool selectCalls(const TraceModel& model, const std::vector<std::string>& cpus,
                 const std::vector<int32_t>& pids, const std::optional<TimeBound>& from,
                 const std::optional<TimeBound>& to, CallFilter& filter, std::string& error);

}  // namespace kestrel::cli
