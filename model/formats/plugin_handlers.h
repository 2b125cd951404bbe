#pragma once
// Copies of the libtraceevent plugin handlers of the hottest events (sched_switch,
// sched_wakeup and sched_wakeup_new from plugin_sched_switch.c; function and
// func_repeats from plugin_function.c), byte for byte the same text without
// libtraceevent's per-event cost. A copy is used only when the event's format has the
// fields it reads; every fixture event is checked against the real handler in the tests.
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "formats/event_formats.h"

namespace kestrel {

enum class HandlerKind : uint8_t { None, SchedSwitch, SchedWakeup, Function, FuncRepeats };

struct HandlerCopy {
    HandlerKind kind = HandlerKind::None;
    // SchedSwitch: prev_comm, prev_pid, prev_prio, prev_state, next_comm, next_pid,
    // next_prio. SchedWakeup: comm, pid, prio, success, target_cpu.
    // Function/FuncRepeats: ip, parent_ip, count, top_delta_ts, bottom_delta_ts.
    FieldRef f[7];
};

// The copy for an event type that libtraceevent gives a plugin handler; kind None when
// we have no copy for it or its format lacks a field the copy reads.
HandlerCopy handlerCopyFor(const EventType& type);

// plugin_function.c (libtraceevent 1.7) keeps, per CPU, the chain of functions seen as
// parents and indents a function event by the depth of its parent in that chain. The
// plugin keeps it in a process-wide static; this copy is per EventFormats, so instances
// in different threads do not race. Entries point into libtraceevent's symbol table
// (stable while the tep lives), so nothing is allocated per event.
class FunctionIndent {
public:
    int index(const char* parent, const char* child, int cpu) {
        if (cpu < 0) return 0;
        if (static_cast<size_t>(cpu) >= m_cpus.size()) m_cpus.resize(static_cast<size_t>(cpu) + 1);
        std::vector<const char*>& stack = m_cpus[static_cast<size_t>(cpu)];
        for (size_t i = 0; i < stack.size() && stack[i]; ++i) {
            if (std::strcmp(parent, stack[i]) == 0) {
                add(stack, child, i + 1);
                return static_cast<int>(i);
            }
        }
        add(stack, parent, 0);
        add(stack, child, 1);
        return 0;
    }

private:
    // add_child(): entries past `pos` stay as they were, exactly like the plugin.
    static void add(std::vector<const char*>& stack, const char* name, size_t pos) {
        if (!name) return;
        if (pos >= stack.size()) stack.resize(stack.size() + 10, nullptr);
        stack[pos] = name;
    }
    std::vector<std::vector<const char*>> m_cpus;
};

// Appends what the plugin handler would print. Comms the sched handlers see are
// registered in `formats` like the plugin registers them; `indent` is the function
// plugin's indent state, kept per EventFormats.
void runHandlerCopy(const HandlerCopy& copy, const EventFormats& formats, FunctionIndent& indent,
                    const RawEvent& event, int cpu, std::string& out);

}  // namespace kestrel
