#pragma once
// pid -> comm, tgid. Seeded from saved_cmdlines / saved_tgids, refined from sched
// events by the scan (a comm seen in sched_switch wins over the saved one, which the
// kernel may have recycled).
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

class TaskTable {
public:
    void loadSavedCmdlines(const std::string& text);  // "pid comm" lines
    void loadSavedTgids(const std::string& text);     // "pid tgid" lines
    void setComm(int32_t pid, std::string_view comm);
    void setTgid(int32_t pid, int32_t tgid);
    void merge(const TaskTable& other);  // other's entries win

    const TaskInfo* find(int32_t pid) const;
    std::string comm(int32_t pid) const;   // "<idle>" for 0, "<...>" when unknown
    std::vector<TaskInfo> sorted() const;  // by pid
    size_t size() const { return m_tasks.size(); }

private:
    TaskInfo& entry(int32_t pid);
    std::unordered_map<int32_t, TaskInfo> m_tasks;
};

}  // namespace kestrel
