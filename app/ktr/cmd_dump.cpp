// ktr dump: events as text, line for line like `trace-cmd report`.
#include <cstdio>
#include <cstdlib>
#include <set>

#include "cli.h"
#include "damage_report.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
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

// "--cpu N" selects CPU N of every buffer; "--cpu BUFFER:N" one buffer's CPU N.
bool selectCpus(const TraceModel& model, const std::vector<std::string>& specs,
                std::vector<bool>& cpus, std::string& error) {
    if (specs.empty()) return true;
    cpus.assign(model.cpuCount(), false);
    for (const std::string& spec : specs) {
        auto colon = spec.rfind(':');
        std::string buffer = colon == std::string::npos ? "" : spec.substr(0, colon);
        std::string number = colon == std::string::npos ? spec : spec.substr(colon + 1);
        unsigned long n = std::strtoul(number.c_str(), nullptr, 10);  // checked when parsed
        bool any = false;
        for (size_t c = 0; c < model.cpuCount(); ++c) {
            const CpuInfo& info = model.meta().cpus[c];
            bool bufferOk =
                colon == std::string::npos || model.meta().buffers[info.buffer].name == buffer;
            if (bufferOk && info.cpu == n) cpus[c] = any = true;
        }
        if (!any) {
            error = "no CPU '" + spec + "' in this trace";
            return false;
        }
    }
    return true;
}

// A bound given with at most the printed precision (microseconds) selects by the printed,
// rounded timestamp, so that a time copied from a dump line includes that line.
void setRange(const DumpArgs& args, CursorOptions& options) {
    if (const auto& from = args.from) {
        options.from = from->decimals > 6 ? from->ns : from->ns >= 500 ? from->ns - 500 : 0;
    }
    if (const auto& to = args.to) options.to = to->decimals > 6 ? to->ns : to->ns + 499;
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
    setRange(args, options);
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
