#include "record_config.h"

#include <fnmatch.h>

#include <cstdlib>
#include <sstream>

namespace kestrel {

namespace {

template <class T>
std::string joined(const std::vector<T>& items, const char* sep = ",") {
    std::ostringstream out;
    for (size_t i = 0; i < items.size(); ++i) out << (i ? sep : "") << items[i];
    return out.str();
}

}  // namespace

std::string RecordConfig::describe() const {
    std::vector<std::string> parts;
    std::vector<std::string> ev;
    for (const EventSpec& e : events)
        ev.push_back(e.filter.empty() ? e.spec : e.spec + " if " + e.filter);
    if (!ev.empty()) parts.push_back("events " + joined(ev, ", "));
    if (!tracer.empty()) parts.push_back("tracer " + tracer);
    if (!ftraceFilter.empty()) parts.push_back("ftrace filter " + joined(ftraceFilter));
    if (!graphFunction.empty()) parts.push_back("graph functions " + joined(graphFunction));
    if (!options.empty()) parts.push_back("options " + joined(options));
    if (!pids.empty()) parts.push_back("pids " + joined(pids));
    if (pidOnly) parts.push_back("command's pids only");
    if (!kprobes.empty()) parts.push_back("kprobes " + joined(kprobes, "; "));
    if (!uprobes.empty()) parts.push_back("uprobes " + joined(uprobes, "; "));
    if (!cpumask.empty()) parts.push_back("cpumask " + cpumask);
    if (bufferKb) parts.push_back("buffer " + std::to_string(bufferKb) + " KB/cpu");
    if (!command.empty()) parts.push_back("command: " + joined(command, " "));
    return joined(parts, "; ");
}

namespace {

// Applies items one by one, collecting refusals.
class Applier {
public:
    Applier(const TraceTarget& target, AppliedConfig& out) : m_target(target), m_out(out) {}

    void set(const std::string& item, const std::string& file, const std::string& value,
             bool appendMode = false) {
        if (!m_target.exists(file)) {
            refuse(item, "the kernel has no " + file + " " + m_target.where());
            return;
        }
        Status st = appendMode ? m_target.append(file, value) : m_target.write(file, value);
        if (!st) refuse(item, st.message());
    }
    void refuse(const std::string& item, const std::string& reason) {
        m_out.refused.push_back({item, reason});
    }
    const Tracefs& fs() const { return m_target.fs(); }
    const TraceTarget& target() const { return m_target; }
    AppliedConfig& out() { return m_out; }

private:
    const TraceTarget& m_target;
    AppliedConfig& m_out;
};

// "p:grp/name sym args" -> ("grp", "name"); group defaults to `defaultGroup`.
bool probeName(const std::string& def, const std::string& defaultGroup, std::string& group,
               std::string& name) {
    std::string head = def.substr(0, def.find(' '));
    auto colon = head.find(':');
    if (colon == std::string::npos || colon + 1 >= head.size()) return false;
    std::string full = head.substr(colon + 1);
    auto slash = full.find('/');
    group = slash == std::string::npos ? defaultGroup : full.substr(0, slash);
    name = slash == std::string::npos ? full : full.substr(slash + 1);
    return !name.empty();
}

void applyProbes(Applier& a, const std::vector<std::string>& defs, const std::string& file,
                 const std::string& group0) {
    for (const std::string& def : defs) {
        std::string item = (group0 == "kprobes" ? "kprobe '" : "uprobe '") + def + "'";
        std::string group, name;
        if (!probeName(def, group0, group, name)) {
            a.refuse(item, "needs a name: 'p:NAME SYMBOL [ARGS]'");
            continue;
        }
        if (!a.fs().exists(file)) {
            a.refuse(item, "the kernel has no " + file + " (CONFIG_" +
                               (group0 == "kprobes" ? std::string("KPROBE") : "UPROBE") +
                               "_EVENTS missing or locked down)");
            continue;
        }
        if (Status st = a.fs().append(file, def); !st) {
            a.refuse(item, st.message());
            continue;
        }
        a.out().probes.push_back({file, group + "/" + name});
        a.set(item, "events/" + group + "/" + name + "/enable", "1");
    }
}

// Event names the target lists in set_event ("sys:name").
std::vector<std::string> enabledEvents(const TraceTarget& target) {
    std::vector<std::string> out;
    auto text = target.read("set_event");
    if (!text) return out;
    std::istringstream in(*text);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) out.push_back(line);
    }
    return out;
}

