// ktr functions: the function table of a function_graph trace.
#include <algorithm>
#include <cstdio>
#include <string>

#include "analysis/call_tree.h"
#include "analysis/function_stats.h"
#include "cli.h"
#include "damage_report.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "output_text.h"
#include "selection.h"

namespace kestrel::cli {
namespace {

struct Row {
    std::string name;
    FunctionStats stats;
};

void sortRows(std::vector<Row>& rows, const std::string& key) {
    auto value = [&key](const FunctionStats& s) -> uint64_t {
        if (key == "calls") return s.calls;
        if (key == "self") return s.self;
        if (key == "average") return s.average();
        if (key == "longest") return s.longest;
        if (key == "p99") return s.p99;
        return s.total;
    };
    std::sort(rows.begin(), rows.end(), [&](const Row& a, const Row& b) {
        if (key == "name") return a.name < b.name;
        uint64_t x = value(a.stats), y = value(b.stats);
        return x != y ? x > y : a.name < b.name;
    });
}

void print(const std::vector<Row>& rows, const std::string& format) {
    std::string out;
    if (format == "csv") out = "function,calls,total_ns,self_ns,average_ns,longest_ns,p99_ns\n";
    if (format == "json") out = "[";
    if (format == "text") {
        char head[160];
        std::snprintf(head, sizeof head, "%-40s %10s %14s %14s %12s %12s %12s\n", "function",
                      "calls", "total us", "self us", "average us", "longest us", "p99 us");
        out = head;
    }
    bool first = true;
    for (const Row& r : rows) {
        const FunctionStats& s = r.stats;
        char line[512];
        if (format == "text") {
            std::snprintf(line, sizeof line, "%-40s %10llu %14s %14s %12s %12s %12s\n",
                          r.name.c_str(), static_cast<unsigned long long>(s.calls),
                          micros(s.total).c_str(), micros(s.self).c_str(),
                          micros(s.average()).c_str(), micros(s.longest).c_str(),
                          micros(s.p99).c_str());
        } else if (format == "csv") {
            std::snprintf(
                line, sizeof line, "%s,%llu,%llu,%llu,%llu,%llu,%llu\n", r.name.c_str(),
                static_cast<unsigned long long>(s.calls), static_cast<unsigned long long>(s.total),
                static_cast<unsigned long long>(s.self),
                static_cast<unsigned long long>(s.average()),
                static_cast<unsigned long long>(s.longest), static_cast<unsigned long long>(s.p99));
        } else {
            std::snprintf(
                line, sizeof line,
                "%s\n  {\"function\": %s, \"calls\": %llu, \"total_ns\": %llu, "
                "\"self_ns\": %llu, \"average_ns\": %llu, \"longest_ns\": %llu, "
                "\"p99_ns\": %llu}",
                first ? "" : ",", jsonString(r.name).c_str(),
                static_cast<unsigned long long>(s.calls), static_cast<unsigned long long>(s.total),
                static_cast<unsigned long long>(s.self),
                static_cast<unsigned long long>(s.average()),
                static_cast<unsigned long long>(s.longest), static_cast<unsigned long long>(s.p99));
        }
        first = false;
        out += line;
    }
    if (format == "json") out += "\n]\n";
    writeOut(out.data(), out.size());
}

}  // namespace

int cmdFunctions(const FunctionsArgs& args) {
    auto opened = TraceModel::open(args.file);
    if (!opened) return inputError(opened.message());
    const TraceModel& model = *opened.value();
    auto formats = EventFormats::create(model.meta());
    if (!formats) return inputError(args.file + ": " + formats.message());
    CallFilter filter;
    std::string error;
    if (!selectCalls(model, args.cpus, args.pids, args.from, args.to, filter, error)) {
        return inputError(args.file + ": " + error);
    }
    auto trees = buildCallTrees(model, *formats.value());
    if (!trees) return inputError(trees.message());
    std::vector<Row> rows;
    for (const FunctionStats& s : functionStats(trees.value(), filter)) {
        rows.push_back({trees.value().functionName(s.function, *formats.value()), s});
    }
    sortRows(rows, args.sort);
    print(rows, args.format);
    return reportDamage(model);
}

}  // namespace kestrel::cli
