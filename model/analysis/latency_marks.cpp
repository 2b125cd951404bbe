#include "analysis/latency_marks.h"

#include <event-parse.h>

#include <algorithm>
#include <cstring>
#include <memory>

#include "analysis/syscall_names.h"
#include "base/parallel.h"
#include "query/event_filter.h"
#include "ring/page_walk.h"

namespace kestrel {
namespace {

// What an event type means to the kind asked for.
struct Rule {
    enum What : uint8_t { None, Start, End, Both, Switch, Print };
    What what = None;
    uint32_t key = 0;     // the key, unless keyField reads it from the event
    FieldRef keyField;    // irq, vec, id, __syscall_nr
    FieldRef pidField;    // the task when it is not common_pid (the woken one, next_pid)
    FieldRef valueField;  // kprobes: the probed address; sched_switch: prev_pid
    FieldRef nameField;   // irq_handler_entry's name, kept as the key's name
    std::string keyName;  // a name for every key this type gives (syscalls:sys_enter_X)
};

struct Rules {
    std::vector<Rule> byType;  // by event id
    // Per-task kinds pair on the CPU while the task stays there: sched_switch says when
    // it leaves.
    bool perTask = false;
    TaskRule task;
    int switchId = -1;
    FieldRef switchNext;
    // LatencyKind::Pair: the fields that must match, start side and end side.
    std::vector<FieldRef> startMatch, endMatch;
    EventFilter startFilter, endFilter;
    std::map<uint32_t, std::string> keyNames;
    std::string note;

