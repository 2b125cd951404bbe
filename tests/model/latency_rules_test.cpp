// The rules that decide a latency instance (docs/latency.md), on a hand-made trace of two
// CPUs whose instances are known by construction: a wakeup of a running task, a second
// wakeup, a task that switches in on another CPU than the one it was woken on, a syscall
// that returns on another CPU, lost events between a wakeup and its switch.
#include <gtest/gtest.h>

#include <map>

#include "analysis/latency.h"
#include "analysis/syscall_names.h"
#include "base/byte_order.h"
#include "support/page_writer.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

// raw_syscalls as a 6.1 x86_64 kernel describes them.
const char kSysEnter[] =
    "name: sys_enter\nID: 9001\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"
    "\tfield:unsigned long args[6];\toffset:16;\tsize:48;\tsigned:0;\n\n"
    "print fmt: \"NR %ld (%lx, %lx, %lx, %lx, %lx, %lx)\", REC->id, REC->args[0], "
    "REC->args[1], REC->args[2], REC->args[3], REC->args[4], REC->args[5]\n";
const char kSysExit[] =
    "name: sys_exit\nID: 9002\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:long id;\toffset:8;\tsize:8;\tsigned:1;\n"
    "\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n\n"
    "print fmt: \"NR %ld = %ld\", REC->id, REC->ret\n";

// syscalls:sys_enter_openat / sys_exit_openat, as a 6.1 kernel describes them.
const char kEnterOpenat[] =
    "name: sys_enter_openat\nID: 9101\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:int dfd;\toffset:16;\tsize:8;\tsigned:0;\n"
    "\tfield:const char * filename;\toffset:24;\tsize:8;\tsigned:0;\n"
    "\tfield:int flags;\toffset:32;\tsize:8;\tsigned:0;\n"
    "\tfield:umode_t mode;\toffset:40;\tsize:8;\tsigned:0;\n\n"
    "print fmt: \"dfd: 0x%08lx, filename: 0x%08lx, flags: 0x%08lx, mode: 0x%08lx\", "
    "((unsigned long)(REC->dfd)), ((unsigned long)(REC->filename)), "
    "((unsigned long)(REC->flags)), ((unsigned long)(REC->mode))\n";
const char kExitOpenat[] =
    "name: sys_exit_openat\nID: 9102\nformat:\n"
    "\tfield:unsigned short common_type;\toffset:0;\tsize:2;\tsigned:0;\n"
    "\tfield:unsigned char common_flags;\toffset:2;\tsize:1;\tsigned:0;\n"
    "\tfield:unsigned char common_preempt_count;\toffset:3;\tsize:1;\tsigned:0;\n"
    "\tfield:int common_pid;\toffset:4;\tsize:4;\tsigned:1;\n\n"
    "\tfield:int __syscall_nr;\toffset:8;\tsize:4;\tsigned:1;\n"
    "\tfield:long ret;\toffset:16;\tsize:8;\tsigned:1;\n\n"
    "print fmt: \"0x%lx\", REC->ret\n";

// Two CPUs of one buffer, each one frame of pages, with sched-irq-v6.dat's formats (a 6.1
// kernel) and raw_syscalls, or syscalls:*_openat in their place.
class HandTrace : public TraceSource {
public:
    explicit HandTrace(bool perSyscallEvents = false) {
        auto model = TraceModel::open(test::dataPath("sched-irq-v6.dat"));
        EXPECT_TRUE(model.ok());
        m_meta = (*model)->meta();
        if (perSyscallEvents) {
            m_meta.formats.push_back({"syscalls", kEnterOpenat});
            m_meta.formats.push_back({"syscalls", kExitOpenat});
        } else {
            m_meta.formats.push_back({"raw_syscalls", kSysEnter});
            m_meta.formats.push_back({"raw_syscalls", kSysExit});
        }
        m_meta.buffers = {{"", "local", 4096}};
        m_meta.cpus = {{0, 0}, {0, 1}};
        m_meta.tsOffset = 0;
        m_formats = std::move(*EventFormats::create(m_meta));
    }

