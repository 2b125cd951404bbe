#pragma once
// A full pass over every event, in parallel over frames (frames decode independently):
// counts per event type, CPU and task, lost events, and the task table refined from
// sched events. Runs in the background for the GUI (base/progress.h).
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/comm_tracker.h"
#include "analysis/task_table.h"
#include "base/progress.h"
#include "base/status.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {

struct PidCount {
    int32_t pid = 0;
    uint64_t events = 0;
};

struct ScanResult {
    uint64_t events = 0;
    std::vector<uint64_t> eventsByType;    // indexed by event id
    std::vector<uint64_t> eventsByCpu;     // indexed by global CPU
    std::vector<uint64_t> lostByCpu;       // missed counts the pages stored
    std::vector<uint64_t> lossMarksByCpu;  // pages flagged "missed events", count or not
    std::vector<PidCount> eventsByPid;     // sorted by pid
    TaskTable tasks;                       // saved_cmdlines/tgids + sched events
};

// One worker's share of a ScanResult: what scanTrace's workers and the sched
// analysis' CPU passes count, merged into one ScanResult at the end.
class ScanTally {
public:
    // An event of `type` recorded with common_pid `pid`.
    void countEvent(uint32_t type, int32_t pid) {
        if (type >= m_byType.size()) m_byType.resize(type + 1u, 0);
        ++m_byType[type];
        if (!m_lastCount || pid != m_lastPid) {  // tasks run in bursts: a hash per burst
            m_lastPid = pid;
            m_lastCount = &m_byPid[pid];  // unordered_map elements never move
        }
        ++*m_lastCount;
    }
    // `n` events decoded on `cpu`, whether or not their type could be read.
    void countCpuEvents(uint32_t cpu, uint64_t n);
    // A page flagged "missed events" on `cpu`; `missed` = 0 when it stored no count.
    void countLoss(uint32_t cpu, uint64_t missed);
    // A task name seen at `ts` (sched_switch, sched_process_fork): the latest one wins.
    void noteComm(int32_t pid, std::string_view comm, uint64_t ts) { m_comms.note(pid, comm, ts); }
    // A task created or exec'd (the tgids saved_tgids lacks come from these).
    void noteLineage(const Lineage& l) { m_lineage.push_back(l); }
    const std::unordered_map<int32_t, uint64_t>& eventsByPid() const { return m_byPid; }

    static ScanResult merge(const TraceModel& model, const std::vector<const ScanTally*>& parts);

private:
    std::vector<uint64_t> m_byType, m_byCpu, m_lost, m_marks;
    std::unordered_map<int32_t, uint64_t> m_byPid;
    CommTracker m_comms;
    std::vector<Lineage> m_lineage;
    int32_t m_lastPid = 0;
    uint64_t* m_lastCount = nullptr;  // m_byPid[m_lastPid] once an event was counted
};

// `threads` = 0 uses every core. Without formats only events, CPUs and losses are
// counted (no libtraceevent needed: fast enough for `ktr info` on a trace.dat).
Result<ScanResult> scanTrace(const TraceModel& model, const EventFormats* formats,
                             Progress* progress = nullptr, unsigned threads = 0);

}  // namespace kestrel