    Rule& at(int id) {
        if (byType.size() <= static_cast<size_t>(id)) byType.resize(static_cast<size_t>(id) + 1);
        return byType[static_cast<size_t>(id)];
    }
};

const char* const kSoftirqNames[] = {"HI",       "TIMER",   "NET_TX", "NET_RX",  "BLOCK",
                                     "IRQ_POLL", "TASKLET", "SCHED",  "HRTIMER", "RCU"};

int eventId(const EventFormats& f, std::string_view system, std::string_view name) {
    const EventType* t = f.find(system, name);
    return t ? t->id : -1;
}

// "SYS:NAME" or "NAME" (one system must have it).
Result<int> namedEvent(const EventFormats& f, const std::string& spec) {
    const size_t colon = spec.find(':');
    std::vector<int> ids;
    for (const EventType& t : f.types()) {
        const bool match = colon == std::string::npos ? t.name == spec
                                                      : t.system == spec.substr(0, colon) &&
                                                            t.name == spec.substr(colon + 1);
        if (match) ids.push_back(t.id);
    }
    if (ids.empty()) return Status::error("no event named '" + spec + "' in this trace");
    if (ids.size() > 1) {
        return Status::error("several systems have an event named '" + spec +
                             "': give it as SYSTEM:NAME");
    }
    return ids[0];
}

Status needs(bool ok, const std::string& what) {
    return ok ? Status{} : Status::error("the trace has no " + what);
}

Status wakeupRules(const EventFormats& f, Rules& r) {
    const int switchId = eventId(f, "sched", "sched_switch");
    const int waking = eventId(f, "sched", "sched_waking");
    const int wakeup = eventId(f, "sched", "sched_wakeup");
    const int wakeNew = eventId(f, "sched", "sched_wakeup_new");
    if (Status s = needs(switchId >= 0 && (waking >= 0 || wakeup >= 0),
                         "sched_switch and sched_waking or sched_wakeup events");
        !s.ok())
        return s;
    Rule& sw = r.at(switchId);
    sw.what = Rule::Switch;
    sw.pidField = f.field(switchId, "next_pid");
    sw.valueField = f.field(switchId, "prev_pid");
    for (int id : {waking >= 0 ? waking : wakeup, wakeNew}) {
        if (id < 0) continue;
        Rule& w = r.at(id);
        w.what = Rule::Start;
        w.pidField = f.field(id, "pid");
        // Where the wakee was sent: the end tells where it ran.
    }
    if (!sw.pidField.valid() || !sw.valueField.valid())
        return Status::error("sched_switch lacks prev_pid or next_pid");
    return {};
}

Status irqRules(const EventFormats& f, Rules& r) {
    const int entry = eventId(f, "irq", "irq_handler_entry");
    const int exit = eventId(f, "irq", "irq_handler_exit");
    if (Status s = needs(entry >= 0 && exit >= 0, "irq_handler_entry and irq_handler_exit events");
        !s.ok())
        return s;
    Rule& e = r.at(entry);
    e.what = Rule::Start;
    e.keyField = f.field(entry, "irq");
    e.nameField = f.field(entry, "name");
    Rule& x = r.at(exit);
    x.what = Rule::End;
    x.keyField = f.field(exit, "irq");
    return {};
}

Status softirqRules(const EventFormats& f, bool raise, Rules& r) {
    const int first = eventId(f, "irq", raise ? "softirq_raise" : "softirq_entry");
    const int second = eventId(f, "irq", raise ? "softirq_entry" : "softirq_exit");
    if (Status s =
            needs(first >= 0 && second >= 0, raise ? "softirq_raise and softirq_entry events"
                                                   : "softirq_entry and softirq_exit events");
        !s.ok())
        return s;
    r.at(first) = Rule{Rule::Start, 0, f.field(first, "vec"), {}, {}, {}, {}};
    r.at(second) = Rule{Rule::End, 0, f.field(second, "vec"), {}, {}, {}, {}};
    for (uint32_t v = 0; v < std::size(kSoftirqNames); ++v) r.keyNames[v] = kSoftirqNames[v];
    return {};
}

// raw_syscalls where the trace has them (every syscall, by number), else the
// syscalls:sys_enter_X / sys_exit_X events it has (named by X).
Status syscallRules(const EventFormats& f, const TraceMeta& meta, bool perSyscall, Rules& r) {
    const int enter = eventId(f, "raw_syscalls", "sys_enter");
    const int exit = eventId(f, "raw_syscalls", "sys_exit");
    if (enter >= 0 && exit >= 0 && !perSyscall) {
        r.at(enter) = Rule{Rule::Start, 0, f.field(enter, "id"), {}, {}, {}, {}};
        r.at(exit) = Rule{Rule::End, 0, f.field(exit, "id"), {}, {}, {}, {}};
        const SyscallArch arch = syscallArch(meta);
        if (arch == SyscallArch::kUnknown) {
            r.note = "no system call names for this trace's machine ('" + meta.uname +
                     "'): numbers only";
            return {};
        }
        for (uint32_t n = 0; n < 1024; ++n) {
            std::string_view name = syscallName(arch, n);
            if (!name.empty()) r.keyNames[n] = std::string(name);
        }
        return {};
    }
    bool any = false;
    for (const EventType& t : f.types()) {
        if (t.system != "syscalls") continue;
        const bool isEnter = t.name.rfind("sys_enter_", 0) == 0;
        const bool isExit = t.name.rfind("sys_exit_", 0) == 0;
        if (!isEnter && !isExit) continue;
        Rule& rule = r.at(t.id);
        rule.what = isEnter ? Rule::Start : Rule::End;
        rule.keyField = f.field(t.id, "__syscall_nr");
        rule.keyName = t.name.substr(isEnter ? 10 : 9);
        any = true;
    }
    return needs(any, "raw_syscalls:sys_enter/sys_exit or syscalls:sys_enter_*/sys_exit_* events");
}

// Events of the kprobes system: a kprobe (__probe_ip) starts, the kretprobe of the same
// function (__probe_func) ends; the key is the kprobe event.
Status kprobeRules(const EventFormats& f, Rules& r) {
    bool starts = false, ends = false;
    for (const EventType& t : f.types()) {
        if (t.system != "kprobes") continue;
        if (FieldRef ip = f.field(t.id, "__probe_ip"); ip.valid()) {
            Rule& rule = r.at(t.id);
            rule.what = Rule::Start;
            rule.key = static_cast<uint32_t>(t.id);
            rule.valueField = ip;
            r.keyNames[rule.key] = t.name;
            starts = true;
        } else if (FieldRef func = f.field(t.id, "__probe_func"); func.valid()) {
            Rule& rule = r.at(t.id);
            rule.what = Rule::End;
            rule.valueField = func;
            ends = true;
        }
    }
    return needs(starts && ends, "kprobe and kretprobe events (kprobes system)");
}

Status markerRules(const EventFormats& f, Rules& r) {
    const int print = eventId(f, "ftrace", "print");
    if (Status s = needs(print >= 0, "trace_marker (ftrace:print) events"); !s.ok()) return s;
    r.at(print).what = Rule::Print;
    return {};
}

EventFilter filterOf(const EventFormats& f, int id, const std::string& text) {
    EventFilter filter;
    if (text.empty()) return filter;
    const EventType* t = f.type(id);
    filter.advanced = (t ? t->system + "/" + t->name : std::string()) + ": " + text;
    return filter;
}

Status pairRules(const EventFormats& f, const LatencyRequest& q, Rules& r) {
    auto start = namedEvent(f, q.startEvent);
    if (!start) return start.status();
    auto end = namedEvent(f, q.endEvent);
    if (!end) return end.status();
    const int s = start.value(), e = end.value();
    r.at(s).what = Rule::Start;
    r.at(e).what = s == e ? Rule::Both : Rule::End;
    for (const auto& [a, b] : q.match) {
        FieldRef fa = f.field(s, a), fb = f.field(e, b);
        if (!fa.valid()) return Status::error(q.startEvent + " has no field '" + a + "'");
        if (!fb.valid()) return Status::error(q.endEvent + " has no field '" + b + "'");
        r.startMatch.push_back(fa);
        r.endMatch.push_back(fb);
    }
    r.startFilter = filterOf(f, s, q.startFilter);
    r.endFilter = filterOf(f, e, q.endFilter);
    r.keyNames[0] = q.startEvent + " -> " + q.endEvent;
    return {};
}

Status kindRules(const EventFormats& f, const TraceMeta& meta, const LatencyRequest& q, Rules& r) {
    switch (q.kind) {
        case LatencyKind::Wakeup:
            return wakeupRules(f, r);
        case LatencyKind::Irq:
            return irqRules(f, r);
        case LatencyKind::SoftirqRaise:
            return softirqRules(f, true, r);
        case LatencyKind::Softirq:
            return softirqRules(f, false, r);
        case LatencyKind::Syscall:
            return syscallRules(f, meta, q.perSyscallEvents, r);
        case LatencyKind::Kprobe:
            return kprobeRules(f, r);
        case LatencyKind::Marker:
            return markerRules(f, r);
        case LatencyKind::Pair:
            return pairRules(f, q, r);
        case LatencyKind::Function:
            break;
    }
    return Status::error("no marks for this kind");
}

Status buildRules(const EventFormats& f, const TraceMeta& meta, const LatencyRequest& q, Rules& r) {
    // Sized once for every event id, so that Rules::at never moves the rules a kind's
    // builder holds references to.
    int maxId = -1;
    for (const EventType& t : f.types()) maxId = std::max(maxId, t.id);
    r.byType.resize(static_cast<size_t>(maxId + 1));
    if (Status s = kindRules(f, meta, q, r); !s.ok()) return s;
    const bool cpuKind = q.kind == LatencyKind::Wakeup || q.kind == LatencyKind::Irq ||
                         q.kind == LatencyKind::Softirq || q.kind == LatencyKind::SoftirqRaise;
    r.perTask = !cpuKind && q.match.empty();
    r.task = taskRule(q.kind);
    r.switchId = eventId(f, "sched", "sched_switch");
    if (r.switchId >= 0) r.switchNext = f.field(r.switchId, "next_pid");
    if (!r.switchNext.valid()) r.perTask = false;  // every pair goes through the merge
    return {};
}

std::string_view trimmed(std::string_view s) {
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ' || s.back() == '\0'))
        s.remove_suffix(1);
    return s;
}

uint64_t nameHash(std::string_view name) {
    const uint64_t h = std::hash<std::string_view>()(name);
    return h ? h : 1;  // 0 is the value of "B|pid|name" / "E|pid" markers
}

// The per-CPU pass: one CPU's events in order, a mark for each one the rules name.
class CpuMarker {
public:
    CpuMarker(const TraceModel& model, const EventFormats& formats, const Rules& rules,
              uint16_t cpu, CpuMarks& out)
        : m_model(model), m_f(formats), m_rules(rules), m_cpu(cpu), m_out(out) {
        if (const EventType* t = formats.find("ftrace", "print")) {
            m_printBuf = formats.field(t->id, "buf");
            // `char buf[]` has size 0 in the format, which FieldRef calls invalid.
            if (tep_format_field* buf = tep_find_any_field(t->tep, "buf"))
                m_printOffset = buf->offset;
        }
    }

