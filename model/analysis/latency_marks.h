#pragma once
// The first step of the latency analyses (latency.h): one pass per CPU in parallel keeps,
// of each event a kind needs, a 32-byte mark; every other event costs a read of its type.
// A page after lost events and a frame that does not read leave a Lost mark.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "analysis/latency.h"

namespace kestrel {

struct Mark {
    enum Type : uint8_t { Start, End, Lost, Switch };
    uint64_t ts = 0;     // trace time
    uint64_t value = 0;  // what start and end must share besides the task (see latency.cpp)
    int32_t pid = 0;     // the task; Switch: next_pid
    uint32_t key = 0;    // the breakdown key; Switch: unused
    uint16_t cpu = 0;    // global CPU
    Type type = Start;
};
static_assert(sizeof(Mark) == 32);

// Instances as the pairing finds them, one packed array per part (a CPU, the merge):
// one allocation that grows instead of six. latency.cpp merges the parts into Latencies.
struct Instance {  // no initializers: blocks of them are left unwritten until used
    uint64_t start;
    uint64_t latency;
    int32_t pid;
    uint32_t key;
    uint16_t startCpu;
    uint16_t endCpu;
};

// In blocks of 32 MiB: growing copies nothing, a block's pages are only touched as it fills,
// and the merge frees each block once it has read it. Blocks this big are mapped by malloc
// on their own, so a freed one goes back to the system: the peak stays near 32 bytes per
// instance.
class InstanceList {
public:
    uint64_t lost = 0, unmatched = 0, unfinished = 0, running = 0;  // as in Latencies

    void add(uint64_t startTs, uint64_t endTs, int32_t pid, uint32_t key, uint16_t cpu0,
             uint16_t cpu1) {
        if (m_size % kBlock == 0)
            m_blocks.push_back(std::make_unique_for_overwrite<Instance[]>(kBlock));
        m_blocks.back()[m_size % kBlock] = {
            startTs, endTs >= startTs ? endTs - startTs : 0, pid, key, cpu0, cpu1};
        ++m_size;
    }
    size_t size() const { return m_size; }
    const Instance& operator[](size_t i) const { return m_blocks[i / kBlock][i % kBlock]; }
    Instance& operator[](size_t i) { return m_blocks[i / kBlock][i % kBlock]; }
    // Frees the blocks wholly before instance i.
    void releaseBefore(size_t i) {
        for (size_t b = 0; b < i / kBlock && b < m_blocks.size(); ++b) m_blocks[b].reset();
    }

private:
    static constexpr size_t kBlock = size_t{1} << 20;
    std::vector<std::unique_ptr<Instance[]>> m_blocks;
    size_t m_size = 0;
};

// The starts of one task waiting for their end, and what a kind does with a second start
// of the same value before the end: nest (kprobes on a recursive function, nested
// markers), keep the first (like a second wakeup), or replace it (a syscall whose exit
// is missing).
struct TaskStarts {
    enum Repeat : uint8_t { Stack, KeepFirst, Replace };
    struct Item {
        uint64_t ts = 0;
        uint64_t value = 0;
        int32_t pid = 0;
        uint32_t key = 0;
        uint16_t cpu = 0;
    };
    std::vector<Item> items;

    void start(const Mark& m, Repeat repeat, InstanceList& out) {
        const Item item{m.ts, m.value, m.pid, m.key, m.cpu};
        if (repeat != Stack) {
            for (Item& i : items) {
                if (i.value != m.value) continue;
                ++out.unmatched;
                if (repeat == Replace) i = item;
                return;
            }
        }
        items.push_back(item);
    }
    // False when no start of the value is waiting. `keyMustMatch`: a start of another key
    // (a syscall's exit of another number) is no pair, both are unmatched.
    bool end(const Mark& m, bool keyMustMatch, InstanceList& out) {
        for (size_t i = items.size(); i-- > 0;) {
            if (items[i].value != m.value) continue;
            const Item s = items[i];
            items.erase(items.begin() + static_cast<std::ptrdiff_t>(i));
            if (keyMustMatch && s.key != m.key) {
                out.unmatched += 2;
            } else {
                out.add(s.ts, m.ts, s.pid, s.key, s.cpu, m.cpu);
            }
            return true;
        }
        return false;
    }
};

// How a per-task kind pairs (latency.cpp's TaskPairing and the per-CPU pass alike).
struct TaskRule {
    TaskStarts::Repeat repeat = TaskStarts::Stack;
    bool keyMustMatch = false;
};
TaskRule taskRule(LatencyKind kind);

struct CpuMarks {
    // Marks for the merge in time order. Per-task kinds leave here only what the CPU could
    // not pair itself (a task that left the CPU between start and end).
    std::vector<Mark> marks;
    InstanceList paired;  // pairs of a per-task kind that stayed on this CPU
    std::map<uint32_t, std::string> keyNames;
};

struct MarkSet {
    std::vector<CpuMarks> cpus;  // by global CPU
    bool byValueOnly = false;    // a custom pair matched by fields: any task may end it
    std::map<uint32_t, std::string> keyNames;
    std::string note;
};

// An error when the trace lacks the events the kind needs, or a pair names an event,
// field or filter it does not have. LatencyKind::Function has no marks.
Result<MarkSet> collectMarks(const TraceModel& model, const EventFormats& formats,
                             const LatencyRequest& request, Progress* progress, unsigned threads);

}  // namespace kestrel
