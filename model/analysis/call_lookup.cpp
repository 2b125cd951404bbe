#include "analysis/call_lookup.h"

#include <algorithm>
#include <unordered_map>

namespace kestrel {
namespace {

// Calls that began between an entry's calltime and its record (an interrupt's) are
// few; a record with no call of its own stops the walk back here.
constexpr uint64_t kMaxWalk = 1 << 16;
// With a clock other than the local one, the start stands in from the exit record and
// may fall just after the entry record: the few calls starting after it are tried.
constexpr uint64_t kForwardTries = 16;

const CallSpan* laneBegin(const CallTrees& trees, const CallLane& lane) {
    return trees.spans.data() + lane.first;
}

uint64_t findExit(const CallTrees& trees, const CallLane& lane, const CallRecord& r) {
    const CallSpan* begin = laneBegin(trees, lane);
    const CallSpan* end = begin + lane.count;
    const uint64_t start = trees.callStart(r.cpu, r.calltime);
    const CallSpan* at = std::lower_bound(
        begin, end, start, [](const CallSpan& s, uint64_t t) { return s.start < t; });
    for (; at != end && at->start == start; ++at) {
        if (trees.functions[at->function] == r.function && at->duration == r.duration &&
            at->cpu == r.cpu && !(at->flags & CallSpan::kNoExit)) {
            return static_cast<uint64_t>(at - trees.spans.data());
        }
    }
    return kNoCall;
}

uint64_t findEntry(const CallTrees& trees, const CallLane& lane, const CallRecord& r) {
    const CallSpan* begin = laneBegin(trees, lane);
    const CallSpan* end = begin + lane.count;
    const CallSpan* after = std::upper_bound(
        begin, end, r.ts, [](uint64_t ts, const CallSpan& s) { return ts < s.start; });
    // The latest call of the function that began at or before the record and was still
    // running: a recursive call's outer call began earlier.
    uint64_t walked = 0;
    for (const CallSpan* at = after; at != begin && walked < kMaxWalk; ++walked) {
        --at;
        if (trees.functions[at->function] == r.function && at->end() >= r.ts)
            return static_cast<uint64_t>(at - trees.spans.data());
    }
    for (uint64_t i = 0; after + i != end && i < kForwardTries; ++i) {
        if (trees.functions[after[i].function] == r.function)
            return static_cast<uint64_t>(after + i - trees.spans.data());
    }
    return kNoCall;
}

}  // namespace

CallRecordReader::CallRecordReader(const EventFormats& formats)
    : m_formats(formats), m_fields(formats) {}

bool CallRecordReader::read(const EventRef& event, CallRecord& out) const {
    CommonFields c;
    if (!m_formats.common(event.raw, c)) return false;
    if (c.type != m_fields.entryId && c.type != m_fields.exitId) return false;
    out = CallRecord{};
    out.exit = c.type == m_fields.exitId;
    out.pid = c.pid;
    out.cpu = event.cpu;
    out.ts = event.ts;
    if (!out.exit) {
        out.function = m_formats.readUnsigned(m_fields.entryFunc, event.raw);
        return m_fields.entryFunc.valid();
    }
    if (!m_fields.exitFunc.valid() || !m_fields.callTime.valid() || !m_fields.retTime.valid())
        return false;
    out.function = m_formats.readUnsigned(m_fields.exitFunc, event.raw);
    uint64_t call = m_formats.readUnsigned(m_fields.callTime, event.raw);
    uint64_t ret = m_formats.readUnsigned(m_fields.retTime, event.raw);
    if (ret < call) return false;  // the trees leave such a record out
    out.duration = ret - call;
    out.calltime = call;
    return true;
}

uint64_t findCall(const CallTrees& trees, const CallRecord& record) {
    // The idle tasks have a lane per CPU: the CPU of the record.
    const CallLane* lane =
        trees.lane(record.pid, record.pid == 0 ? static_cast<int32_t>(record.cpu) : -1);
    if (!lane) return kNoCall;
    return record.exit ? findExit(trees, *lane, record) : findEntry(trees, *lane, record);
}

const CallLane& laneOf(const CallTrees& trees, uint64_t span) {
    // Lanes follow each other in the span array.
    auto it = std::upper_bound(trees.lanes.begin(), trees.lanes.end(), span,
                               [](uint64_t s, const CallLane& l) { return s < l.first; });
    return *(it - 1);
}

CallDetails callDetails(const CallTrees& trees, uint64_t span, size_t top) {
    const CallLane& lane = laneOf(trees, span);
    CallDetails out;
    out.self = trees.selfTime(span, lane);
    const uint8_t level = trees.spans[span].depth;
    std::unordered_map<uint32_t, CalleeTime> byFunction;
    const uint64_t last = trees.subtreeEnd(span, lane);
    for (uint64_t i = span + 1; i < last; ++i) {
        const CallSpan& s = trees.spans[i];
        if (s.depth != level + 1) continue;
        ++out.callees;
        CalleeTime& c = byFunction[s.function];
        c.function = s.function;
        ++c.calls;
        c.time += s.duration;
    }
    for (const auto& [function, time] : byFunction) out.topCallees.push_back(time);
    std::sort(out.topCallees.begin(), out.topCallees.end(),
              [](const CalleeTime& a, const CalleeTime& b) {
                  if (a.time != b.time) return a.time > b.time;
                  if (a.calls != b.calls) return a.calls > b.calls;
                  return a.function < b.function;
              });
    if (out.topCallees.size() > top) out.topCallees.resize(top);
    return out;
}

}  // namespace kestrel