// The set_event pattern for a spec: a bare system name means all its events.
std::string eventPattern(const TraceTarget& target, const std::string& spec) {
    if (spec.find(':') == std::string::npos && target.fs().isDir(target.rel("events/" + spec))) {
        return spec + ":*";
    }
    return spec;
}

bool matches(const std::string& pattern, const std::string& event) {
    std::string p = pattern.find(':') == std::string::npos ? "*:" + pattern : pattern;
    return fnmatch(p.c_str(), event.c_str(), 0) == 0;
}

void applyEvents(Applier& a, const std::vector<EventSpec>& events) {
    for (const EventSpec& e : events) {
        std::string pattern = eventPattern(a.target(), e.spec);
        std::string item = "event '" + e.spec + "'";
        Status st = a.target().append("set_event", pattern);
        if (!st) {
            a.refuse(item, st.message() + " (no such event? see available_events)");
            continue;
        }
        if (e.filter.empty()) continue;
        for (const std::string& ev : enabledEvents(a.target())) {
            if (!matches(pattern, ev)) continue;
            std::string sys = ev.substr(0, ev.find(':')), name = ev.substr(ev.find(':') + 1);
            a.set("filter '" + e.filter + "' on " + ev, "events/" + sys + "/" + name + "/filter",
                  e.filter);
        }
    }
}

void applyList(Applier& a, const std::string& file, const std::vector<std::string>& items) {
    for (const std::string& f : items) a.set(file + " '" + f + "'", file, f, true);
}

void applyTracer(Applier& a, const RecordConfig& c) {
    if (c.tracer.empty()) return;
    // Filters first, so the tracer never runs unfiltered.
    applyList(a, "set_ftrace_filter", c.ftraceFilter);
    applyList(a, "set_ftrace_notrace", c.ftraceNotrace);
    applyList(a, "set_graph_function", c.graphFunction);
    applyList(a, "set_graph_notrace", c.graphNotrace);
    if (c.maxGraphDepth >= 0) {
        a.set("max_graph_depth " + std::to_string(c.maxGraphDepth), "max_graph_depth",
              std::to_string(c.maxGraphDepth));
    }
    a.set("tracer " + c.tracer, "current_tracer", c.tracer);
}

void applyPids(Applier& a, const RecordConfig& c) {
    for (int pid : c.pids) {
        a.set("event pid " + std::to_string(pid), "set_event_pid", std::to_string(pid), true);
        if (!c.tracer.empty()) {
            a.set("ftrace pid " + std::to_string(pid), "set_ftrace_pid", std::to_string(pid), true);
        }
    }
    if (c.pids.empty() || !c.followFork) return;
    a.set("option event-fork", "options/event-fork", "1");
    if (!c.tracer.empty()) a.set("option function-fork", "options/function-fork", "1");
}

}  // namespace

AppliedConfig applyConfig(const TraceTarget& target, const RecordConfig& c) {
    AppliedConfig out;
    Applier a(target, out);
    if (c.bufferKb) {
        a.set("buffer size " + std::to_string(c.bufferKb) + " KB", "buffer_size_kb",
              std::to_string(c.bufferKb));
    }
    if (!c.clock.empty()) a.set("clock " + c.clock, "trace_clock", c.clock);
    if (!c.cpumask.empty()) a.set("cpumask " + c.cpumask, "tracing_cpumask", c.cpumask);
    applyProbes(a, c.kprobes, "kprobe_events", "kprobes");
    applyProbes(a, c.uprobes, "uprobe_events", "uprobes");
    applyEvents(a, c.events);
    for (const std::string& o : c.options) {
        bool off = o.rfind("no", 0) == 0 && !target.exists("options/" + o);
        std::string name = off ? o.substr(2) : o;
        a.set("option " + o, "options/" + name, off ? "0" : "1");
    }
    applyTracer(a, c);
    applyPids(a, c);
    out.enabledEvents = enabledEvents(target);
    return out;
}

void removeProbes(const Tracefs& fs, const std::vector<AddedProbe>& probes) {
    for (const AddedProbe& p : probes) (void)fs.append(p.file, "-:" + p.name);
}

}  // namespace kestrel
