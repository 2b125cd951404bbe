#include "formats/plugin_handlers.h"

#include <traceevent/event-parse.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "formats/format_helpers.h"

namespace kestrel {
namespace {

// plugin_sched_switch.c write_and_save_comm: the comm array up to its NUL, registered
// for the pid (the first comm a pid gets sticks, as in tep_register_comm).
void appendComm(const EventFormats& formats, const FieldRef& f, const RawEvent& event, int pid,
                std::string& out) {
    uint32_t avail = f.offset < event.size ? event.size - f.offset : 0;
    std::string_view comm = cutAtNul(reinterpret_cast<const char*>(event.data) + f.offset,
                                     std::min(f.arrayBytes, avail));
    out += comm;
    if (pid == 0) return;  // tep_register_comm ignores pid 0 once comms are sorted
    char name[64];  // TASK_COMM_LEN is 16; a longer array is cut, as no comm is that long
    size_t n = std::min(comm.size(), sizeof name - 1);
    std::memcpy(name, comm.data(), n);
    name[n] = '\0';
    tep_register_comm(formats.tep(), name, pid);
}

// plugin_sched_switch.c sched_switch_handler.
void schedSwitchInfo(const EventFormats& formats, const HandlerCopy& x, const RawEvent& event,
                     std::string& out) {
    uint64_t prevPid = formats.readUnsigned(x.f[1], event);
    appendComm(formats, x.f[0], event, static_cast<int>(prevPid), out);
    out += ':';
    appendDecimal(static_cast<int64_t>(prevPid), out);
    out += " [";
    appendDecimal(static_cast<int32_t>(formats.readUnsigned(x.f[2], event)), out);
    out += "] ";
    // write_state: the bits of "SDTtZXxW" joined with '|', 'R' when none is set.
    auto state = static_cast<int>(formats.readUnsigned(x.f[3], event));
    static const char kStates[] = "SDTtZXxW";
    bool found = false;
    for (int i = 0; i < 8; ++i) {
        if (!(state & (1 << i))) continue;
        if (found) out += '|';
        found = true;
        out += kStates[i];
    }
    if (!found) out += 'R';
    out += " ==> ";
    uint64_t nextPid = formats.readUnsigned(x.f[5], event);
    appendComm(formats, x.f[4], event, static_cast<int>(nextPid), out);
    out += ':';
    appendDecimal(static_cast<int64_t>(nextPid), out);
    out += " [";
    appendDecimal(static_cast<int32_t>(formats.readUnsigned(x.f[6], event)), out);
    out += ']';
}

// plugin_sched_switch.c sched_wakeup_handler.
void schedWakeupInfo(const EventFormats& formats, const HandlerCopy& x, const RawEvent& event,
                     std::string& out) {
    uint64_t pid = formats.readUnsigned(x.f[1], event);
    if (x.f[0].valid()) {
        appendComm(formats, x.f[0], event, static_cast<int>(pid), out);
        out += ':';
    }
    appendDecimal(static_cast<int64_t>(pid), out);
    if (x.f[2].valid()) {
        out += " [";
        appendDecimal(static_cast<int64_t>(formats.readUnsigned(x.f[2], event)), out);
        out += ']';
    }
    if (x.f[3].valid()) {
        out += " success=";
        appendDecimal(static_cast<int64_t>(formats.readUnsigned(x.f[3], event)), out);
    }
    if (x.f[4].valid()) {
        out += " CPU:";
        size_t at = out.size();
        appendDigits(formats.readUnsigned(x.f[4], event), 10, false, out);
        if (out.size() - at < 3) out.insert(at, 3 - (out.size() - at), '0');
    }
}

// plugin_function.c function_handler with its default options (indent on, parent and
// offset off), and trace_func_repeat_handler.
void functionInfo(const EventFormats& formats, const HandlerCopy& x, FunctionIndent& indent,
                  const RawEvent& event, int cpu, std::string& out) {
    uint64_t ip = formats.readUnsigned(x.f[0], event);
    const char* func = formats.symbol(ip);
    const char* parent = formats.symbol(formats.readUnsigned(x.f[1], event));
    int index = parent ? indent.index(parent, func, cpu) : 0;
    out.append(static_cast<size_t>(index) * 3, ' ');
    if (func) {
        out += func;
    } else {
        out += "0x";
        appendDigits(ip, 16, false, out);
    }
    if (x.kind != HandlerKind::FuncRepeats) return;
    // The time of the last repeat, printed with tep_func_repeat_format ("%6.1000d":
    // microseconds, rounded).
    uint64_t delta = (formats.readUnsigned(x.f[3], event) << 32) | formats.readUnsigned(x.f[4], event);
    uint64_t us = (event.ts - delta + 500) / 1000;
    char buf[96];
    int n = snprintf(buf, sizeof buf, " (count: %lld  last_ts: %5llu.%06llu)",
                     static_cast<long long>(formats.readUnsigned(x.f[2], event)),
                     static_cast<unsigned long long>(us / 1000000),
                     static_cast<unsigned long long>(us % 1000000));
    out.append(buf, static_cast<size_t>(std::max(n, 0)));
}

}  // namespace

HandlerCopy handlerCopyFor(const EventType& type) {
    HandlerCopy x;
    tep_event* e = type.tep;
    auto fld = [e](const char* name) { return toRef(tep_find_field(e, name)); };
    auto scalar = [](const FieldRef& f) { return f.valid() && !f.array && !f.dynamic; };
    if (e->handler) {
        if (type.system == "sched" && type.name == "sched_switch") {
            const char* names[] = {"prev_comm", "prev_pid", "prev_prio", "prev_state",
                                   "next_comm", "next_pid", "next_prio"};
            for (int k = 0; k < 7; ++k) x.f[k] = fld(names[k]);
            bool ok = x.f[0].array && x.f[4].array;
            for (int k : {1, 2, 3, 5, 6}) ok = ok && scalar(x.f[k]);
            if (ok) x.kind = HandlerKind::SchedSwitch;
        } else if (type.system == "sched" &&
                   (type.name == "sched_wakeup" || type.name == "sched_wakeup_new")) {
            const char* names[] = {"comm", "pid", "prio", "success", "target_cpu"};
            for (int k = 0; k < 5; ++k) x.f[k] = fld(names[k]);
            bool ok = scalar(x.f[1]) && (!x.f[0].valid() || x.f[0].array);
            for (int k : {2, 3, 4}) ok = ok && (!x.f[k].valid() || scalar(x.f[k]));
            if (ok) x.kind = HandlerKind::SchedWakeup;
        } else if (type.system == "ftrace" &&
                   (type.name == "function" || type.name == "func_repeats")) {
            const char* names[] = {"ip", "parent_ip", "count", "top_delta_ts", "bottom_delta_ts"};
            for (int k = 0; k < 5; ++k) x.f[k] = fld(names[k]);
            bool repeats = type.name == "func_repeats";
            bool ok = scalar(x.f[0]) && scalar(x.f[1]);
            for (int k : {2, 3, 4}) ok = ok && (!repeats || scalar(x.f[k]));
            if (ok) x.kind = repeats ? HandlerKind::FuncRepeats : HandlerKind::Function;
        }
    }
    return x;
}

void runHandlerCopy(const HandlerCopy& copy, const EventFormats& formats, FunctionIndent& indent,
                    const RawEvent& event, int cpu, std::string& out) {
    switch (copy.kind) {
        case HandlerKind::SchedSwitch:
            schedSwitchInfo(formats, copy, event, out);
            break;
        case HandlerKind::SchedWakeup:
            schedWakeupInfo(formats, copy, event, out);
            break;
        case HandlerKind::Function:
        case HandlerKind::FuncRepeats:
            functionInfo(formats, copy, indent, event, cpu, out);
            break;
        case HandlerKind::None:
            break;
    }
}

}  // namespace kestrel