    void waking(int cpu, uint64_t ts, int32_t waker, int32_t pid) {
        add(cpu, ts, "sched", "sched_waking", waker, {{"pid", pid}, {"target_cpu", cpu}});
    }
    void switched(int cpu, uint64_t ts, int32_t prev, int32_t next) {
        add(cpu, ts, "sched", "sched_switch", prev, {{"prev_pid", prev}, {"next_pid", next}});
    }
    void enter(int cpu, uint64_t ts, int32_t pid, int64_t nr) {
        add(cpu, ts, "raw_syscalls", "sys_enter", pid, {{"id", nr}});
    }
    void exit(int cpu, uint64_t ts, int32_t pid, int64_t nr) {
        add(cpu, ts, "raw_syscalls", "sys_exit", pid, {{"id", nr}});
    }
    void openat(int cpu, uint64_t ts, int32_t pid, bool enter) {
        add(cpu, ts, "syscalls", enter ? "sys_enter_openat" : "sys_exit_openat", pid,
            {{"__syscall_nr", 257}});
    }
    // The CPU's next event starts a page the kernel marked "events lost before this".
    void lose(int cpu) { m_cpus[cpu].push_back({0, {}, true}); }

    void done() {
        for (uint32_t cpu = 0; cpu < 2; ++cpu) {
            std::vector<std::vector<uint8_t>> pages;
            test::PageWriter page;
            uint64_t last = 0;
            bool open = false;
            FrameRef f;
            f.cpu = cpu;
            for (const Pending& p : m_cpus[cpu]) {
                if (p.lost) {
                    if (open) pages.push_back(page.bytes());
                    page = test::PageWriter();
                    page.missed();
                    open = false;
                    continue;
                }
                if (!open) {
                    page.timestamp(p.ts);
                    last = p.ts;
                    open = true;
                }
                page.event(static_cast<uint32_t>(p.ts - last), p.payload);
                last = p.ts;
                if (f.tFirst == kUnknownTime) f.tFirst = p.ts;
                f.tLast = p.ts;
            }
            EXPECT_TRUE(page.ok());
            pages.push_back(page.bytes());
            m_bytes.push_back(test::joinPages(pages));
            f.csize = f.usize = static_cast<uint32_t>(m_bytes.back().size());
            m_frames.push_back(f);
        }
    }

    const std::string& path() const override { return m_path; }
    std::string formatName() const override { return "test pages"; }
    const TraceMeta& meta() const override { return m_meta; }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t index, std::vector<uint8_t>& out) const override {
        out = m_bytes[index];
        return {};
    }
    uint64_t fileSize() const override { return 0; }

private:
    struct Pending {
        uint64_t ts = 0;
        std::vector<uint8_t> payload;
        bool lost = false;
    };

    void add(int cpu, uint64_t ts, const char* system, const char* name, int32_t pid,
             const std::map<std::string, int64_t>& values) {
        const EventType* t = m_formats->find(system, name);
        ASSERT_NE(t, nullptr) << name;
        std::vector<uint8_t> p =
            test::PageWriter::payload(static_cast<uint16_t>(t->id), pid, 64);  // fits them all
        for (const auto& [field, value] : values) {
            const FieldRef f = m_formats->field(t->id, field);
            ASSERT_TRUE(f.valid()) << field;
            if (f.size == 8) store64(&p[f.offset], static_cast<uint64_t>(value));
            if (f.size == 4) store32(&p[f.offset], static_cast<uint32_t>(value));
        }
        m_cpus[cpu].push_back({ts, std::move(p), false});
    }

    std::string m_path = "hand-made";
    TraceMeta m_meta;
    std::unique_ptr<EventFormats> m_formats;
    std::vector<Pending> m_cpus[2];
    std::vector<std::vector<uint8_t>> m_bytes;
    FrameIndex m_frames;
};

struct Analysed {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
};

Analysed open(std::unique_ptr<HandTrace> trace) {
    trace->done();
    Analysed a;
    auto model = TraceModel::fromSource(std::move(trace));
    EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.message());
    a.model = std::move(*model);
    a.formats = std::move(*EventFormats::create(a.model->meta()));
    return a;
}

