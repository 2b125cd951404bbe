// Latencies against `trace-cmd report -t` (nanosecond timestamps): every instance of every
// fixture, computed here a second way from the report's text, line after line in the
// report's order, by the rules docs/latency.md states.
#include "analysis/latency.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <tuple>

#include "decode/event_cursor.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

// One instance as both sides can state it: times in ns, CPUs as the report numbers them
// (inside their buffer).
struct Instance {
    uint64_t start = 0, end = 0;
    int32_t pid = 0;
    uint32_t key = 0;
    int startCpu = 0, endCpu = 0;
    auto tie() const { return std::tie(start, end, pid, key, startCpu, endCpu); }
    bool operator<(const Instance& o) const { return tie() < o.tie(); }
    bool operator==(const Instance& o) const { return tie() == o.tie(); }
};

std::ostream& operator<<(std::ostream& os, const Instance& i) {
    return os << "{" << i.start << " -> " << i.end << " pid " << i.pid << " key " << i.key
              << " cpu " << i.startCpu << "->" << i.endCpu << "}";
}

uint64_t nanos(const std::string& time) {
    const size_t dot = time.find('.');
    std::string frac = time.substr(dot + 1);
    frac.resize(9, '0');
    return std::stoull(time.substr(0, dot)) * 1'000'000'000ull + std::stoull(frac);
}

// The number after "name=" in a report's info text.
int64_t number(const std::string& info, const std::string& name) {
    size_t at = info.find(name + "=");
    while (at != std::string::npos && at > 0 && info[at - 1] != ' ')
        at = info.find(name + "=", at + 1);
    EXPECT_NE(at, std::string::npos) << name << " in " << info;
    return at == std::string::npos ? -1 : std::stoll(info.substr(at + name.size() + 1));
}

// "prev:PID [PRIO] S ==> next:PID [PRIO]": the pid before " [" of one side.
int32_t switchPid(const std::string& side) {
    const size_t bracket = side.rfind(" [");
    const size_t colon = side.rfind(':', bracket);
    return std::stoi(side.substr(colon + 1, bracket - colon - 1));
}

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
};

Loaded load(const std::string& file) {
    Loaded l;
    auto model = TraceModel::open(file);
    EXPECT_TRUE(model.ok()) << (model.ok() ? "" : model.message());
    if (!model.ok()) return l;
    l.model = std::move(*model);
    auto formats = EventFormats::create(l.model->meta());
    EXPECT_TRUE(formats.ok());
    l.formats = std::move(*formats);
    return l;
}

std::vector<Instance> instancesOf(const Latencies& r, const TraceModel& model) {
    std::vector<Instance> out;
    const auto& cpus = model.meta().cpus;
    for (size_t i = 0; i < r.size(); ++i) {
        out.push_back({r.start[i], r.start[i] + r.latency[i], r.pid[i], r.key[i],
                       static_cast<int>(cpus[r.startCpu[i]].cpu),
                       static_cast<int>(cpus[r.endCpu[i]].cpu)});
    }
    std::sort(out.begin(), out.end());
    return out;
}

Latencies analyze(const Loaded& l, LatencyKind kind) {
    LatencyRequest q;
    q.kind = kind;
    auto r = analyzeLatency(*l.model, *l.formats, q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.message());
    return r.ok() ? std::move(*r) : Latencies{};
}

// ---- the report read back by the rules ----

struct Oracle {
    std::vector<Instance> instances;
    uint64_t running = 0;
    uint64_t unmatched = 0;
};

void sorted(Oracle& o) {
    std::sort(o.instances.begin(), o.instances.end());
}

