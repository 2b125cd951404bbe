#include "analysis/task_table.h"

#include <algorithm>
#include <charconv>
#include <string_view>
#include <unordered_set>

namespace kestrel {
namespace {

// Calls fn(number, rest-of-line) for every "NUMBER REST" line.
template <class Fn>
void forEachLine(const std::string& text, Fn fn) {
    std::string_view all(text);
    while (!all.empty()) {
        size_t end = all.find('\n');
        std::string_view line = all.substr(0, end);
        all = end == std::string_view::npos ? std::string_view() : all.substr(end + 1);
        size_t sp = line.find(' ');
        if (sp == std::string_view::npos) continue;
        int32_t pid = 0;
        auto [p, ec] = std::from_chars(line.data(), line.data() + sp, pid);
        if (ec != std::errc() || p != line.data() + sp) continue;
        fn(pid, line.substr(sp + 1));
    }
}

}  // namespace

TaskInfo& TaskTable::entry(int32_t pid) {
    TaskInfo& t = m_tasks[pid];
    t.pid = pid;
    return t;
}

void TaskTable::loadSavedCmdlines(const std::string& text) {
    forEachLine(text, [&](int32_t pid, std::string_view comm) { setComm(pid, comm); });
}

void TaskTable::loadSavedTgids(const std::string& text) {
    forEachLine(text, [&](int32_t pid, std::string_view rest) {
        int32_t tgid = 0;
        auto [p, ec] = std::from_chars(rest.data(), rest.data() + rest.size(), tgid);
        if (ec == std::errc()) setTgid(pid, tgid);
    });
}

void TaskTable::setComm(int32_t pid, std::string_view comm) {
    entry(pid).comm.assign(comm);
}

void TaskTable::setTgid(int32_t pid, int32_t tgid) {
    entry(pid).tgid = tgid;
}

void TaskTable::merge(const TaskTable& other) {
    for (const auto& [pid, info] : other.m_tasks) {
        TaskInfo& t = entry(pid);
        if (!info.comm.empty()) t.comm = info.comm;
        if (info.tgid >= 0) t.tgid = info.tgid;
    }
}

// A task made by clone(CLONE_THREAD) shares its parent's process; any other new task, and
// one that execs, leads a process of its own (kernel/fork.c copy_process, fs/exec.c
// de_thread). sched_process_fork does not carry the flags: when task_newtask does not
// say, a forked child is taken as a process, as fork() and the shells make them. A
// thread whose creator's process is nowhere in the trace is grouped under its creator.
void TaskTable::inferTgids(std::vector<Lineage> facts) {
    constexpr uint64_t kCloneThread = 0x00010000;  // include/uapi/linux/sched.h
    std::stable_sort(facts.begin(), facts.end(),
                     [](const Lineage& a, const Lineage& b) { return a.ts < b.ts; });
    std::unordered_set<int32_t> flagged;  // children task_newtask described
    for (const Lineage& f : facts) {
        if (f.kind == Lineage::NewTask) flagged.insert(f.pid);
    }
    std::unordered_map<int32_t, int32_t> leads;     // pid -> tgid, decided
    std::unordered_map<int32_t, int32_t> threadOf;  // pid -> the task that made it
    for (const Lineage& f : facts) {
        if (f.pid <= 0) continue;
        const bool thread = f.kind == Lineage::NewTask && (f.cloneFlags & kCloneThread);
        if (f.kind == Lineage::Fork && flagged.count(f.pid)) continue;
        if (thread && f.parent > 0) {
            threadOf[f.pid] = f.parent;
            leads.erase(f.pid);
        } else {
            leads[f.pid] = f.pid;
            threadOf.erase(f.pid);
        }
    }
    auto known = [&](int32_t pid) {
        const TaskInfo* t = find(pid);
        return t && t->tgid >= 0;
    };
    for (const auto& [pid, tgid] : leads) {
        if (!known(pid)) setTgid(pid, tgid);
    }
    for (const auto& [pid, creator] : threadOf) {
        if (known(pid)) continue;
        int32_t p = creator;  // up the chain of threads that made threads
        for (size_t hops = 0; hops < threadOf.size() && !known(p) && threadOf.count(p); ++hops) {
            p = threadOf.at(p);
        }
        if (!known(p)) setTgid(p, p);
        setTgid(pid, find(p)->tgid);
    }
}

const TaskInfo* TaskTable::find(int32_t pid) const {
    auto it = m_tasks.find(pid);
    return it == m_tasks.end() ? nullptr : &it->second;
}

std::string TaskTable::comm(int32_t pid) const {
    if (pid == 0) return "<idle>";
    const TaskInfo* t = find(pid);
    return t && !t->comm.empty() ? t->comm : "<...>";
}

std::vector<TaskInfo> TaskTable::sorted() const {
    std::vector<TaskInfo> out;
    out.reserve(m_tasks.size());
    for (const auto& [pid, info] : m_tasks) out.push_back(info);
    std::sort(out.begin(), out.end(),
              [](const TaskInfo& a, const TaskInfo& b) { return a.pid < b.pid; });
    return out;
}

}  // namespace kestrel