Latencies run(const Analysed& a, LatencyKind kind) {
    LatencyRequest q;
    q.kind = kind;
    auto r = analyzeLatency(*a.model, *a.formats, q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.message());
    return r.ok() ? std::move(*r) : Latencies{};
}

// The trace the tests share, times in microseconds (x1000 ns).
std::unique_ptr<HandTrace> scenario() {
    auto t = std::make_unique<HandTrace>();
    t->switched(0, 1000'000, 1, 100);  // 100 runs on CPU 0
    t->waking(0, 2000'000, 1, 100);    // ... so this wakeup is of a running task
    t->waking(0, 3000'000, 100, 200);
    t->waking(0, 3500'000, 100, 200);  // a second wakeup: the first one counts
    t->enter(0, 4000'000, 100, 0);     // read()
    t->switched(0, 4500'000, 100, 0);  // 100 sleeps inside read()
    t->switched(1, 5000'000, 0, 200);  // 200 runs on CPU 1: 2000 us after its first wakeup
    t->waking(0, 5500'000, 0, 100);
    t->switched(1, 7000'000, 200, 100);  // 100 woken on CPU 0 runs on CPU 1
    t->exit(1, 9000'000, 100, 0);        // read() returns on CPU 1
    t->waking(0, 10000'000, 0, 300);
    t->lose(1);                           // CPU 1 lost events: 300 may have run in them
    t->switched(1, 12000'000, 100, 300);  // so this switch ends nothing
    t->enter(0, 13000'000, 400, 1);       // write()
    t->exit(0, 14000'000, 400, 1);
    t->exit(0, 15000'000, 500, 1);  // an exit without its enter
    return t;
}

TEST(LatencyRules, WakeupsFollowTheTaskAcrossCpusAndDropWhatLostEventsCut) {
    Analysed a = open(scenario());
    Latencies r = run(a, LatencyKind::Wakeup);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r.pid[0], 200);
    EXPECT_EQ(r.start[0], 3000'000u);  // the first wakeup, not the second
    EXPECT_EQ(r.latency[0], 2000'000u);
    EXPECT_EQ(r.startCpu[0], 0);
    EXPECT_EQ(r.endCpu[0], 1);
    EXPECT_EQ(r.pid[1], 100);
    EXPECT_EQ(r.latency[1], 1500'000u);
    EXPECT_EQ(r.startCpu[1], 0);  // woken on CPU 0, ran on CPU 1
    EXPECT_EQ(r.endCpu[1], 1);
    EXPECT_EQ(r.running, 1u);
    EXPECT_EQ(r.lost, 1u);
    EXPECT_EQ(r.unfinished, 0u);
}

TEST(LatencyRules, SyscallsPairPerTaskAcrossCpusWithNamesOfTheArchitecture) {
    Analysed a = open(scenario());
    Latencies r = run(a, LatencyKind::Syscall);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r.pid[0], 100);
    EXPECT_EQ(r.latency[0], 5000'000u);
    EXPECT_EQ(r.startCpu[0], 0);
    EXPECT_EQ(r.endCpu[0], 1);
    EXPECT_EQ(r.keyName(r.key[0]), "read");
    EXPECT_EQ(r.pid[1], 400);
    EXPECT_EQ(r.latency[1], 1000'000u);
    EXPECT_EQ(r.keyName(r.key[1]), "write");
    EXPECT_EQ(r.unmatched, 1u);
    EXPECT_TRUE(r.note.empty());
}

// Lost events on one CPU cut the pairs that may have run there: a syscall whose task left
// its CPU (it could have run on the CPU that lost events), not one whose task stayed.
TEST(LatencyRules, LostEventsDropOnlyPairsThatMayHaveRunWhereTheyWereLost) {
    auto t = std::make_unique<HandTrace>();
    t->switched(0, 1000'000, 0, 600);
    t->switched(1, 1000'000, 0, 800);
    t->enter(0, 2000'000, 600, 0);     // 600 stays on CPU 0
    t->enter(1, 2000'000, 800, 1);     // 800 leaves CPU 1 inside write() ...
    t->switched(1, 2500'000, 800, 0);  //
    t->lose(1);                        // ... and CPU 1 loses events
    t->switched(1, 3000'000, 0, 700);
    t->exit(0, 4000'000, 600, 0);        // kept: 600 ran on CPU 0 throughout
    t->switched(0, 4500'000, 600, 800);  // 800 back, on CPU 0
    t->exit(0, 5000'000, 800, 1);        // dropped: 800 may have run in the lost events
    Analysed a = open(std::move(t));
    Latencies r = run(a, LatencyKind::Syscall);
    ASSERT_EQ(r.size(), 1u);
    EXPECT_EQ(r.pid[0], 600);
    EXPECT_EQ(r.latency[0], 2000'000u);
    EXPECT_EQ(r.lost, 1u);
    EXPECT_EQ(r.unmatched, 1u);  // 800's exit, its enter dropped
}

// Without raw_syscalls, the syscalls:sys_enter_X / sys_exit_X events the trace has, named X.
TEST(LatencyRules, PerSyscallEventsWhereRawSyscallsAreAbsent) {
    auto t = std::make_unique<HandTrace>(true);
    t->switched(0, 1000'000, 0, 100);
    t->openat(0, 2000'000, 100, true);
    t->switched(0, 2500'000, 100, 0);
    t->switched(1, 3000'000, 0, 100);
    t->openat(1, 3500'000, 100, false);  // returns on the other CPU
    t->openat(1, 4000'000, 100, true);
    t->openat(1, 4250'000, 100, false);
    Analysed a = open(std::move(t));
    Latencies r = run(a, LatencyKind::Syscall);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r.latency[0], 1500'000u);
    EXPECT_EQ(r.endCpu[0], 1);
    EXPECT_EQ(r.latency[1], 250'000u);
    EXPECT_EQ(r.key[0], 257u);
    EXPECT_EQ(r.keyName(257), "openat");
}

TEST(LatencyRules, AnUnknownMachineGetsSyscallNumbersAndOneNote) {
    auto t = scenario();
    const_cast<TraceMeta&>(t->meta()).uname = "Linux box 6.1.0 riscv64";
    Analysed a = open(std::move(t));
    Latencies r = run(a, LatencyKind::Syscall);
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r.keyName(r.key[0]), "0");
    EXPECT_NE(r.note.find("riscv64"), std::string::npos) << r.note;
}

TEST(LatencyRules, SyscallTableIsTheKernelsX86Numbering) {
    TraceMeta m;
    m.uname = "Linux (none) 6.1.0-56-amd64 x86_64";
    ASSERT_EQ(syscallArch(m), SyscallArch::kX86_64);
    m.uname = "6.1.0-56-amd64";
    EXPECT_EQ(syscallArch(m), SyscallArch::kX86_64);
    m.uname = "Linux pi 6.6.0 aarch64";
    EXPECT_EQ(syscallArch(m), SyscallArch::kUnknown);
    const SyscallArch x = SyscallArch::kX86_64;
    EXPECT_EQ(syscallName(x, 0), "read");
    EXPECT_EQ(syscallName(x, 59), "execve");
    EXPECT_EQ(syscallName(x, 202), "futex");
    EXPECT_EQ(syscallName(x, 231), "exit_group");
    EXPECT_EQ(syscallName(x, 257), "openat");
    EXPECT_EQ(syscallName(x, 334), "rseq");
    EXPECT_EQ(syscallName(x, 335), "");  // unused on x86_64
    EXPECT_EQ(syscallName(x, 424), "pidfd_send_signal");
    EXPECT_EQ(syscallName(x, 435), "clone3");
    EXPECT_EQ(syscallName(x, 467), "uretprobe");
    EXPECT_EQ(syscallName(x, -1), "");
    EXPECT_EQ(syscallName(SyscallArch::kUnknown, 0), "");
}

}  // namespace
}  // namespace kestrel