    // Filters of a custom pair, made on this thread's own formats.
    Status makeFilters(EventFormats& own) {
        for (auto [filter, slot] : {std::pair{&m_rules.startFilter, &m_startMatcher},
                                    std::pair{&m_rules.endFilter, &m_endMatcher}}) {
            if (filter->advanced.empty()) continue;
            auto m = FilterMatcher::create(*filter, own);
            if (!m) return m.status();
            *slot = std::move(m.value());
        }
        return {};
    }

    void event(const RawEvent& raw) {
        CommonFields c;
        if (!m_f.common(raw, c)) return;
        if (m_rules.perTask) {
            // Another task's event: the one whose starts wait here has left the CPU.
            if (c.pid != m_current) {
                loosen();
                m_current = c.pid;
            }
            if (c.type == m_rules.switchId) {
                handle(raw, c);  // a pair may start or end with the switch itself
                loosen();
                m_switchSeen = true;
                m_current = static_cast<int32_t>(m_f.readInt(m_rules.switchNext, raw));
                return;
            }
        }
        handle(raw, c);
    }

    void lost(uint64_t ts) {
        m_out.paired.lost += m_local.items.size();
        m_local.items.clear();
        Mark m;
        m.ts = ts;
        m.cpu = m_cpu;
        m.type = Mark::Lost;
        m_out.marks.push_back(m);
    }
    uint64_t lastTs() const { return m_lastTs; }

