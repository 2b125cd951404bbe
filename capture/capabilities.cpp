#include "capabilities.h"

#include <unistd.h>

#include <optional>
#include <sstream>

#include "top_level.h"
#include "trace_target.h"

namespace kestrel {
namespace {

std::vector<std::string> words(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string w; in >> w;) out.push_back(w);
    return out;
}

bool listed(const std::vector<std::string>& list, const std::string& w) {
    for (const std::string& x : list) {
        if (x == w || x == "[" + w + "]") return true;
    }
    return false;
}

// One buffer being tried: the scratch instance, or the top level (its files journaled and
// put back when the probe ends).
class Trial {
public:
    Trial(const TraceTarget& target) : m_target(target) {}

    // Writes `value` to `file`, then `undo` (truncating: "" empties a list file):
    // "yes", "no: REASON" or "absent".
    std::string tryWrite(const std::string& file, const std::string& value,
                         const std::string& undo) const {
        if (!m_target.exists(file)) return "absent";
        Status st = m_target.write(file, value);
        (void)m_target.write(file, undo);
        return st ? "yes" : "no: " + st.message();
    }
    // Writes a file's own value back: proves it is writable without changing it.
    std::string tryRewrite(const std::string& file) const {
        auto text = m_target.read(file);
        if (!text) return m_target.exists(file) ? "no: " + text.message() : "absent";
        std::string value = words(*text).empty() ? "" : words(*text)[0];
        Status st = m_target.write(file, value);
        return st ? "yes" : "no: " + st.message();
    }
    const TraceTarget& target() const { return m_target; }

private:
    const TraceTarget& m_target;
};

// A function every kernel with the function tracer has, for the filter files.
std::string someFunction(const Tracefs& fs) {
    auto text = fs.read("available_filter_functions");
    if (!text) return "schedule";
    for (const std::string& w : words(text->substr(0, 4096))) {
        if (w.find('[') == std::string::npos) return w;
    }
    return "schedule";
}

void tracerRows(const Trial* inst, const Trial* top, const std::string& busy, const Tracefs& fs,
                std::vector<Capability>& rows) {
    auto known = [&](const TraceTarget& t) {
        auto text = t.read("available_tracers");
        return text ? words(*text) : std::vector<std::string>{};
    };
    std::vector<std::string> all = known(TraceTarget::topLevel(fs));
    for (const std::string& tracer : all) {
        if (tracer == "nop") continue;
        Capability c{"tracer " + tracer, "absent", busy};
        if (inst && listed(known(inst->target()), tracer))
            c.instance = inst->tryWrite("current_tracer", tracer, "nop");
        if (top) c.topLevel = top->tryWrite("current_tracer", tracer, "nop");
        rows.push_back(c);
    }
}

}  // namespace

std::vector<Capability> probeCapabilities(const Tracefs& fs) {
    std::vector<Capability> rows;
    std::vector<std::string> uses = topLevelInUse(fs);
    std::string busy;
    for (const std::string& u : uses) busy += (busy.empty() ? "not tried: in use (" : ", ") + u;
    if (!busy.empty()) busy += ")";

    auto inst = TracefsInstance::create(fs, "kestrel-probe-" + std::to_string(::getpid()));
    std::optional<TraceTarget> instTarget;
    if (inst) instTarget.emplace(fs, inst->name());
    TopLevelJournal journal(fs);
    TraceTarget topTarget =
        TraceTarget::topLevel(fs, [&journal](const std::string& rel) { journal.save(rel); });
    std::optional<Trial> instTrial, topTrial;
    if (instTarget) {
        (void)instTarget->write("tracing_on", "0");
        instTrial.emplace(*instTarget);
    }
    if (busy.empty()) {
        (void)topTarget.write("tracing_on", "0");
        topTrial.emplace(topTarget);
    }
    const Trial* in = instTrial ? &*instTrial : nullptr;
    const Trial* top = topTrial ? &*topTrial : nullptr;
    auto row = [&](const std::string& item, auto&& tryIt) {
        Capability c{item, in ? tryIt(*in) : "no instance: " + inst.message(), busy};
        if (top) c.topLevel = tryIt(*top);
        rows.push_back(c);
    };

    tracerRows(in, top, busy, fs, rows);
    const std::string fn = someFunction(fs);
    for (const char* file :
         {"set_ftrace_filter", "set_ftrace_notrace", "set_graph_function", "set_graph_notrace"}) {
        row(file, [&](const Trial& t) { return t.tryWrite(file, fn, ""); });
    }
    row("max_graph_depth", [](const Trial& t) { return t.tryRewrite("max_graph_depth"); });
    const std::string self = std::to_string(::getpid());
    for (const char* file :
         {"set_event_pid", "set_ftrace_pid", "set_event_notrace_pid", "set_ftrace_notrace_pid"}) {
        row(file, [&](const Trial& t) { return t.tryWrite(file, self, ""); });
    }
    row("buffer_subbuf_size_kb",
        [](const Trial& t) { return t.tryRewrite("buffer_subbuf_size_kb"); });
    row("trace_clock", [](const Trial& t) {
        auto text = t.target().read("trace_clock");
        if (!text) return std::string("absent");
        std::string clocks;
        for (std::string w : words(*text)) {
            if (w.front() == '[') w = w.substr(1, w.size() - 2);
            clocks += (clocks.empty() ? "" : " ") + w;
        }
        return "yes: " + clocks;
    });
    row("options", [](const Trial& t) {
        auto names = t.target().fs().list(t.target().rel("options"));
        return names.empty() ? std::string("absent") : "yes: " + std::to_string(names.size());
    });
    // Dynamic probes are defined at the top level only, for every buffer.
    const std::string group = "kestrel_probe_" + self;
    auto probeRow = [&](const std::string& item, const std::string& file, const std::string& def) {
        Capability c{item, "-", "absent"};
        if (fs.exists(file)) {
            Status st = fs.append(file, def);
            (void)fs.append(file, "-:" + group + "/p");
            c.topLevel = st ? "yes" : "no: " + st.message();
        }
        rows.push_back(c);
    };
    probeRow("kprobe_events", "kprobe_events", "p:" + group + "/p " + fn);
    char exe[4096] = {};
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    probeRow("uprobe_events", "uprobe_events",
             "p:" + group + "/p " + std::string(exe, n > 0 ? static_cast<size_t>(n) : 0) + ":0x0");
    (void)journal.restore();
    if (inst) (void)inst->remove();
    return rows;
}

}  // namespace kestrel
