#pragma once
// pid -> comm, tgid. Seeded from saved_cmdlines / saved_tgids, refined from sched
// events by the scan (a comm seen in sched_switch wins over the saved one, which the
// kernel may have recycled); tgids saved_tgids lacks come from the events that create
// tasks (inferTgids; docs/architecture.md, "Processes and threads").
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace kestrel {

struct TaskInfo {
    int32_t pid = 0;
    int32_t tgid = -1;  // -1 when unknown
    std::string comm;
};

// How a task came to be, as an event of the trace says.
struct Lineage {
    enum Kind : uint8_t {
        Fork,     // sched_process_fork: parent made pid, thread or process (not said)
        NewTask,  // task:task_newtask: parent made pid with `cloneFlags`
        Exec,     // sched_process_exec: pid leads its process from now on
    };
    uint64_t ts = 0;
    Kind kind = Fork;
    int32_t parent = 0;
    int32_t pid = 0;
    uint64_t cloneFlags = 0;
};

class TaskTable {
public:
    void loadSavedCmdlines(const std::string& text);  // "pid comm" lines
    void loadSavedTgids(const std::string& text);     // "pid tgid" lines
    void setComm(int32_t pid, std::string_view comm);
    void setTgid(int32_t pid, int32_t tgid);
    void merge(const TaskTable& other);  // other's entries win
    // Fills the tgids saved_tgids did not give from these facts (any order).
    void inferTgids(std::vector<Lineage> facts);

    const TaskInfo* find(int32_t pid) const;
    std::string comm(int32_t pid) const;   // "<idle>" for 0, "<...>" when unknown
    std::vector<TaskInfo> sorted() const;  // by pid
    size_t size() const { return m_tasks.size(); }

private:
    TaskInfo& entry(int32_t pid);
    std::unordered_map<int32_t, TaskInfo> m_tasks;
};

}  // namespace kestrel
