#pragma once
// A full pass over every event, in parallel over frames (frames decode independently):
// counts per event type, CPU and task, lost events, and the task table refined from
// sched events. Runs in the background for the GUI; progress and cancel are atomics.
#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "analysis/task_table.h"
#include "base/status.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {

struct ScanProgress {
    std::atomic<uint64_t> framesDone{0};
    std::atomic<uint64_t> framesTotal{0};
    std::atomic<bool> cancel{false};
};

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
        if (pid != m_lastPid) {  // tasks run in bursts: avoid a hash per event
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
    void noteComm(int32_t pid, std::string_view comm, uint64_t ts);
    const std::unordered_map<int32_t, uint64_t>& eventsByPid() const { return m_byPid; }

    static ScanResult merge(const TraceModel& model, const std::vector<const ScanTally*>& parts);

private:
    struct Comm {
        uint64_t ts = 0;
        std::string text;
    };
    std::vector<uint64_t> m_byType, m_byCpu, m_lost, m_marks;
    std::unordered_map<int32_t, uint64_t> m_byPid;
    std::unordered_map<int32_t, Comm> m_comms;
    int32_t m_lastPid = -1;
    uint64_t* m_lastCount = nullptr;
};

// `threads` = 0 uses every core. Without formats only events, CPUs and losses are
// counted (no libtraceevent needed: fast enough for `ktr info` on a trace.dat).
Result<ScanResult> scanTrace(const TraceModel& model, const EventFormats* formats,
                             ScanProgress* progress = nullptr, unsigned threads = 0);

}  // namespace kestrel
