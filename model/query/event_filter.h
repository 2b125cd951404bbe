#pragma once
// What the table (and the timeline, to dim tracks) shows: a plain value describing
// the selected tasks, event types, CPUs, time range and an advanced filter in
// libtraceevent's syntax (`sched_switch: prev_prio < 100`, as `trace-cmd report -F`
// takes it). FilterMatcher compiles one against an EventFormats; the value itself
// holds no libtraceevent state, so it can be copied across threads and views.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/frame_index.h"
#include "base/status.h"
#include "decode/event_cursor.h"
#include "decode/event_ref.h"
#include "formats/event_formats.h"

struct tep_event_filter;

namespace kestrel {

struct EventFilter {
    std::vector<int32_t> pids;   // sorted; empty = every task
    std::vector<int> eventIds;   // sorted; empty = every event type
    std::vector<bool> cpus;      // global CPU index; empty = every CPU
    uint64_t from = 0;           // trace time, inclusive
    uint64_t to = kUnknownTime;  // inclusive
    std::string advanced;        // libtraceevent filter text; empty = none

    bool selectsAll() const;
    bool selectsCpu(uint32_t cpu) const;
    bool selectsPid(int32_t pid) const;
    bool selectsType(int id) const;
    // Cursor options that drop what a cursor can skip cheaply: the time range. CPUs are
    // left to the matcher: event numbers count the events of every CPU (event_index.h).
    CursorOptions cursorOptions() const;
    bool operator==(const EventFilter&) const = default;
};

// An EventFilter bound to one EventFormats (so one per thread when the advanced
// filter is used: libtraceevent looks comms up in its handle's state).
class FilterMatcher {
public:
    ~FilterMatcher();
    // Fails when the advanced text does not parse or names what the trace does not have
    // (query/filter_text.h): one line naming the text and the problem; `column` receives
    // where in the text the problem is (kNoColumn: nowhere in particular).
    static Result<std::unique_ptr<FilterMatcher>> create(const EventFilter& filter,
                                                         EventFormats& formats,
                                                         size_t* column = nullptr);
    // The time range is the cursor's job; this checks CPU, task, type and advanced.
    bool matches(const EventRef& event) const;
    // True when matches() looks at nothing but the common fields.
    bool simple() const { return m_tep == nullptr; }

private:
    FilterMatcher(const EventFilter& filter, EventFormats& formats);

    EventFilter m_filter;
    EventFormats& m_formats;
    tep_event_filter* m_tep = nullptr;
};

}  // namespace kestrel
