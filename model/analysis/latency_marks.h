#pragma once
// The first step of the latency analyses (latency.h): one pass per CPU in parallel keeps,
// of each event a kind needs, a 32-byte mark; every other event costs a read of its type.
// A page after lost events and a frame that does not read leave a Lost mark.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "analysis/latency.h"

namespace kestrel {

struct Mark {
    enum Type : uint8_t { Start, End, Lost, Switch };
    uint64_t ts = 0;     // trace time
    uint64_t value = 0;  // what start and end must share besides the task (see latency.cpp)
    int32_t pid = 0;     // the task; Switch: next_pid
    uint32_t key = 0;    // the breakdown key; Switch: unused
    uint16_t cpu = 0;    // global CPU
    Type type = Start;
};
static_assert(sizeof(Mark) == 32);

struct CpuMarks {
    std::vector<Mark> marks;  // in the CPU's time order
    std::map<uint32_t, std::string> keyNames;
};

struct MarkSet {
    std::vector<CpuMarks> cpus;  // by global CPU
    std::map<uint32_t, std::string> keyNames;
    std::string note;
};

// An error when the trace lacks the events the kind needs, or a pair names an event,
// field or filter it does not have. LatencyKind::Function has no marks.
Result<MarkSet> collectMarks(const TraceModel& model, const EventFormats& formats,
                             const LatencyRequest& request, Progress* progress, unsigned threads);

}  // namespace kestrel
