#include "text/event_columns.h"

#include <traceevent/event-parse.h>
#include <traceevent/trace-seq.h>

#include <cstdio>

namespace kestrel {
namespace {

// report_printer.cpp / trace-input.c: clocks printed in seconds.microseconds.
bool clockInMicroseconds(const std::string& clock) {
    if (clock.empty()) return true;
    for (const char* c : {"local", "global", "uptime", "perf", "tsc2nsec", "tai"}) {
        if (clock == c) return true;
    }
    return clock.compare(0, 4, "mono") == 0;
}

}  // namespace

const char* columnName(Column column) {
    switch (column) {
        case Column::Index:
            return "#";
        case Column::Buffer:
            return "Buffer";
        case Column::Cpu:
            return "CPU";
        case Column::Time:
            return "Time";
        case Column::Task:
            return "Task";
        case Column::Pid:
            return "PID";
        case Column::Flags:
            return "Flags";
        case Column::Event:
            return "Event";
        case Column::Info:
            return "Info";
        case Column::Count:
            break;
    }
    return "";
}

void ColumnText::SeqDeleter::operator()(trace_seq* s) const {
    trace_seq_destroy(s);
    delete s;
}

ColumnText::ColumnText(EventFormats& formats, const TraceMeta& meta)
    : m_formats(formats),
      m_meta(meta),
      m_funcgraph(formats),
      m_usecs(clockInMicroseconds(meta.traceClock)),
      m_seq(new trace_seq) {
    trace_seq_init(m_seq.get());
}

ColumnText::~ColumnText() = default;

void ColumnText::appendTime(uint64_t ts, bool usecs, std::string& out) {
    char buf[32];
    int n;
    if (usecs) {
        uint64_t us = (ts + 500) / 1000;
        n = std::snprintf(buf, sizeof buf, "%llu.%06llu",
                          static_cast<unsigned long long>(us / 1000000),
                          static_cast<unsigned long long>(us % 1000000));
    } else {
        n = std::snprintf(buf, sizeof buf, "%llu", static_cast<unsigned long long>(ts));
    }
    out.append(buf, static_cast<size_t>(n));
}

std::string ColumnText::bufferName(const TraceMeta& meta, uint32_t buffer) {
    if (buffer >= meta.buffers.size() || meta.buffers[buffer].name.empty()) return "top";
    return meta.buffers[buffer].name;
}

void ColumnText::appendFlags(const EventRef& event, std::string& out) {
    CommonFields common;
    if (!m_formats.common(event.raw, common)) return;
    (void)m_formats.typeOf(event.raw);  // libtraceevent looks the type up: parse it first
    tep_record record{};
    record.ts = event.raw.ts;
    record.cpu = static_cast<int>(event.cpu);
    record.size = static_cast<int>(event.raw.size);
    record.data = const_cast<uint8_t*>(event.raw.data);
    trace_seq_reset(m_seq.get());
    tep_print_event(m_formats.tep(), m_seq.get(), &record, "%s", TEP_PRINT_LATENCY);
    out.append(m_seq->buffer, m_seq->len);
}

bool ColumnText::needsNext(const EventRef& event) const {
    CommonFields common;
    return m_funcgraph.enabled() && m_formats.common(event.raw, common) &&
           common.type == m_funcgraph.entryId();
}

GraphRow ColumnText::graphRow(const EventRef& event, const Neighbours& around) const {
    CommonFields common;
    if (!m_funcgraph.enabled() || !m_formats.common(event.raw, common)) return GraphRow::kNone;
    if (common.type == m_funcgraph.entryId()) {
        bool leaf = around.next && m_funcgraph.closesLeaf(event.raw, common.pid, around.next->raw);
        return leaf ? GraphRow::kLeaf : GraphRow::kEntry;
    }
    if (common.type != m_funcgraph.exitId()) return GraphRow::kNone;
    // The report printed this exit on its entry's line when the entry was the record read
    // just before it, on the same CPU (trace-ftrace.c peeks at the next record only).
    const EventRef* prev = around.previous;
    CommonFields p;
    bool leaf = prev && prev->cpu == event.cpu && m_formats.common(prev->raw, p) &&
                p.type == m_funcgraph.entryId() &&
                m_funcgraph.closesLeaf(prev->raw, p.pid, event.raw);
    return leaf ? GraphRow::kLeafExit : GraphRow::kExit;
}

bool ColumnText::appendGraphInfo(const EventRef& event, const Neighbours& around,
                                 std::string& out) const {
    CommonFields common;
    switch (graphRow(event, around)) {
        case GraphRow::kNone:
            return false;
        case GraphRow::kEntry:
        case GraphRow::kLeaf:
            m_formats.common(event.raw, common);
            m_funcgraph.printEntry(event.raw, common.pid, around.next ? &around.next->raw : nullptr,
                                   out);
            return true;
        case GraphRow::kExit:
            m_funcgraph.printExit(event.raw, out);
            return true;
        case GraphRow::kLeafExit:
            m_funcgraph.printLeafExit(event.raw, out);
            return true;
    }
    return false;
}

void ColumnText::append(Column column, const EventRef& event, uint64_t number, std::string& out,
                        const Neighbours& around) {
    CommonFields common;
    bool hasCommon = m_formats.common(event.raw, common);
    switch (column) {
        case Column::Index:
            out += std::to_string(number);
            break;
        case Column::Buffer:
            if (event.cpu < m_meta.cpus.size())
                out += bufferName(m_meta, m_meta.cpus[event.cpu].buffer);
            break;
        case Column::Cpu: {
            uint32_t cpu = event.cpu < m_meta.cpus.size() ? m_meta.cpus[event.cpu].cpu : event.cpu;
            out += std::to_string(cpu);
            break;
        }
        case Column::Time:
            appendTime(event.ts, m_usecs, out);
            break;
        case Column::Task:
            if (hasCommon) out += m_formats.comm(common.pid);
            break;
        case Column::Pid:
            if (hasCommon) out += std::to_string(common.pid);
            break;
        case Column::Flags:
            appendFlags(event, out);
            break;
        case Column::Event: {
            const EventType* t = hasCommon ? m_formats.type(common.type) : nullptr;
            out += t ? t->name : "[UNKNOWN EVENT]";
            break;
        }
        case Column::Info: {
            if (appendGraphInfo(event, around, out)) break;
            RawEvent raw = event.raw;
            raw.ts = event.ts;
            int cpu = event.cpu < m_meta.cpus.size() ? static_cast<int>(m_meta.cpus[event.cpu].cpu)
                                                     : static_cast<int>(event.cpu);
            size_t at = out.size();
            m_formats.formatInfo(raw, cpu, out);
            // As trace-cmd prints it: one trailing newline dropped, cut at a NUL.
            if (out.size() > at && out.back() == '\n') out.pop_back();
            size_t nul = out.find('\0', at);
            if (nul != std::string::npos) out.resize(nul);
            break;
        }
        case Column::Count:
            break;
    }
}

}  // namespace kestrel
