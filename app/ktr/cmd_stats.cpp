// ktr stats: a full parallel scan; counts per event type, task and CPU.
#include <algorithm>
#include <cstdio>

#include "analysis/trace_scan.h"
#include "cli.h"
#include "damage_report.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel::cli {
namespace {

void printTypes(const ScanResult& r, const EventFormats& formats) {
    std::vector<std::pair<uint64_t, int>> rows;
    for (size_t id = 0; id < r.eventsByType.size(); ++id) {
        if (r.eventsByType[id]) rows.emplace_back(r.eventsByType[id], static_cast<int>(id));
    }
    std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.first > b.first; });
    std::printf("%-40s %12s\n", "event", "count");
    for (auto [n, id] : rows) {
        const EventType* t = formats.type(id);
        std::string name = t ? t->system + ":" + t->name : "unknown id " + std::to_string(id);
        std::printf("%-40s %12llu\n", name.c_str(), static_cast<unsigned long long>(n));
    }
}

void printTasks(const ScanResult& r) {
    std::vector<PidCount> rows = r.eventsByPid;
    std::sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.events > b.events; });
    std::printf("\n%-8s %-8s %-20s %12s\n", "pid", "tgid", "comm", "events");
    for (const PidCount& p : rows) {
        const TaskInfo* t = r.tasks.find(p.pid);
        std::string tgid = t && t->tgid >= 0 ? std::to_string(t->tgid) : "-";
        std::printf("%-8d %-8s %-20s %12llu\n", p.pid, tgid.c_str(), r.tasks.comm(p.pid).c_str(),
                    static_cast<unsigned long long>(p.events));
    }
}

}  // namespace

int cmdStats(const std::string& file) {
    auto model = TraceModel::open(file);
    if (!model) return inputError(model.message());
    auto formats = EventFormats::create(model.value()->meta(), EventFormats::Use::kFields);
    if (!formats) return inputError(file + ": " + formats.message());
    auto scan = scanTrace(*model.value(), formats.value().get());
    if (!scan) return inputError(scan.message());
    const ScanResult& r = scan.value();
    std::printf("events: %llu\n\n", static_cast<unsigned long long>(r.events));
    printTypes(r, *formats.value());
    printTasks(r);
    std::printf("\n%-16s %12s %10s\n", "cpu", "events", "lost");
    for (size_t c = 0; c < r.eventsByCpu.size(); ++c) {
        std::printf("%-16s %12llu %10llu\n", model.value()->cpuLabel(c).c_str(),
                    static_cast<unsigned long long>(r.eventsByCpu[c]),
                    static_cast<unsigned long long>(r.lostByCpu[c]));
    }
    return reportDamage(*model.value());
}

}  // namespace kestrel::cli