// Wakeup: the woken task's first sched_switch in, on whatever CPU; a wakeup of a task
// switched in and not yet out (or switched out before it is switched in, unless it was
// switched out before the wakeup: then its switch in is missing) was of a running task; a
// second wakeup before the switch leaves the first.
Oracle wakeupOracle(const std::vector<test::ReportLine>& lines) {
    const bool waking = std::any_of(lines.begin(), lines.end(), [](const test::ReportLine& l) {
        return l.event == "sched_waking";
    });
    const std::string wakeEvent = waking ? "sched_waking" : "sched_wakeup";
    Oracle o;
    struct Waiting {
        uint64_t t;
        int cpu;
        bool wasOff;
    };
    std::map<int32_t, Waiting> waiting;
    std::set<int32_t> onCpu, offCpu;
    for (const test::ReportLine& l : lines) {
        const uint64_t t = nanos(l.time);
        if (l.event == wakeEvent || l.event == "sched_wakeup_new") {
            // sched_wakeup_new prints "comm:pid [prio] CPU:nnn".
            const auto pid = l.event == "sched_wakeup_new"
                                 ? switchPid(l.info)
                                 : static_cast<int32_t>(number(l.info, "pid"));
            if (pid <= 0) continue;
            if (onCpu.count(pid)) {
                ++o.running;
            } else if (!waiting.count(pid)) {
                waiting[pid] = {t, l.cpu, offCpu.count(pid) > 0};
            }
        } else if (l.event == "sched_switch") {
            const size_t arrow = l.info.find(" ==> ");
            const int32_t prev = switchPid(l.info.substr(0, arrow));
            const int32_t next = switchPid(l.info.substr(arrow + 5));
            onCpu.erase(prev);
            if (auto it = waiting.find(prev); prev > 0 && it != waiting.end()) {
                ++(it->second.wasOff ? o.unmatched : o.running);
                waiting.erase(it);
            }
            if (prev > 0) offCpu.insert(prev);
            if (auto it = waiting.find(next); it != waiting.end()) {
                o.instances.push_back({it->second.t, t, next, 0, it->second.cpu, l.cpu});
                waiting.erase(it);
            }
            offCpu.erase(next);
            if (next > 0) onCpu.insert(next);
        }
    }
    sorted(o);
    return o;
}

// A start and its end on one CPU, by the number `field` holds. `keepFirst`: a start
// while one is open leaves the open one.
Oracle cpuOracle(const std::vector<test::ReportLine>& lines, const std::string& startEvent,
                 const std::string& endEvent, const std::string& field, bool keepFirst) {
    Oracle o;
    std::map<std::pair<int, int64_t>, std::pair<uint64_t, int32_t>> open;  // cpu, key
    for (const test::ReportLine& l : lines) {
        if (l.event != startEvent && l.event != endEvent) continue;
        const std::pair<int, int64_t> id{l.cpu, number(l.info, field)};
        if (l.event == startEvent) {
            if (!keepFirst || !open.count(id)) open[id] = {nanos(l.time), l.pid};
            continue;
        }
        if (auto it = open.find(id); it != open.end()) {
            o.instances.push_back({it->second.first, nanos(l.time), it->second.second,
                                   static_cast<uint32_t>(id.second), l.cpu, l.cpu});
            open.erase(it);
        }
    }
    sorted(o);
    return o;
}

void expectSame(const std::vector<Instance>& ours, const std::vector<Instance>& report) {
    EXPECT_EQ(ours.size(), report.size());
    std::vector<Instance> onlyOurs, onlyReport;
    std::set_difference(ours.begin(), ours.end(), report.begin(), report.end(),
                        std::back_inserter(onlyOurs));
    std::set_difference(report.begin(), report.end(), ours.begin(), ours.end(),
                        std::back_inserter(onlyReport));
    for (size_t i = 0; i < std::min<size_t>(onlyOurs.size(), 5); ++i)
        ADD_FAILURE() << "only ours: " << onlyOurs[i];
    for (size_t i = 0; i < std::min<size_t>(onlyReport.size(), 5); ++i)
        ADD_FAILURE() << "only the report's: " << onlyReport[i];
}

const char* const kSchedFixtures[] = {"sched-irq-timer.dat", "sched-irq-v6.dat", "markers.dat",
                                      "function-graph.dat"};

