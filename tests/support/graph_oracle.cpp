#include "support/graph_oracle.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <vector>

#include "analysis/folded_stacks.h"
#include "analysis/function_stats.h"
#include "support/report_oracle.h"

namespace kestrel::test {
namespace {

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

bool endsWith(const std::string& s, const char* tail) {
    size_t n = std::char_traits<char>::length(tail);
    return s.size() > n && s.compare(s.size() - n, n, tail) == 0;
}

struct Open {
    size_t indent;
    std::string name;
};

// Closes the latest open call at `indent`: its name ("" when none is open there). Calls
// left open above it are cut; the roots among them are noted.
std::string closeAt(std::vector<Open>& stack, size_t indent, GraphReport& r) {
    for (size_t j = stack.size(); j-- > 0;) {
        if (stack[j].indent != indent) continue;
        std::string name = stack[j].name;
        for (size_t k = j + 1; k < stack.size(); ++k) {
            if (stack[k].indent == 0) r.rootsCut.insert(stack[k].name);
        }
        stack.resize(j);
        return name;
    }
    return "";
}

}  // namespace

GraphReport readGraphReport(const std::string& file) {
    GraphReport r;
    std::map<int32_t, std::vector<Open>> stacks;  // per pid (idle: per CPU)
    for (const ReportLine& l : reportLines(file)) {
        if (l.event != "funcgraph_entry" && l.event != "funcgraph_exit") continue;
        size_t bar = l.info.find('|');
        if (bar == std::string::npos) continue;
        std::string left = l.info.substr(0, bar);
        std::string right = l.info.substr(bar + 3);  // "|  " then two blanks per depth
        size_t indent = right.find_first_not_of(' ');
        std::string text = right.substr(indent);
        std::vector<Open>& stack = stacks[l.pid == 0 ? -1 - l.cpu : l.pid];
        uint64_t ns = 0;
        bool timed = parseDuration(left, ns);
        if (endsWith(text, "() {")) {
            // Opens never close others: an interrupt's calls can sit at the depth of the
            // call they interrupted, and its braces close before that call's does.
            stack.push_back({indent, text.substr(0, text.size() - 4)});
            continue;
        }
        if (!timed) continue;
        std::string name;
        if (text == "}") {
            name = closeAt(stack, indent, r);
        } else if (endsWith(text, "();")) {
            name = text.substr(0, text.size() - 3);
        }
        r.calls.insert({l.pid, name, ns});
        if (indent == 0 && !name.empty()) r.rootTotals[name] += ns;
    }
    for (auto& [key, stack] : stacks) {
        for (const Open& open : stack) {
            if (open.indent == 0) r.rootsCut.insert(open.name);
        }
    }
    return r;
}

std::multiset<ReportCall> treeCalls(const CallTrees& trees, const EventFormats& formats) {
    std::multiset<ReportCall> calls;
    for (const CallLane& lane : trees.lanes) {
        for (uint64_t i = lane.first; i < lane.first + lane.count; ++i) {
            const CallSpan& s = trees.spans[i];
            if (s.flags & CallSpan::kNoExit) continue;  // the report prints no time for it
            std::string name =
                (s.flags & CallSpan::kNoEntry) ? "" : trees.functionName(s.function, formats);
            calls.insert({lane.pid, name, s.duration});
        }
    }
    return calls;
}

void expectSameDurations(const GraphReport& report, const CallTrees& trees,
                         const EventFormats& formats) {
    std::multiset<ReportCall> ours = treeCalls(trees, formats);
    EXPECT_EQ(ours.size(), report.calls.size());
    std::vector<ReportCall> onlyReport, onlyOurs;
    std::set_difference(report.calls.begin(), report.calls.end(), ours.begin(), ours.end(),
                        std::back_inserter(onlyReport));
    std::set_difference(ours.begin(), ours.end(), report.calls.begin(), report.calls.end(),
                        std::back_inserter(onlyOurs));
    for (size_t i = 0; i < std::min<size_t>(onlyReport.size(), 5); ++i) {
        ADD_FAILURE() << "report only: pid " << onlyReport[i].pid << " " << onlyReport[i].name
                      << " " << onlyReport[i].ns;
    }
    for (size_t i = 0; i < std::min<size_t>(onlyOurs.size(), 5); ++i) {
        ADD_FAILURE() << "kestrel only: pid " << onlyOurs[i].pid << " " << onlyOurs[i].name << " "
                      << onlyOurs[i].ns;
    }
}

size_t expectSameRootTotals(const GraphReport& report, const CallTrees& trees,
                            const EventFormats& formats) {
    std::map<std::string, uint64_t> folded;
    CallPathTree paths = aggregateCalls(trees, CallFilter{});
    for (const FoldedLine& line : foldedLines(paths, trees, formats)) {
        folded[line.stack.substr(0, line.stack.find(';'))] += line.value;
    }
    size_t compared = 0;
    for (const auto& [root, ns] : report.rootTotals) {
        if (report.rootsCut.count(root)) continue;
        EXPECT_EQ(folded[root], ns) << root;
        ++compared;
    }
    return compared;
}

size_t expectSameFunctionTotals(const GraphReport& report, const CallTrees& trees,
                                const EventFormats& formats) {
    std::map<std::string, std::pair<uint64_t, uint64_t>> theirs, ours;  // calls, total
    for (const ReportCall& c : report.calls) {
        if (c.name.empty()) continue;
        ++theirs[c.name].first;
        theirs[c.name].second += c.ns;
    }
    for (const FunctionStats& f : functionStats(trees, CallFilter{})) {
        auto& o = ours[trees.functionName(f.function, formats)];
        o.first += f.calls;
        o.second += f.total;
    }
    for (const auto& [name, counts] : theirs) {
        EXPECT_EQ(ours[name].first, counts.first) << name;
        EXPECT_EQ(ours[name].second, counts.second) << name;
    }
    return theirs.size();
}

}  // namespace kestrel::test