    // The starts still waiting go to the merge; marks back in time order.
    void finish() {
        loosen();
        if (m_outOfOrder) {
            std::stable_sort(m_out.marks.begin(), m_out.marks.end(),
                             [](const Mark& a, const Mark& b) { return a.ts < b.ts; });
        }
    }

private:
    void handle(const RawEvent& raw, const CommonFields& c) {
        if (c.type >= m_rules.byType.size()) return;
        const Rule& r = m_rules.byType[c.type];
        if (r.what == Rule::None) return;
        const uint64_t ts = m_model.toTraceTime(raw.ts);
        m_lastTs = ts;
        switch (r.what) {
            case Rule::Switch:
                switched(r, raw, ts);
                break;
            case Rule::Print:
                printed(raw, c.pid, ts);
                break;
            case Rule::Both:
                pairSide(r, raw, c.pid, ts, Mark::End);
                pairSide(r, raw, c.pid, ts, Mark::Start);
                break;
            default:
                if (!m_rules.startMatch.empty() || m_startMatcher || m_endMatcher) {
                    pairSide(r, raw, c.pid, ts, r.what == Rule::Start ? Mark::Start : Mark::End);
                } else {
                    plain(r, raw, c.pid, ts);
                }
        }
    }

    void push(uint64_t ts, Mark::Type type, int32_t pid, uint32_t key, uint64_t value) {
        const Mark m{ts, value, pid, key, m_cpu, type};
        if (!m_rules.perTask || !m_switchSeen || type == Mark::Switch) {
            m_out.marks.push_back(m);
        } else if (type == Mark::Start) {
            m_local.start(m, m_rules.task.repeat, m_out.paired);
        } else if (!m_local.end(m, m_rules.task.keyMustMatch, m_out.paired)) {
            m_out.marks.push_back(m);  // its start is on another CPU, or missing
        }
    }

    void loosen() {
        for (const TaskStarts::Item& i : m_local.items) {
            m_outOfOrder = m_outOfOrder || (!m_out.marks.empty() && m_out.marks.back().ts > i.ts);
            m_out.marks.push_back({i.ts, i.value, i.pid, i.key, i.cpu, Mark::Start});
        }
        m_local.items.clear();
    }