TEST(Latency, WakeupLatencyOfEveryFixtureIsTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    size_t total = 0;
    for (const char* name : kSchedFixtures) {
        SCOPED_TRACE(name);
        const std::string file = test::dataPath(name);
        Loaded l = load(file);
        Latencies r = analyze(l, LatencyKind::Wakeup);
        Oracle o = wakeupOracle(test::reportLines(file, "-t"));
        expectSame(instancesOf(r, *l.model), o.instances);
        EXPECT_EQ(r.running, o.running);
        EXPECT_EQ(r.unmatched, o.unmatched);
        EXPECT_EQ(r.lost, 0u);
        total += r.size();
    }
    EXPECT_GT(total, 500u);
}

TEST(Latency, IrqHandlerTimesAreTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("sched-irq-timer.dat");
    Loaded l = load(file);
    Latencies r = analyze(l, LatencyKind::Irq);
    Oracle o = cpuOracle(test::reportLines(file, "-t"), "irq_handler_entry", "irq_handler_exit",
                         "irq", false);
    expectSame(instancesOf(r, *l.model), o.instances);
    EXPECT_EQ(r.size(), 1013u);  // every entry of the trace has its exit
    EXPECT_EQ(r.keyName(36), "virtio1-req.0");
}

TEST(Latency, SoftirqTimesOfEveryFixtureAreTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* name :
         {"sched-irq-timer.dat", "sched-irq-v6.dat", "function-graph.dat", "two-buffers.dat"}) {
        SCOPED_TRACE(name);
        const std::string file = test::dataPath(name);
        Loaded l = load(file);
        const auto lines = test::reportLines(file, "-t");
        Latencies run = analyze(l, LatencyKind::Softirq);
        expectSame(instancesOf(run, *l.model),
                   cpuOracle(lines, "softirq_entry", "softirq_exit", "vec", false).instances);
        Latencies raise = analyze(l, LatencyKind::SoftirqRaise);
        expectSame(instancesOf(raise, *l.model),
                   cpuOracle(lines, "softirq_raise", "softirq_entry", "vec", true).instances);
        EXPECT_GT(run.size(), 100u);
        EXPECT_EQ(run.keyName(1), "TIMER");
    }
}

// Syscalls per task, across CPUs: an enter waits for the task's next exit; a second enter
// replaces the first; an exit of another number than the open enter's drops both. `named`:
// the syscalls:sys_enter_X/sys_exit_X events (the key is X), else raw_syscalls' "NR n".
struct SyscallOracle {
    std::vector<Instance> instances;         // key 0 for named events
    std::map<uint64_t, std::string> nameAt;  // named: start -> X
    uint64_t unmatched = 0;
};

SyscallOracle syscallOracle(const std::vector<test::ReportLine>& lines, bool named) {
    struct Open {
        uint64_t t;
        int cpu;
        std::string nr;
    };
    SyscallOracle o;
    std::map<int32_t, Open> open;
    for (const test::ReportLine& l : lines) {
        const bool enter = l.event.rfind("sys_enter", 0) == 0;
        if (!enter && l.event.rfind("sys_exit", 0) != 0) continue;
        // raw_syscalls print "NR 33 (...)" and "NR 33 = 1"; the named ones are named X.
        std::string nr =
            named ? l.event.substr(enter ? 10 : 9) : l.info.substr(3, l.info.find(' ', 3) - 3);
        if (enter) {
            o.unmatched += open.count(l.pid);
            open[l.pid] = {nanos(l.time), l.cpu, nr};
            continue;
        }
        auto it = open.find(l.pid);
        if (it == open.end()) {
            ++o.unmatched;
            continue;
        }
        if (it->second.nr != nr) {
            o.unmatched += 2;
        } else {
            const uint32_t key = named ? 0 : static_cast<uint32_t>(std::stoul(nr));
            o.instances.push_back({it->second.t, nanos(l.time), l.pid, key, it->second.cpu, l.cpu});
            if (named) o.nameAt[it->second.t] = nr;
        }
        open.erase(it);
    }
    std::sort(o.instances.begin(), o.instances.end());
    return o;
}

