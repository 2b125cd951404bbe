// ktr dump: events as text, line for line like `trace-cmd report`.
#include <cstdio>
#include <cstdlib>
#include <set>

#include "cli.h"
#include "damage_report.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "selection.h"
#include "text/report_printer.h"

namespace kestrel::cli {
namespace {

struct DumpFilter {
    std::vector<bool> types;  // by event id; empty = all
    std::set<int32_t> pids;   // empty = all
};

// "--event sched:sched_switch", "--event sched_switch" or "--event sched" (a system).
bool selectEvents(const EventFormats& formats, const std::vector<std::string>& names,
                  DumpFilter& filter, std::string& error) {
    if (names.empty()) return true;
    filter.types.assign(65536, false);
    for (const std::string& name : names) {
        auto colon = name.find(':');
        bool any = false;
        for (const EventType& t : formats.types()) {
            bool match = colon == std::string::npos ? t.name == name || t.system == name
                                                    : t.system == name.substr(0, colon) &&
                                                          t.name == name.substr(colon + 1);
            if (match && t.id >= 0 && t.id < 65536) filter.types[t.id] = any = true;
        }
        if (!any) {
            error = "no event or system named '" + name + "' in this trace";
            return false;
        }
    }
    return true;
}

}  // namespace

int cmdDump(const DumpArgs& args) {
    auto opened = TraceModel::open(args.file);
    if (!opened) return inputError(opened.message());
    const TraceModel& model = *opened.value();
    auto formats = EventFormats::create(model.meta());
    if (!formats) return inputError(args.file + ": " + formats.message());
    EventFormats& fmt = *formats.value();

    DumpFilter filter;
    CursorOptions options;
    options.streaming = true;
    std::string error;
    printedRange(args.from, args.to, options.from, options.to);
    filter.pids.insert(args.pids.begin(), args.pids.end());
    if (!selectCpus(model, args.cpus, options.cpus, error) ||
        !selectEvents(fmt, args.events, filter, error)) {
        return inputError(args.file + ": " + error);
    }

    const EventType* graphEntry = fmt.find("ftrace", "funcgraph_entry");
    const int graphEntryId = graphEntry ? graphEntry->id : -1;
    ReportPrinter printer(fmt, model.meta());
    EventCursor cursor(model, options);
    std::string out = printer.header();
    out.reserve(1 << 21);
    EventRef event, next;
    CommonFields common;
    while (cursor.next(event)) {
        if (!fmt.common(event.raw, common)) common = CommonFields{};
        if (!filter.types.empty() && !filter.types[common.type]) continue;
        if (!filter.pids.empty() && !filter.pids.count(common.pid)) continue;
        // Only a function_graph entry can merge with the record after it.
        bool peeked = common.type == graphEntryId && cursor.peekNextIfSameCpu(next);
        if (printer.print(event, peeked ? &next : nullptr, out)) cursor.skipSameCpu();
        if (out.size() >= (1 << 20)) {
            if (!writeOut(out.data(), out.size())) return kBadInput;  // finishOutput says why
            out.clear();
        }
    }
    if (!writeOut(out.data(), out.size())) return kBadInput;
    return reportDamage(model);
}

}  // namespace kestrel::cli
