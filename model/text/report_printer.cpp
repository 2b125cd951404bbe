#include "text/report_printer.h"

#include <algorithm>
#include <cstring>

namespace kestrel {
namespace {

enum Kind : uint8_t { kUnknown = 0, kGeneric, kGraphEntry, kGraphExit };

// trace-read.c print_event_name pads names to 20 columns with these.
constexpr size_t kNameColumns = 20;

// The clocks trace-cmd prints in seconds.microseconds; any other clock keeps raw
// counts (trace-input.c extract_trace_clock clears TRACECMD_FL_IN_USECS).
bool clockInMicroseconds(const std::string& clock) {
    if (clock.empty()) return true;  // trace-cmd's default when no clock is recorded
    static const char* const kClocks[] = {"local", "global", "uptime", "perf", "tsc2nsec", "tai"};
    for (const char* c : kClocks) {
        if (clock == c) return true;
    }
    return clock.compare(0, 4, "mono") == 0;
}

// The line head is written through a raw pointer into space reserved in `out` (one
// resize instead of a dozen small appends). Each helper returns the new end.
char* putText(char* p, const char* text, size_t len) {
    std::memcpy(p, text, len);
    return p + len;
}

char* putPad(char* p, size_t n, char c) {
    std::memset(p, c, n);
    return p + n;
}

// printf "%*llu" with blank or zero padding.
char* putUnsigned(char* p, uint64_t v, unsigned width, char pad) {
    char buf[24];
    char* end = buf + sizeof buf;
    char* d = end;
    do {
        *--d = static_cast<char>('0' + v % 10);
        v /= 10;
    } while (v);
    auto len = static_cast<unsigned>(end - d);
    if (len < width) p = putPad(p, width - len, pad);
    return putText(p, d, len);
}

// printf "%-5d"
char* putIntLeft(char* p, int32_t v, unsigned width) {
    char* start = p;
    if (v < 0) *p++ = '-';
    p = putUnsigned(p, v < 0 ? 0 - static_cast<uint64_t>(static_cast<int64_t>(v)) : uint64_t(v), 0,
                    ' ');
    auto len = static_cast<unsigned>(p - start);
    return len < width ? putPad(p, width - len, ' ') : p;
}

// printf "%03d"
char* putCpu(char* p, int cpu) {
    if (cpu >= 0) return putUnsigned(p, static_cast<uint64_t>(cpu), 3, '0');
    *p++ = '-';
    return putUnsigned(p, 0 - static_cast<uint64_t>(static_cast<int64_t>(cpu)), 2, '0');
}

}  // namespace

ReportPrinter::ReportPrinter(EventFormats& formats, const TraceMeta& meta)
    : m_formats(formats), m_meta(meta), m_funcgraph(formats) {
    m_usecs = clockInMicroseconds(meta.traceClock);
    const auto& types = formats.types();
    m_types.resize(types.empty() ? 0 : static_cast<size_t>(types.back().id) + 1);
    for (const EventType& t : types) {
        TypeView& v = m_types[static_cast<size_t>(t.id)];
        v.name = " " + t.name + ": ";
        if (t.name.size() < kNameColumns) v.name.append(kNameColumns - t.name.size(), ' ');
        v.kind = kGeneric;
        if (m_funcgraph.enabled() && t.id == m_funcgraph.entryId()) v.kind = kGraphEntry;
        if (m_funcgraph.enabled() && t.id == m_funcgraph.exitId()) v.kind = kGraphExit;
    }
    // trace-read.c print_handle_file: with instances, every line starts with the
    // buffer's name right-aligned to the longest instance name, then ": "; the top
    // buffer gets blanks instead.
    size_t width = 0;
    bool instances = false;
    for (const BufferInfo& b : meta.buffers) {
        if (b.name.empty()) continue;
        instances = true;
        width = std::max(width, b.name.size());
    }
    for (const BufferInfo& b : meta.buffers) {
        std::string prefix;
        if (instances) {
            prefix.assign(width - std::min(width, b.name.size()), ' ');
            prefix += b.name;
            prefix += b.name.empty() ? "  " : ": ";
        }
        m_prefix.push_back(std::move(prefix));
    }
}

std::string ReportPrinter::header() const {
    // trace-read.c read_data_info: "cpus=%d" of the top handle, before any instance
    // prefix exists.
    uint32_t cpus = 0;
    for (const CpuInfo& c : m_meta.cpus) cpus = std::max(cpus, c.cpu + 1);
    return "cpus=" + std::to_string(cpus) + "\n";
}

// "%16s-%-5d [%03d]" then the time: tep_print_event with " %6.1000d:"
// (TRACECMD_FL_IN_USECS) prints the stamp rounded to microseconds as "%5llu.%06llu";
// with "%12d:" libtraceevent prints "%12llu" nanoseconds.
void ReportPrinter::appendHead(const EventRef& event, int cpu, int32_t pid,
                               std::string& out) const {
    const char* comm = m_formats.comm(pid);
    size_t commLen = std::strlen(comm);
    size_t at = out.size();
    out.resize(at + std::max<size_t>(commLen, 16) + 80);
    char* p = out.data() + at;
    if (commLen < 16) p = putPad(p, 16 - commLen, ' ');
    p = putText(p, comm, commLen);
    *p++ = '-';
    p = putIntLeft(p, pid, 5);
    *p++ = ' ';
    *p++ = '[';
    p = putCpu(p, cpu);
    *p++ = ']';
    if (m_usecs) {
        uint64_t us = (event.ts + 500) / 1000;
        *p++ = ' ';
        p = putUnsigned(p, us / 1000000, 5, ' ');
        *p++ = '.';
        p = putUnsigned(p, us % 1000000, 6, '0');
    } else {
        p = putUnsigned(p, event.ts, 12, ' ');
    }
    *p++ = ':';
    out.resize(static_cast<size_t>(p - out.data()));
}

bool ReportPrinter::print(const EventRef& event, const EventRef* next, std::string& out) {
    uint32_t buffer = 0;
    int cpu = static_cast<int>(event.cpu);
    if (event.cpu < m_meta.cpus.size()) {
        buffer = m_meta.cpus[event.cpu].buffer;
        cpu = static_cast<int>(m_meta.cpus[event.cpu].cpu);
    }
    if (buffer < m_prefix.size()) out += m_prefix[buffer];
    // trace-read.c trace_show_data: the lost-events line belongs to the same output
    // (after the instance prefix, before the event's own line).
    auto missed = static_cast<int64_t>(event.missedBefore);
    if (missed > 0) {
        out += "CPU:";
        out += std::to_string(cpu);
        out += " [";
        out += std::to_string(missed);
        out += " EVENTS DROPPED]\n";
    } else if (missed < 0 || event.missedUnknown) {
        out += "CPU:";
        out += std::to_string(cpu);
        out += " [EVENTS DROPPED]\n";
    }
    CommonFields common;
    const TypeView* view = nullptr;
    if (m_formats.common(event.raw, common) && common.type < m_types.size() &&
        m_types[common.type].kind != kUnknown) {
        view = &m_types[common.type];
    }
    if (!view) {
        // tep_print_event prints this for every part when no format has the id.
        out += "[UNKNOWN EVENT][UNKNOWN EVENT] (NULL): ";
        out.append(kNameColumns - 6, ' ');
        out += "[UNKNOWN EVENT]\n";
        return false;
    }
    appendHead(event, cpu, common.pid, out);
    out += view->name;
    size_t info = out.size();
    bool consumed = false;
    switch (view->kind) {
        case kGraphEntry:
            consumed =
                m_funcgraph.printEntry(event.raw, common.pid, next ? &next->raw : nullptr, out);
            break;
        case kGraphExit:
            m_funcgraph.printExit(event.raw, out);
            break;
        default: {
            RawEvent raw = event.raw;
            raw.ts = event.ts;
            m_formats.formatInfo(raw, cpu, out);
        }
    }
    // trace_show_data drops one trailing newline, and prints the text with "%.*s",
    // which stops at a NUL.
    if (out.back() == '\n') out.pop_back();
    if (const void* nul = std::memchr(out.data() + info, 0, out.size() - info)) {
        out.resize(static_cast<size_t>(static_cast<const char*>(nul) - out.data()));
    }
    out += '\n';
    return consumed;
}

}  // namespace kestrel