    void plain(const Rule& r, const RawEvent& raw, int32_t pid, uint64_t ts) {
        const uint32_t key =
            r.keyField.valid() ? static_cast<uint32_t>(m_f.readInt(r.keyField, raw)) : r.key;
        if (r.pidField.valid()) pid = static_cast<int32_t>(m_f.readInt(r.pidField, raw));
        const uint64_t value = r.valueField.valid() ? m_f.readUnsigned(r.valueField, raw) : 0;
        push(ts, r.what == Rule::Start ? Mark::Start : Mark::End, pid, key, value);
        if (r.nameField.valid() && !m_out.keyNames.count(key))
            m_out.keyNames[key] = std::string(m_f.readString(r.nameField, raw));
        if (!r.keyName.empty() && !m_out.keyNames.count(key)) m_out.keyNames[key] = r.keyName;
    }

    void switched(const Rule& r, const RawEvent& raw, uint64_t ts) {
        push(ts, Mark::Switch, static_cast<int32_t>(m_f.readInt(r.pidField, raw)), 0,
             static_cast<uint64_t>(static_cast<uint32_t>(m_f.readInt(r.valueField, raw))));
    }

    // A custom pair: the fields that must match, hashed into the mark's value.
    void pairSide(const Rule&, const RawEvent& raw, int32_t pid, uint64_t ts, Mark::Type type) {
        const bool start = type == Mark::Start;
        const FilterMatcher* matcher = start ? m_startMatcher.get() : m_endMatcher.get();
        if (matcher && !matcher->matches(EventRef{raw, m_cpu, ts, 0, false})) return;
        const std::vector<FieldRef>& fields = start ? m_rules.startMatch : m_rules.endMatch;
        uint64_t value = 0;
        for (const FieldRef& f : fields) {
            uint64_t v = (f.dynamic || f.array)
                             ? std::hash<std::string_view>()(m_f.readString(f, raw))
                             : static_cast<uint64_t>(m_f.readInt(f, raw));
            value = value * 0x9e3779b97f4a7c15ull + v;
        }
        push(ts, type, pid, 0, value);
    }

    // trace_marker text: "NAME begin" / "NAME end", or "B|pid|NAME" / "E|pid".
    void printed(const RawEvent& raw, int32_t pid, uint64_t ts) {
        const std::string_view text = trimmed(printText(raw));
        if (text.rfind("B|", 0) == 0) {
            const size_t bar = text.find('|', 2);
            if (bar == std::string_view::npos) return;
            startLabel(text.substr(bar + 1), pid, ts, 0);
        } else if (text.rfind("E|", 0) == 0) {
            push(ts, Mark::End, pid, 0, 0);
        } else if (text.size() > 6 && text.substr(text.size() - 6) == " begin") {
            const std::string_view name = text.substr(0, text.size() - 6);
            startLabel(name, pid, ts, nameHash(name));
        } else if (text.size() > 4 && text.substr(text.size() - 4) == " end") {
            push(ts, Mark::End, pid, 0, nameHash(text.substr(0, text.size() - 4)));
        }
    }

    void startLabel(std::string_view name, int32_t pid, uint64_t ts, uint64_t value) {
        const auto key = static_cast<uint32_t>(nameHash(name));
        push(ts, Mark::Start, pid, key, value);
        if (!m_out.keyNames.count(key)) m_out.keyNames[key] = std::string(name);
    }

    std::string_view printText(const RawEvent& raw) const {
        if (m_printBuf.valid()) return m_f.readString(m_printBuf, raw);
        if (m_printOffset < 0 || static_cast<uint32_t>(m_printOffset) >= raw.size) return {};
        const char* text = reinterpret_cast<const char*>(raw.data) + m_printOffset;
        return std::string_view(text,
                                strnlen(text, raw.size - static_cast<uint32_t>(m_printOffset)));
    }

