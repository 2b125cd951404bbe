#pragma once
// The name of each task as the trace last showed it (sched_switch, sched_process_fork):
// the one with the latest timestamp wins, whatever order a worker met its events in, and
// the trackers of several workers merge into one.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "analysis/task_table.h"

namespace kestrel {

class CommTracker {
public:
    void note(int32_t pid, std::string_view comm, uint64_t ts) {
        Entry& e = m_comms[pid];
        if (e.seen && ts < e.ts) return;
        e.seen = true;
        e.ts = ts;
        if (e.text != comm) e.text.assign(comm);
    }
    void merge(const CommTracker& other) {
        for (const auto& [pid, e] : other.m_comms) {
            if (e.seen) note(pid, e.text, e.ts);
        }
    }
    // Names every task the tracker saw in `table` (over saved_cmdlines' names).
    void applyTo(TaskTable& table) const {
        for (const auto& [pid, e] : m_comms) table.setComm(pid, e.text);
    }
    size_t size() const { return m_comms.size(); }

private:
    struct Entry {
        bool seen = false;
        uint64_t ts = 0;
        std::string text;
    };
    std::unordered_map<int32_t, Entry> m_comms;
};

}  // namespace kestrel