TEST(Latency, SyscallTimesAreTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("syscalls.dat");
    Loaded l = load(file);
    Latencies r = analyze(l, LatencyKind::Syscall);
    SyscallOracle o = syscallOracle(test::reportLines(file, "-t"), false);
    expectSame(instancesOf(r, *l.model), o.instances);
    EXPECT_EQ(r.unmatched, o.unmatched);
    EXPECT_GT(r.size(), 2000u);
    EXPECT_EQ(r.keyName(0), "read");  // x86_64's table
    EXPECT_EQ(r.keyName(230), "clock_nanosleep");
}

// Sleeps that return on the other CPU: the instance keeps both CPUs.
TEST(Latency, PerSyscallEventsAreTheReportsWithTheirNames) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("syscalls-named.dat");
    Loaded l = load(file);
    Latencies r = analyze(l, LatencyKind::Syscall);
    SyscallOracle o = syscallOracle(test::reportLines(file, "-t"), true);
    std::vector<Instance> ours = instancesOf(r, *l.model);
    for (Instance& i : ours) i.key = 0;  // named below
    expectSame(ours, o.instances);
    EXPECT_EQ(r.unmatched, o.unmatched);
    size_t named = 0, moved = 0;
    for (size_t i = 0; i < r.size(); ++i) {
        auto it = o.nameAt.find(r.start[i]);
        ASSERT_NE(it, o.nameAt.end()) << r.start[i];
        EXPECT_EQ(r.keyName(r.key[i]), it->second) << r.start[i];
        ++named;
        moved += r.startCpu[i] != r.endCpu[i];
    }
    EXPECT_GT(named, 600u);
    EXPECT_GT(moved, 0u) << "a syscall that returned on another CPU";
}

// kprobes.dat: myprobe on do_sys_openat2 and its kretprobe myretprobe, paired per task by
// the probed address the report prints in parentheses.
TEST(Latency, KprobeToKretprobeAreTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("kprobes.dat");
    Loaded l = load(file);
    Latencies r = analyze(l, LatencyKind::Kprobe);
    std::vector<Instance> report;
    std::map<std::pair<int32_t, std::string>, std::vector<std::pair<uint64_t, int>>> open;
    for (const test::ReportLine& line : test::reportLines(file, "-t")) {
        if (line.event != "myprobe" && line.event != "myretprobe") continue;
        const std::string address = line.info.substr(1, line.info.find_first_of(" )") - 1);
        auto& stack = open[{line.pid, address}];
        if (line.event == "myprobe") {
            stack.push_back({nanos(line.time), line.cpu});
        } else if (!stack.empty()) {
            report.push_back(
                {stack.back().first, nanos(line.time), line.pid, 0, stack.back().second, line.cpu});
            stack.pop_back();
        }
    }
    std::vector<Instance> ours = instancesOf(r, *l.model);
    for (Instance& i : ours) i.key = 0;  // the kprobe's id: checked by name below
    std::sort(report.begin(), report.end());
    expectSame(ours, report);
    EXPECT_EQ(r.size(), 23u);
    ASSERT_GT(r.size(), 0u);
    EXPECT_EQ(r.keyName(r.key[0]), "myprobe");
}

TEST(Latency, MarkerBeginEndPairsAreTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("markers.dat");
    Loaded l = load(file);
    Latencies r = analyze(l, LatencyKind::Marker);
    std::vector<Instance> report;
    std::map<std::string, std::string> labels;  // our key's name -> the report's label
    std::map<std::pair<int32_t, std::string>, std::pair<uint64_t, int>> open;
    for (const test::ReportLine& line : test::reportLines(file, "-t")) {
        if (line.event != "print") continue;
        std::string text = line.info.substr(line.info.find(": ") + 2);
        while (!text.empty() && text.back() == ' ') text.pop_back();
        const size_t space = text.rfind(' ');
        const std::string label = text.substr(0, space), word = text.substr(space + 1);
        if (word == "begin") open[{line.pid, label}] = {nanos(line.time), line.cpu};
        if (word == "end") {
            auto it = open.find({line.pid, label});
            ASSERT_NE(it, open.end()) << text;
            report.push_back(
                {it->second.first, nanos(line.time), line.pid, 0, it->second.second, line.cpu});
            labels[label] = label;
            open.erase(it);
        }
    }
    std::vector<Instance> ours = instancesOf(r, *l.model);
    for (Instance& i : ours) i.key = 0;
    std::sort(report.begin(), report.end());
    expectSame(ours, report);
    EXPECT_EQ(r.size(), 3u);
    std::set<std::string> names;
    for (size_t i = 0; i < r.size(); ++i) names.insert(r.keyName(r.key[i]));
    EXPECT_EQ(names, (std::set<std::string>{"phase-1", "phase-2", "phase-3"}));
}

// A custom pair that states the wakeup rule's core by hand: sched_waking's pid to the
// sched_switch whose next_pid is that task. Every wakeup instance but those of new tasks
// (sched_wakeup_new) is one of its instances (the pair does not leave out wakeups of
// running tasks, so it may have more).
TEST(Latency, CustomPairMatchesFieldsAcrossCpus) {
    const std::string file = test::dataPath("sched-irq-v6.dat");
    Loaded l = load(file);
    LatencyRequest q;
    q.kind = LatencyKind::Pair;
    q.startEvent = "sched_waking";
    q.endEvent = "sched:sched_switch";
    q.match = {{"pid", "next_pid"}};
    auto pair = analyzeLatency(*l.model, *l.formats, q);
    ASSERT_TRUE(pair.ok()) << pair.message();
    Latencies wake = analyze(l, LatencyKind::Wakeup);
    std::set<std::tuple<uint64_t, uint64_t, int>> pairs;
    for (size_t i = 0; i < pair->size(); ++i)
        pairs.insert({pair->start[i], pair->latency[i], pair->endCpu[i]});
    size_t found = 0;
    for (size_t i = 0; i < wake.size(); ++i)
        found += pairs.count({wake.start[i], wake.latency[i], wake.endCpu[i]});
    const EventType* wakeNew = l.formats->find("sched", "sched_wakeup_new");
    ASSERT_NE(wakeNew, nullptr);
    size_t newTasks = 0;
    EventCursor cursor(*l.model);
    for (EventRef ev; cursor.next(ev);) {
        CommonFields c;
        newTasks += l.formats->common(ev.raw, c) && c.type == wakeNew->id;
    }
    EXPECT_EQ(found + newTasks, wake.size());
    EXPECT_GT(newTasks, 0u);
    EXPECT_GT(wake.size(), 100u);

    // A filter on the start: only wakeups of task 1 ... none of another pid is kept.
    q.startFilter = "pid == " + std::to_string(pair->pid.empty() ? 0 : 1);
    q.match = {{"pid", "next_pid"}};
    auto none = analyzeLatency(*l.model, *l.formats, q);
    ASSERT_TRUE(none.ok()) << none.message();
    EXPECT_LT(none->size(), pair->size());

    q.match = {{"pid", "no_such_field"}};
    EXPECT_FALSE(analyzeLatency(*l.model, *l.formats, q).ok());
    q.match = {};
    q.startEvent = "no_such_event";
    EXPECT_FALSE(analyzeLatency(*l.model, *l.formats, q).ok());
}

TEST(Latency, KindsATraceLacksAreErrors) {
    Loaded l = load(test::dataPath("kprobes.dat"));
    // (It has the formats of function_graph and trace_marker, only no such records.)
    for (LatencyKind k : {LatencyKind::Irq, LatencyKind::Syscall, LatencyKind::Softirq,
                          LatencyKind::SoftirqRaise, LatencyKind::Wakeup}) {
        LatencyRequest q;
        q.kind = k;
        EXPECT_FALSE(analyzeLatency(*l.model, *l.formats, q).ok()) << latencyKindName(k);
    }
}