    const TraceModel& m_model;
    const EventFormats& m_f;
    const Rules& m_rules;
    uint16_t m_cpu;
    CpuMarks& m_out;
    FieldRef m_printBuf;
    int m_printOffset = -1;
    std::unique_ptr<FilterMatcher> m_startMatcher, m_endMatcher;
    // Per-task kinds: the task running here and its starts.
    int32_t m_current = -1;
    bool m_switchSeen = false;
    TaskStarts m_local;
    bool m_outOfOrder = false;
    uint64_t m_lastTs = 0;
};

Status markCpu(const TraceModel& model, const EventFormats& formats, const Rules& rules,
               uint16_t cpu, CpuMarks& out, Progress* progress) {
    std::unique_ptr<EventFormats> own;  // a filter's libtraceevent state is one per thread
    CpuMarker marker(model, formats, rules, cpu, out);  // after `own`: its filters use it
    if (!rules.startFilter.advanced.empty() || !rules.endFilter.advanced.empty()) {
        auto made = EventFormats::create(model.meta(), EventFormats::Use::kFields);
        if (!made) return made.status();
        own = std::move(made.value());
        if (Status s = marker.makeFilters(*own); !s.ok()) return s;
    }
    const CpuTrack& track = model.cpu(cpu);
    std::vector<uint8_t> buffer;
    auto onPage = [&](const PageHeader& h, size_t) {
        if (h.missedEvents) marker.lost(model.toTraceTime(h.timestamp));
        return true;
    };
    auto onEvent = [&](const RawEvent& ev) { marker.event(ev); };
    for (uint32_t frameIndex : track.frames) {
        if (cancelled(progress)) {
            return Status::error(model.source().path() + ": latencies cancelled");
        }
        if (Status s = model.source().readFrame(frameIndex, buffer); !s.ok()) {
            model.noteBadFrame(frameIndex, s.message());
            const FrameRef& f = model.frames()[frameIndex];
            marker.lost(f.tFirst == kUnknownTime ? marker.lastTs() : model.toTraceTime(f.tFirst));
            advance(progress);
            continue;
        }
        walkPages(buffer.data(), buffer.size(), track.format, onPage, onEvent,
                  [&](size_t at, const std::string& what) {
                      model.noteBadPage(frameIndex, static_cast<uint32_t>(at), what);
                      marker.lost(marker.lastTs());
                  });
        advance(progress);
    }
    marker.finish();
    return {};
}

}  // namespace

TaskRule taskRule(LatencyKind kind) {
    switch (kind) {
        case LatencyKind::Syscall:
            return {TaskStarts::Replace, true};
        case LatencyKind::Pair:
            return {TaskStarts::KeepFirst, false};
        default:
            return {TaskStarts::Stack, false};
    }
}

Result<MarkSet> collectMarks(const TraceModel& model, const EventFormats& formats,
                             const LatencyRequest& request, Progress* progress, unsigned threads) {
    Rules rules;
    if (Status s = buildRules(formats, model.meta(), request, rules); !s.ok()) {
        return Status::error(model.source().path() + ": " + s.message());
    }
    if (!rules.startFilter.advanced.empty() || !rules.endFilter.advanced.empty()) {
        // The filters are checked once here, so that a bad one is one error, not one per CPU.
        auto own = EventFormats::create(model.meta(), EventFormats::Use::kFields);
        if (!own) return own.status();
        for (const EventFilter* f : {&rules.startFilter, &rules.endFilter}) {
            if (f->advanced.empty()) continue;
            if (auto m = FilterMatcher::create(*f, *own.value()); !m) return m.status();
        }
    }
    const size_t cpus = model.cpuCount();
    if (progress) progress->total = model.frames().size();
    MarkSet out;
    out.cpus.resize(cpus);
    std::vector<size_t> order(cpus);  // biggest CPUs first: no long tail for the pool
    for (size_t i = 0; i < cpus; ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t x, size_t y) {
        return model.cpu(x).frames.size() > model.cpu(y).frames.size();
    });
    Status st = parallelFor(cpus, workerCount(threads, cpus), [&](size_t k, unsigned) {
        const size_t cpu = order[k];
        return markCpu(model, formats, rules, static_cast<uint16_t>(cpu), out.cpus[cpu], progress);
    });
    if (!st.ok()) return st;
    out.keyNames = std::move(rules.keyNames);
    for (CpuMarks& c : out.cpus) {
        for (auto& [key, name] : c.keyNames) out.keyNames.try_emplace(key, std::move(name));
        c.keyNames.clear();
    }
    out.note = std::move(rules.note);
    out.byValueOnly = !request.match.empty();
    return out;
}

}  // namespace kestrel
