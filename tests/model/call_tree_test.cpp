// Call trees against `trace-cmd report`: the report's function_graph text is read back
// into calls here, by its own rules (indentation pairs "func() {" with its "}", a leaf line
// is one call), independently of the model's pairing by depth and function address.
#include "analysis/call_tree.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "analysis/folded_stacks.h"
#include "analysis/function_stats.h"
#include "analysis/stack_samples.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Call {
    int32_t pid;
    std::string name;  // "" for a closing brace the report shows no opening line of
    uint64_t ns;
    bool operator<(const Call& o) const {
        return std::tie(pid, name, ns) < std::tie(o.pid, o.name, o.ns);
    }
};

// "! 492.292 us " -> 492292; false when the text holds no duration.
bool parseDuration(const std::string& text, uint64_t& ns) {
    size_t us = text.find(" us");
    if (us == std::string::npos) return false;
    size_t begin = text.find_first_of("0123456789");
    std::string number = text.substr(begin, us - begin);
    size_t dot = number.find('.');
    if (dot == std::string::npos) {
        ns = std::stoull(number) * 1000;
    } else {
        ns = std::stoull(number.substr(0, dot)) * 1000 + std::stoull(number.substr(dot + 1));
    }
    return true;
}

struct Oracle {
    std::multiset<Call> calls;
    std::map<std::string, uint64_t> rootTotals;
    std::set<std::string> rootsCut;  // roots with a call the report shows no end of
};

Oracle readReport(const std::string& file) {
    Oracle o;
    struct Open {
        size_t indent;
        std::string name;
    };
    std::map<int32_t, std::vector<Open>> stacks;  // per pid (idle: per CPU, below)
    for (const test::ReportLine& l : test::reportLines(file)) {
        if (l.event != "funcgraph_entry" && l.event != "funcgraph_exit") continue;
        size_t bar = l.info.find('|');
        if (bar == std::string::npos) continue;
        std::string left = l.info.substr(0, bar);
        std::string right = l.info.substr(bar + 3);  // "|  " then two blanks per depth
        size_t indent = right.find_first_not_of(' ');
        std::string text = right.substr(indent);
        int32_t key = l.pid == 0 ? -1 - l.cpu : l.pid;
        std::vector<Open>& stack = stacks[key];
        uint64_t ns = 0;
        bool timed = parseDuration(left, ns);
        if (text.size() > 4 && text.compare(text.size() - 4, 4, "() {") == 0) {
            // Opens never close others: an interrupt's calls can sit at the depth of the
            // call they interrupted, and its braces close before that call's does.
            stack.push_back({indent, text.substr(0, text.size() - 4)});
            continue;
        }
        if (!timed) continue;
        std::string name;
        if (text == "}") {  // closes the latest open call at its indentation
            for (size_t j = stack.size(); j-- > 0;) {
                if (stack[j].indent != indent) continue;
                name = stack[j].name;
                for (size_t k = j + 1; k < stack.size(); ++k) {
                    if (stack[k].indent == 0) o.rootsCut.insert(stack[k].name);
                }
                stack.resize(j);
                break;
            }
        } else if (text.size() > 3 && text.compare(text.size() - 3, 3, "();") == 0) {
            name = text.substr(0, text.size() - 3);
        }
        o.calls.insert({l.pid, name, ns});
        if (indent == 0 && !name.empty()) o.rootTotals[name] += ns;
    }
    for (auto& [key, stack] : stacks) {
        for (const Open& open : stack) {
            if (open.indent == 0) o.rootsCut.insert(open.name);
        }
    }
    return o;
}

struct Built {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    CallTrees trees;
};

Built build(const std::string& file) {
    Built b;
    auto model = TraceModel::open(file);
    EXPECT_TRUE(model) << model.message();
    b.model = std::move(model.value());
    auto formats = EventFormats::create(b.model->meta());
    EXPECT_TRUE(formats) << formats.message();
    b.formats = std::move(formats.value());
    auto trees = buildCallTrees(*b.model, *b.formats);
    EXPECT_TRUE(trees) << trees.message();
    b.trees = std::move(trees.value());
    return b;
}

