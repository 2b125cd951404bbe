#include "analysis/cpu_occupancy.h"

#include <algorithm>

namespace kestrel {

void CpuOccupancy::event(int32_t pid, uint64_t ts) {
    if (m_switchPrev != kNobody) {
        if (pid == m_switchPrev) {
            if (!m_prevSeen) m_prevFirst = ts;
            m_prevSeen = true;
            m_prevLast = ts;
            return;
        }
        if (pid == m_cur) {
            m_switchPrev = kNobody;  // next's own event: prev's were the switch's
        } else {
            settleSwitch();
        }
    }
    if (pid == m_cur) {
        m_seen = ts;
        return;
    }
    replace(pid, ts);
}

void CpuOccupancy::switched(int32_t prev, int32_t next, uint64_t ts) {
    settleSwitch();
    if (m_cur != kNobody) {
        m_seen = ts;  // the switch event is the running task's own
        closeAt(ts);
        if (m_cur > 0 && m_cur != prev) fact(FactKind::Gone, m_cur, ts);
    }
    m_cur = next;
    m_since = m_seen = ts;
    m_origin = SpanOrigin::Recorded;
    m_switchPrev = prev != next ? prev : kNobody;
    m_prevSeen = false;
}

void CpuOccupancy::lost() {
    settleSwitch();
    if (m_cur == kNobody) return;
    add(m_since, m_seen + 1, m_origin);  // through its last event
    if (m_cur > 0) {
        fact(FactKind::Unseen, m_cur, m_seen);
        fact(FactKind::Gone, m_cur, m_seen + 1);
    }
    m_cur = kNobody;
}

void CpuOccupancy::finish(uint64_t last) {
    settleSwitch();
    if (m_cur == kNobody) return;
    add(m_since, std::max(m_seen, last) + 1, m_origin);
    // Other CPUs' events may go on: whether it ran till then, nothing here says.
    if (m_cur > 0) fact(FactKind::Unseen, m_cur, m_seen);
}

// prev's events kept coming after its sched_switch and then another task's came, not
// next's: next's switch-in is all the trace shows of it, and prev went on running.
void CpuOccupancy::settleSwitch() {
    if (m_switchPrev == kNobody) return;
    const int32_t prev = m_switchPrev;
    m_switchPrev = kNobody;
    if (!m_prevSeen) return;
    replace(prev, m_prevFirst);
    m_seen = m_prevLast;
}

// `pid`'s event at `ts` says it runs, though the CPU was someone else's (or nobody's).
void CpuOccupancy::replace(int32_t pid, uint64_t ts) {
    if (m_cur != kNobody) {
        closeAt(ts);
        if (m_cur > 0) {
            if (ts > m_seen) fact(FactKind::Unseen, m_cur, m_seen);
            fact(FactKind::Gone, m_cur, ts);
        }
    }
    m_cur = pid;
    m_since = m_seen = ts;
    m_origin = SpanOrigin::Inferred;
    if (pid > 0) fact(FactKind::Run, pid, ts);
}

// The current task's span ends at `end`: what its events cover, then a Tail.
void CpuOccupancy::closeAt(uint64_t end) {
    add(m_since, std::min(m_seen, end), m_origin);
    add(std::max(m_since, m_seen), end, SpanOrigin::Tail);
}

void CpuOccupancy::add(uint64_t from, uint64_t to, SpanOrigin origin) {
    if (m_cur <= 0) return;  // idle (0) is the absence of a span
    const bool any = m_spans.size() > 0;
    if (any && from < m_spans.end.back()) from = m_spans.end.back();  // equal timestamps
    if (to <= from) return;
    if (any && m_spans.end.back() == from && m_spans.value.back() == m_cur &&
        m_spans.origin.back() == origin) {
        m_spans.end.back() = to;
        return;
    }
    m_spans.add(from, to, m_cur, 0, origin);
}

void CpuOccupancy::fact(FactKind kind, int32_t pid, uint64_t ts) {
    SchedFact f;
    f.ts = ts;
    f.cpu = m_cpu;
    f.kind = kind;
    f.a = pid;
    m_facts.push_back(f);
}

}  // namespace kestrel