// Function durations are the call trees' calls with an exit: the report's durations.
TEST(Latency, FunctionDurationsAreTheCallsWithAnExit) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("function-graph.dat");
    Loaded l = load(file);
    Latencies r = analyze(l, LatencyKind::Function);
    // Every duration the report prints on a closing brace or a leaf line, per task.
    std::multiset<std::pair<int32_t, uint64_t>> report;
    for (const test::ReportLine& line : test::reportLines(file)) {
        if (line.event != "funcgraph_exit" && line.event != "funcgraph_entry") continue;
        const size_t us = line.info.find(" us ");
        const size_t bar = line.info.find('|');
        if (us == std::string::npos || bar < us) continue;
        const bool leaf = line.info.find(';', bar) != std::string::npos;
        const bool close = line.info.find('}', bar) != std::string::npos;
        if (!leaf && !close) continue;
        const size_t begin = line.info.find_first_of("0123456789");
        const std::string text = line.info.substr(begin, us - begin);
        const size_t dot = text.find('.');
        const uint64_t ns =
            std::stoull(text.substr(0, dot)) * 1000 + std::stoull(text.substr(dot + 1));
        report.insert({line.pid, ns});
    }
    std::multiset<std::pair<int32_t, uint64_t>> ours;
    for (size_t i = 0; i < r.size(); ++i) ours.insert({r.pid[i], r.latency[i]});
    EXPECT_EQ(ours.size(), report.size());
    EXPECT_TRUE(ours == report);
    EXPECT_GT(r.size(), 10000u);
}

// ---- percentiles and histogram against a sort ----

TEST(Latency, PercentilesAreTheNearestRankOfTheSortedValues) {
    std::mt19937_64 random(7);
    for (size_t n : {1u, 2u, 3u, 10u, 999u, 1000u, 1001u, 54321u}) {
        std::vector<uint64_t> values(n);
        for (uint64_t& v : values) v = random() % 1'000'000;
        std::vector<uint64_t> sortedValues = values;
        std::sort(sortedValues.begin(), sortedValues.end());
        // The smallest value with at least p of them at or below it, counted.
        auto expected = [&](double p) {
            for (uint64_t v : sortedValues) {
                const auto atOrBelow = static_cast<double>(
                    std::upper_bound(sortedValues.begin(), sortedValues.end(), v) -
                    sortedValues.begin());
                if (atOrBelow >= p * static_cast<double>(n) - 1e-9) return v;
            }
            return sortedValues.back();
        };
        LatencyPercentiles p = percentiles(values);
        SCOPED_TRACE(n);
        EXPECT_EQ(p.count, n);
        EXPECT_EQ(p.min, sortedValues.front());
        EXPECT_EQ(p.max, sortedValues.back());
        EXPECT_EQ(p.p50, expected(0.5));
        EXPECT_EQ(p.p90, expected(0.9));
        EXPECT_EQ(p.p99, expected(0.99));
        EXPECT_EQ(p.p999, expected(0.999));
    }
    std::vector<uint64_t> none;
    EXPECT_EQ(percentiles(none).count, 0u);
}

TEST(Latency, LogHistogramBucketsArePowersOfTwo) {
    const std::vector<uint64_t> values = {0, 1, 2, 3, 4, 7, 8, 1000, 1023, 1024};
    LatencyHistogram h = logHistogram(values);
    ASSERT_EQ(h.counts.size(), 11u);  // 1024 is in [2^10, 2^11)
    for (size_t b = 0; b < h.counts.size(); ++b) {
        uint64_t inside = 0;
        for (uint64_t v : values)
            inside += v >= LatencyHistogram::lower(b) && v < LatencyHistogram::upper(b);
        EXPECT_EQ(h.counts[b], inside) << b;
    }
    EXPECT_EQ(h.counts[0], 2u);  // 0 and 1
}

}  // namespace
}  // namespace kestrel