std::multiset<Call> modelCalls(const Built& b) {
    std::multiset<Call> calls;
    for (const CallLane& lane : b.trees.lanes) {
        for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
            const CallSpan& s = b.trees.spans[i];
            if (s.flags & CallSpan::kNoExit) continue;  // the report prints no time for it
            std::string name =
                (s.flags & CallSpan::kNoEntry) ? "" : b.trees.functionName(s.function, *b.formats);
            calls.insert({lane.pid, name, s.duration});
        }
    }
    return calls;
}

const char* const kGraphFixtures[] = {"function-graph.dat"};

TEST(CallTrees, EveryDurationTheReportPrintsIsACallOfTheSameTaskAndFunction) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* fixture : kGraphFixtures) {
        SCOPED_TRACE(fixture);
        const std::string file = test::dataPath(fixture);
        Oracle oracle = readReport(file);
        Built b = build(file);
        std::multiset<Call> ours = modelCalls(b);
        ASSERT_GT(oracle.calls.size(), 1000u);
        EXPECT_EQ(ours.size(), oracle.calls.size());
        std::vector<Call> onlyReport, onlyOurs;
        std::set_difference(oracle.calls.begin(), oracle.calls.end(), ours.begin(), ours.end(),
                            std::back_inserter(onlyReport));
        std::set_difference(ours.begin(), ours.end(), oracle.calls.begin(), oracle.calls.end(),
                            std::back_inserter(onlyOurs));
        for (size_t i = 0; i < std::min<size_t>(onlyReport.size(), 5); ++i) {
            ADD_FAILURE() << "report only: pid " << onlyReport[i].pid << " " << onlyReport[i].name
                          << " " << onlyReport[i].ns;
        }
        for (size_t i = 0; i < std::min<size_t>(onlyOurs.size(), 5); ++i) {
            ADD_FAILURE() << "kestrel only: pid " << onlyOurs[i].pid << " " << onlyOurs[i].name
                          << " " << onlyOurs[i].ns;
        }
    }
}

TEST(CallTrees, FoldedTotalsPerRootFunctionAreTheReportsDurations) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* fixture : kGraphFixtures) {
        SCOPED_TRACE(fixture);
        const std::string file = test::dataPath(fixture);
        Oracle oracle = readReport(file);
        Built b = build(file);
        std::map<std::string, uint64_t> folded;
        CallPathTree paths = aggregateCalls(b.trees, CallFilter{});
        for (const FoldedLine& line : foldedLines(paths, b.trees, *b.formats)) {
            folded[line.stack.substr(0, line.stack.find(';'))] += line.value;
        }
        size_t compared = 0;
        for (const auto& [root, ns] : oracle.rootTotals) {
            if (oracle.rootsCut.count(root)) continue;
            EXPECT_EQ(folded[root], ns) << root;
            ++compared;
        }
        EXPECT_GT(compared, 3u);
    }
}

TEST(FunctionStats, CallsAndTotalsPerFunctionAreTheReports) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    for (const char* fixture : kGraphFixtures) {
        SCOPED_TRACE(fixture);
        const std::string file = test::dataPath(fixture);
        Oracle oracle = readReport(file);
        std::map<std::string, std::pair<uint64_t, uint64_t>> report;  // calls, total
        for (const Call& c : oracle.calls) {
            if (c.name.empty()) continue;
            ++report[c.name].first;
            report[c.name].second += c.ns;
        }
        Built b = build(file);
        std::map<std::string, std::pair<uint64_t, uint64_t>> ours;
        for (const FunctionStats& f : functionStats(b.trees, CallFilter{})) {
            auto& o = ours[b.trees.functionName(f.function, *b.formats)];
            o.first += f.calls;
            o.second += f.total;
        }
        for (const auto& [name, counts] : report) {
            EXPECT_EQ(ours[name].first, counts.first) << name;
            EXPECT_EQ(ours[name].second, counts.second) << name;
        }
        EXPECT_GT(report.size(), 100u);
    }
}

