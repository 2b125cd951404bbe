#pragma once
// Latencies: the time from one event to another that answers it (a wakeup to the switch
// that runs the task, an interrupt's entry to its exit, a syscall's enter to its exit...),
// one instance per pair, of every kind in one result type. docs/latency.md states the
// rules that decide what is an instance.
//
// One pass per CPU in parallel pairs what stays on its CPU and keeps the rest as small
// marks; the marks of every CPU are then merged in time order and paired by one state
// machine per kind (docs/architecture.md, "Latencies").
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/call_tree.h"
#include "base/progress.h"
#include "base/status.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {

enum class LatencyKind : uint8_t {
    Wakeup,        // sched_waking (else sched_wakeup) or sched_wakeup_new -> sched_switch in
    Irq,           // irq_handler_entry -> irq_handler_exit, key: irq number
    SoftirqRaise,  // softirq_raise -> softirq_entry, key: vector
    Softirq,       // softirq_entry -> softirq_exit, key: vector
    Syscall,       // sys_enter -> sys_exit of a task, key: syscall number
    Function,      // a function_graph call with its exit, key: function (CallTrees)
    Kprobe,        // a kprobe -> the kretprobe of the same function, key: the kprobe's id
    Marker,        // trace_marker "NAME begin" -> "NAME end", "B|pid|NAME" -> "E|pid"
    Pair,          // any start event -> end event (LatencyRequest)
};

// The instances of one kind in struct-of-arrays form, 28 bytes each, sorted by start.
// An instance's two events are (startCpu, start) and (endCpu, start + latency): a global
// CPU and a trace time, how the event table finds a row (query/event_index.h). A function
// call's are its calltime and rettime, which its funcgraph_exit record carries.
struct Latencies {
    LatencyKind kind = LatencyKind::Wakeup;
    std::vector<uint64_t> start;    // trace time of the start event
    std::vector<uint64_t> latency;  // ns
    std::vector<int32_t> pid;       // the task it is about (see LatencyKind; irq: interrupted)
    std::vector<uint32_t> key;      // what it is broken down by, named by keyNames
    std::vector<uint16_t> startCpu;
    std::vector<uint16_t> endCpu;
    std::map<uint32_t, std::string> keyNames;  // keys without a name print as numbers

    uint64_t lost = 0;        // pairs with lost events (or an unreadable frame) inside: left out
    uint64_t unmatched = 0;   // ends without their start, starts replaced before their end
    uint64_t unfinished = 0;  // starts still waiting for their end when the trace ends
    uint64_t running = 0;     // wakeup: wakeups of a task that was running, left out
    std::string note;         // once per result: what could not be done ("syscall names ...")

    size_t size() const { return start.size(); }
    void reserve(size_t n);
    void add(uint64_t startTs, uint64_t endTs, int32_t task, uint32_t k, uint16_t cpu0,
             uint16_t cpu1);
    std::string keyName(uint32_t k) const;  // the name, else the number
    void sortByStart();
};

// What to pair for LatencyKind::Pair. Events are "SYS:NAME" or "NAME". `match` pairs a
// start field with an end field that must hold the same value (next_pid = pid); without
// any, start and end must come from the same task (common_pid). A filter is in the
// syntax of `trace-cmd report -F` without the event name (`prev_prio < 100`).
struct LatencyRequest {
    LatencyKind kind = LatencyKind::Wakeup;
    std::string startEvent, endEvent;
    std::vector<std::pair<std::string, std::string>> match;
    std::string startFilter, endFilter;
    // Syscall: the syscalls:sys_enter_X/sys_exit_X events even where the trace has the
    // raw_syscalls formats (every trace.dat carries them, recorded or not). analyzeLatency
    // takes them by itself when raw_syscalls give nothing.
    bool perSyscallEvents = false;
};

// False with a one-line reason when the trace lacks what the kind needs.
Result<Latencies> analyzeLatency(const TraceModel& model, const EventFormats& formats,
                                 const LatencyRequest& request, Progress* progress = nullptr,
                                 unsigned threads = 0);

// LatencyKind::Function from call trees already built: every call with its exit, keyed
// by function index. Naming the keys is separate, since a name needs the EventFormats of
// the thread that reads them (kallsyms), while the instances can be made anywhere.
Latencies callLatencies(const CallTrees& trees);
void nameCallLatencies(const CallTrees& trees, const EventFormats& formats, Latencies& out);

// Nearest-rank percentiles: pN is the smallest value with at least N% of the values at
// or below it (the ceil(N/100 * count)-th smallest). All zero for no values.
struct LatencyPercentiles {
    uint64_t count = 0;
    uint64_t min = 0, p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0;
    uint64_t total = 0;
};
// Reorders `values` (selection, O(n)).
LatencyPercentiles percentiles(std::vector<uint64_t>& values);

// Counts per power-of-two bucket: bucket i holds [2^i, 2^(i+1)) ns, bucket 0 also 0.
struct LatencyHistogram {
    std::vector<uint64_t> counts;  // up to the highest bucket with a value
    void add(uint64_t ns);
    static uint64_t lower(size_t bucket) { return bucket == 0 ? 0 : uint64_t{1} << bucket; }
    static uint64_t upper(size_t bucket) { return uint64_t{1} << (bucket + 1); }  // excluded
};
LatencyHistogram logHistogram(const std::vector<uint64_t>& values);

const char* latencyKindName(LatencyKind kind);

}  // namespace kestrel
