#pragma once
// Which task is on one CPU, from that CPU's events in time order: the CPU row's spans
// and the facts the task rows need (docs/architecture.md, "How the schedule is built").
//
// sched_switch says who runs next; every event's common_pid says who is running. Where
// they disagree the events win: a task whose events show up without a sched_switch
// naming it runs from its first such event (SpanOrigin::Inferred), and the task the
// switches last named keeps the CPU from its last event to there only as a Tail.
// After lost events or a frame that did not read, nobody is known to run until the
// next event. One instance per CPU pass: no allocation per event, spans are columnar.
#include <cstdint>
#include <vector>

#include "analysis/sched_facts.h"
#include "analysis/sched_timeline.h"

namespace kestrel {

class CpuOccupancy {
public:
    CpuOccupancy(uint16_t cpu, SpanTrack& spans, std::vector<SchedFact>& facts)
        : m_cpu(cpu), m_spans(spans), m_facts(facts) {}

    // Every event: `pid` is its common_pid. For a sched_switch, call switched() next.
    void event(int32_t pid, uint64_t ts);
    void switched(int32_t prev, int32_t next, uint64_t ts);
    // Events are missing after the last one seen (lost events, a frame that did not
    // read, a file cut short): nothing is known until the next event.
    void lost();
    // The CPU's data ends (its last event was at `last`).
    void finish(uint64_t last);

private:
    static constexpr int32_t kNobody = -1;

    void settleSwitch();
    void replace(int32_t pid, uint64_t ts);
    void closeAt(uint64_t end);
    void add(uint64_t from, uint64_t to, SpanOrigin origin);
    void fact(FactKind kind, int32_t pid, uint64_t ts);

    uint16_t m_cpu;
    SpanTrack& m_spans;
    std::vector<SchedFact>& m_facts;
    int32_t m_cur = kNobody;  // who runs; kNobody until an event says
    uint64_t m_since = 0;     // start of its span
    uint64_t m_seen = 0;      // its last event, or the sched_switch that put it there
    SpanOrigin m_origin = SpanOrigin::Recorded;
    // After a sched_switch prev -> m_cur: prev's events still come until switch_to()
    // (the function tracer records the switch itself), or the switch did not stick.
    // Which one only the next other event tells: m_cur's (it did), anyone else's (not).
    int32_t m_switchPrev = kNobody;
    uint64_t m_prevFirst = 0, m_prevLast = 0;
    bool m_prevSeen = false;
};

}  // namespace kestrel