// The report prints a kernel_stack record as "<stack trace >" and then one "=> NAME (ADDR)"
// or "=> ADDR" line per frame, innermost first (one line of report text each, here).
std::map<std::string, uint64_t> reportStacks(const std::string& file) {
    std::map<std::string, uint64_t> stacks;
    FILE* p = popen(("trace-cmd report -i '" + file + "' 2>/dev/null").c_str(), "r");
    std::vector<std::string> frames;
    bool inStack = false;
    auto flush = [&] {
        if (!inStack) return;
        std::string folded;
        for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
            folded += (folded.empty() ? "" : ";") + *it;
        }
        ++stacks[folded];
        frames.clear();
        inStack = false;
    };
    char buf[4096];
    while (p && fgets(buf, sizeof buf, p)) {
        std::string line(buf);
        if (line.rfind("=> ", 0) == 0) {
            std::string frame = line.substr(3, line.find_first_of(" \n", 3) - 3);
            frames.push_back(frame);
            continue;
        }
        flush();
        inStack = line.find(" kernel_stack: ") != std::string::npos;
    }
    flush();
    if (p) pclose(p);
    return stacks;
}

TEST(StackSamples, EachStackCountsTheReportsKernelStackBlocks) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    const std::string file = test::dataPath("function-stacks.dat");
    std::map<std::string, uint64_t> report = reportStacks(file);
    ASSERT_GT(report.size(), 3u);
    auto model = TraceModel::open(file);
    ASSERT_TRUE(model) << model.message();
    auto formats = EventFormats::create(model.value()->meta());
    ASSERT_TRUE(formats) << formats.message();
    auto samples = foldStackSamples(*model.value(), *formats.value(), CallFilter{});
    ASSERT_TRUE(samples) << samples.message();
    std::map<std::string, uint64_t> ours;
    for (const FoldedLine& l : samples.value().lines) ours[l.stack] = l.value;
    EXPECT_EQ(ours, report);
    EXPECT_EQ(samples.value().badRecords, 0u);
}

// A hand-made task: f (100 ns) calls g twice (10 and 30 ns); g also runs alone for 200
// calls of 1..200 ns elsewhere.
TEST(FunctionStats, SelfTimeLongestAndP99) {
    CallTrees t;
    t.functions = {0x1000, 0x2000};
    t.spans.push_back({0, 100, 0, 0, 0, 0});
    t.spans.push_back({10, 10, 1, 0, 1, 0});
    t.spans.push_back({40, 30, 1, 0, 1, 0});
    for (uint64_t d = 1; d <= 200; ++d) t.spans.push_back({1000 + 1000 * d, d, 1, 0, 0, 0});
    t.lanes.push_back({7, -1, 0, t.spans.size()});
    std::map<uint32_t, FunctionStats> byFn;
    for (const FunctionStats& f : functionStats(t, CallFilter{})) byFn[f.function] = f;
    EXPECT_EQ(byFn[0].calls, 1u);
    EXPECT_EQ(byFn[0].self, 60u);
    EXPECT_EQ(byFn[1].calls, 202u);
    EXPECT_EQ(byFn[1].longest, 200u);
    EXPECT_EQ(byFn[1].longestSpan, t.spans.size() - 1);
    // 202 calls: rank ceil(0.99 * 202) = 200 of 1..200 plus 10 and 30 sorted in: 198.
    EXPECT_EQ(byFn[1].p99, 198u);
    CallFilter late;
    late.from = 100000;
    for (const FunctionStats& f : functionStats(t, late)) EXPECT_EQ(f.calls, 102u);  // d = 99..200
}

}  // namespace
}  // namespace kestrel
