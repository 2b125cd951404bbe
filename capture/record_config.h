#pragma once
// What a recording captures and for how long: filled by `ktr record` flags or the GUI's
// record dialog, then applied to the recorder's tracefs instance (or the top-level buffer,
// trace_target.h) item by item. What
// the kernel refuses comes back as one line per item; recording goes on without it
// unless `strict` is set.
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "trace_target.h"
#include "tracefs.h"

namespace kestrel {

struct EventSpec {
    std::string spec;    // "sched", "sched:sched_switch", "irq:*", "sched_wakeup"
    std::string filter;  // filter expression for the matched events, or empty
    bool operator==(const EventSpec&) const = default;
};

struct RecordConfig {
    std::vector<EventSpec> events;
    std::string tracer;                     // current_tracer, empty = nop
    std::vector<std::string> ftraceFilter;  // set_ftrace_filter
    std::vector<std::string> ftraceNotrace;
    std::vector<std::string> graphFunction;  // set_graph_function
    std::vector<std::string> graphNotrace;
    int maxGraphDepth = -1;            // -1: leave alone
    std::vector<std::string> options;  // "stacktrace", "nofunc_stack_trace", "record-tgid"
    std::vector<int> pids;             // set_event_pid and set_ftrace_pid
    bool followFork = true;            // event-fork / function-fork with pids
    std::string cpumask;               // tracing_cpumask (hex), empty = all
    uint32_t bufferKb = 0;             // buffer_size_kb per CPU, 0 = kernel default
    std::string clock;                 // trace_clock, empty = kernel default
    std::vector<std::string> kprobes;  // "p:name sym args" (kprobe_events syntax)
    std::vector<std::string> uprobes;  // "p:name /path:offset args"
    bool strict = false;               // any refused item is an error

    // Where: the recorder's own tracefs instance, or the top-level buffer. Auto takes an
    // instance unless the kernel allows a requested tracer item only at the top level.
    enum class Placement { Auto, Instance, TopLevel };
    Placement placement = Placement::Auto;
    bool force = false;      // record at the top level even when something else uses it
    bool traceSelf = false;  // keep the recorder's own threads in the trace
    bool probeOnly = false;  // `ktr record --probe`: say what the kernel allows, record nothing

    // `ktr record --list-presets`: print the presets, record nothing.
    bool listPresets = false;

    // How long.
    double durationSec = 0;            // 0 = until the command exits or Ctrl-C
    std::vector<std::string> command;  // traced command and its arguments
    bool pidOnly = false;              // trace only the command and its children

    // Output.
    std::string output = "trace.ktr";
    int zstdLevel = 3;             // measured: smaller than trace-cmd, ~4M events per CPU-second
    uint32_t pagesPerFrame = 256;  // ring-buffer pages per .ktr frame
    bool quiet = false;            // no progress line
    int statusIntervalMs = 1000;   // between live figures (progress line, --status-fd)
    int statusFd = -1;             // where the live figures go as lines (record_progress.h)
    int flushIntervalMs = 1000;    // longest wait of recorded pages before the file
    bool stopOnStdinEof = false;   // stop when stdin closes (a GUI that cannot signal root)

    std::string describe() const;  // one line for TraceMeta::recorded
    bool operator==(const RecordConfig&) const = default;
};

// One item the kernel refused, e.g. "tracer function: Invalid argument".
struct Refusal {
    std::string item;
    std::string reason;
    std::string line() const { return item + ": " + reason; }
};

// Dynamic probes added to the global kprobe_events/uprobe_events; removed at the end.
struct AddedProbe {
    std::string file;  // "kprobe_events" or "uprobe_events"
    std::string name;  // "kestrel/NAME" style group/name used to remove it
};

struct AppliedConfig {
    std::vector<Refusal> refused;
    std::vector<AddedProbe> probes;
    std::vector<std::string> enabledEvents;  // "sys:name", from the target's set_event
};

// Applies `config` to the target (an instance or the top level), item by item. Never stops
// at the first refusal.
AppliedConfig applyConfig(const TraceTarget& target, const RecordConfig& config);
// Removes the probes applyConfig added (they live outside the instance).
void removeProbes(const Tracefs& fs, const std::vector<AddedProbe>& probes);

}  // namespace kestrel
