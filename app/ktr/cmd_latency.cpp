// ktr latency: wakeup, interrupt, softirq, syscall, function, kprobe, marker and custom
// pair latencies: every instance (csv, json) or their percentiles and histogram (text).
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>

#include "analysis/latency.h"
#include "cli.h"
#include "damage_report.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "output_text.h"
#include "selection.h"

namespace kestrel::cli {
namespace {

const std::pair<const char*, LatencyKind> kKinds[] = {
    {"wakeup", LatencyKind::Wakeup},   {"irq", LatencyKind::Irq},
    {"softirq", LatencyKind::Softirq}, {"softirq-raise", LatencyKind::SoftirqRaise},
    {"syscall", LatencyKind::Syscall}, {"function", LatencyKind::Function},
    {"kprobe", LatencyKind::Kprobe},   {"marker", LatencyKind::Marker},
    {"pair", LatencyKind::Pair},
};

LatencyKind kindOf(const std::string& name) {
    for (const auto& [n, k] : kKinds) {
        if (name == n) return k;
    }
    return LatencyKind::Wakeup;
}

LatencyRequest requestOf(const LatencyArgs& a) {
    LatencyRequest q;
    q.kind = kindOf(a.kind);
    q.startEvent = a.start;
    q.endEvent = a.end;
    for (const std::string& m : a.match) {
        const size_t eq = m.find('=');
        q.match.emplace_back(m.substr(0, eq), m.substr(eq + 1));
    }
    q.startFilter = a.startFilter;
    q.endFilter = a.endFilter;
    return q;
}

// One analysed trace with what the options select.
struct Analysed {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    Latencies result;
    bool all = true;             // every instance is selected
    std::vector<size_t> chosen;  // else the indices of the selected ones

    size_t count() const { return all ? result.size() : chosen.size(); }
    template <class Fn>
    void forEach(Fn&& fn) const {
        if (!all) {
            for (size_t i : chosen) fn(i);
            return;
        }
        for (size_t i = 0; i < result.size(); ++i) fn(i);
    }
};

// The CPU as the dump prints it: its number in its buffer, "BUFFER:N" with several.
std::string cpuName(const TraceModel& model, uint16_t cpu) {
    const TraceMeta& m = model.meta();
    if (cpu >= m.cpus.size()) return std::to_string(cpu);
    const CpuInfo& info = m.cpus[cpu];
    const std::string& buffer = m.buffers[info.buffer].name;
    const bool several = m.buffers.size() > 1;
    return (several && !buffer.empty() ? buffer + ":" : "") + std::to_string(info.cpu);
}

std::string taskName(const Analysed& a, int32_t pid) {
    const char* comm = a.formats->comm(pid);
    return std::string(comm ? comm : "<...>") + "-" + std::to_string(pid);
}

int analyse(const std::string& file, const LatencyArgs& args, Analysed& out) {
    auto opened = TraceModel::open(file);
    if (!opened) return inputError(opened.message());
    out.model = std::move(opened.value());
    auto formats = EventFormats::create(out.model->meta());
    if (!formats) return inputError(file + ": " + formats.message());
    out.formats = std::move(formats.value());
    std::vector<bool> cpus;
    std::string error;
    if (!selectCpus(*out.model, args.cpus, cpus, error)) return inputError(file + ": " + error);
    uint64_t from = 0, to = kUnknownTime;
    printedRange(args.from, args.to, from, to);
    auto result = analyzeLatency(*out.model, *out.formats, requestOf(args));
    if (!result) return inputError(result.message());
    out.result = std::move(result.value());
    const Latencies& r = out.result;
    out.all = cpus.empty() && args.pids.empty() && !args.from && !args.to;
    if (out.all) return kOk;
    for (size_t i = 0; i < r.size(); ++i) {
        if (r.start[i] < from || r.start[i] > to) continue;
        if (!cpus.empty() && !cpus[r.endCpu[i]]) continue;
        if (!args.pids.empty() &&
            std::find(args.pids.begin(), args.pids.end(), r.pid[i]) == args.pids.end())
            continue;
        out.chosen.push_back(i);
    }
    return kOk;
}

void writeCsv(const Analysed& a) {
    const Latencies& r = a.result;
    std::string out = "start,latency_ns,task,pid,key,name,start_cpu,start_ns,end_cpu,end_ns\n";
    a.forEach([&](size_t i) {
        out += formatSeconds(r.start[i]) + "," + std::to_string(r.latency[i]) + "," +
               csvField(taskName(a, r.pid[i])) + "," + std::to_string(r.pid[i]) + "," +
               std::to_string(r.key[i]) + "," + csvField(r.keyName(r.key[i])) + "," +
               cpuName(*a.model, r.startCpu[i]) + "," + std::to_string(r.start[i]) + "," +
               cpuName(*a.model, r.endCpu[i]) + "," + std::to_string(r.start[i] + r.latency[i]) +
               "\n";
        if (out.size() > (1 << 16)) {
            writeOut(out.data(), out.size());
            out.clear();
        }
    });
    writeOut(out.data(), out.size());
}

void writeJson(const Analysed& a) {
    const Latencies& r = a.result;
    std::string out = "{\"kind\": " + jsonString(latencyKindName(r.kind)) +
                      ", \"lost\": " + std::to_string(r.lost) +
                      ", \"unmatched\": " + std::to_string(r.unmatched) +
                      ", \"unfinished\": " + std::to_string(r.unfinished) +
                      ", \"running\": " + std::to_string(r.running) + ", \"instances\": [";
    bool first = true;
    a.forEach([&](size_t i) {
        out += std::string(first ? "" : ",") + "\n  {\"start_ns\": " + std::to_string(r.start[i]) +
               ", \"latency_ns\": " + std::to_string(r.latency[i]) +
               ", \"task\": " + jsonString(taskName(a, r.pid[i])) +
               ", \"pid\": " + std::to_string(r.pid[i]) + ", \"key\": " + std::to_string(r.key[i]) +
               ", \"name\": " + jsonString(r.keyName(r.key[i])) +
               ", \"start_cpu\": " + jsonString(cpuName(*a.model, r.startCpu[i])) +
               ", \"end_cpu\": " + jsonString(cpuName(*a.model, r.endCpu[i])) +
               ", \"end_ns\": " + std::to_string(r.start[i] + r.latency[i]) + "}";
        first = false;
        if (out.size() > (1 << 16)) {
            writeOut(out.data(), out.size());
            out.clear();
        }
    });
    out += first ? "]}\n" : "\n]}\n";
    writeOut(out.data(), out.size());
}

// What an instance is grouped by for --by: its task, CPU or key (one group without --by).
uint64_t groupOf(const Latencies& r, const std::string& by, size_t i) {
    if (by.empty()) return 0;
    if (by == "task") return static_cast<uint32_t>(r.pid[i]);
    if (by == "cpu") return r.endCpu[i];
    return r.key[i];
}

std::string groupLabel(const Analysed& a, const std::string& by, uint64_t id) {
    const Latencies& r = a.result;
    if (by.empty()) return "all";
    if (by == "task") return taskName(a, static_cast<int32_t>(id));
    if (by == "cpu") return "CPU " + cpuName(*a.model, static_cast<uint16_t>(id));
    const auto key = static_cast<uint32_t>(id);
    const std::string name = r.keyName(key), number = std::to_string(key);
    const bool numbered = r.kind == LatencyKind::Irq || r.kind == LatencyKind::Softirq ||
                          r.kind == LatencyKind::SoftirqRaise || r.kind == LatencyKind::Syscall;
    return numbered && name != number ? number + " " + name : name;
}

// The selected instances' latencies, per group of --by.
std::map<std::string, std::vector<uint64_t>> groups(const Analysed& a, const std::string& by) {
    const Latencies& r = a.result;
    std::unordered_map<uint64_t, std::vector<uint64_t>> byId;
    if (by.empty()) {
        std::vector<uint64_t>& all = byId[0];
        all.reserve(a.count());
        a.forEach([&](size_t i) { all.push_back(r.latency[i]); });
    } else {
        a.forEach([&](size_t i) { byId[groupOf(r, by, i)].push_back(r.latency[i]); });
    }
    std::map<std::string, std::vector<uint64_t>> out;
    for (auto& [id, values] : byId) {
        std::vector<uint64_t>& dest = out[groupLabel(a, by, id)];
        if (dest.empty()) {
            dest = std::move(values);
        } else {  // two ids, one label (two tasks of one name and pid cannot be; keys can)
            dest.insert(dest.end(), values.begin(), values.end());
        }
    }
    return out;
}

struct Row {
    std::string label;
    LatencyPercentiles p;
};

std::vector<Row> summarise(const Analysed& a, const std::string& by) {
    std::vector<Row> rows;
    for (auto& [label, values] : groups(a, by)) rows.push_back({label, percentiles(values)});
    std::stable_sort(rows.begin(), rows.end(),
                     [](const Row& x, const Row& y) { return x.p.count > y.p.count; });
    return rows;
}

std::string statsColumns(const LatencyPercentiles& p) {
    char line[200];
    std::snprintf(line, sizeof line, "%9llu %11s %11s %11s %11s %11s %11s",
                  static_cast<unsigned long long>(p.count), micros(p.min).c_str(),
                  micros(p.p50).c_str(), micros(p.p90).c_str(), micros(p.p99).c_str(),
                  micros(p.p999).c_str(), micros(p.max).c_str());
    return line;
}

const char kStatsHead[] =
    "    count      min us      p50 us      p90 us      p99 us    p99.9 us"
    "      max us";

std::string header(const std::string& file, const Analysed& a) {
    const Latencies& r = a.result;
    std::string out = file + ": " + latencyKindName(r.kind) + " latency, " +
                      std::to_string(a.count()) + " instances";
    std::string left;
    auto note = [&left](uint64_t n, const char* what) {
        if (n) left += (left.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    note(r.running, "wakeups of a running task");
    note(r.lost, "across lost events");
    note(r.unmatched, "unmatched");
    note(r.unfinished, "unfinished at the end");
    if (!left.empty()) out += " (left out: " + left + ")";
    out += "\n";
    if (!r.note.empty()) out += "note: " + r.note + "\n";
    return out;
}

std::string histogramText(const Analysed& a) {
    LatencyHistogram h;
    a.forEach([&](size_t i) { h.add(a.result.latency[i]); });
    uint64_t most = 0;
    for (uint64_t c : h.counts) most = std::max(most, c);
    size_t first = 0;
    while (first < h.counts.size() && h.counts[first] == 0) ++first;
    std::string out = "\nhistogram (ns, power-of-two buckets):\n";
    for (size_t b = first; b < h.counts.size(); ++b) {
        const size_t bar = most ? static_cast<size_t>((h.counts[b] * 50 + most - 1) / most) : 0;
        char line[160];
        std::snprintf(line, sizeof line, "  %12llu .. %-12llu %9llu |%s\n",
                      static_cast<unsigned long long>(LatencyHistogram::lower(b)),
                      static_cast<unsigned long long>(LatencyHistogram::upper(b) - 1),
                      static_cast<unsigned long long>(h.counts[b]), std::string(bar, '#').c_str());
        out += line;
    }
    return out;
}

std::string byTitle(const std::string& by) {
    return by.empty() ? "" : by == "task" ? "task" : by == "cpu" ? "cpu" : "key";
}

void writeText(const LatencyArgs& args, const Analysed& a) {
    std::string out = header(args.file, a);
    if (a.count() == 0) {  // the header says it: no table of nothing
        writeOut(out.data(), out.size());
        return;
    }
    char head[256];
    std::snprintf(head, sizeof head, "%-32s %s\n", byTitle(args.by).c_str(), kStatsHead);
    out += head;
    for (const Row& row : summarise(a, args.by)) {
        out += (row.label.size() < 32 ? row.label + std::string(32 - row.label.size(), ' ')
                                      : row.label) +
               " " + statsColumns(row.p) + "\n";
    }
    out += histogramText(a);
    writeOut(out.data(), out.size());
}

// Both files' percentiles side by side, per group of --by (groups of one file only show
// empty columns for the other).
void writeComparison(const LatencyArgs& args, const Analysed& a, const Analysed& b) {
    std::string out = "1: " + header(args.file, a) + "2: " + header(args.compare, b) + "\n";
    std::map<std::string, std::pair<LatencyPercentiles, LatencyPercentiles>> both;
    for (const Row& r : summarise(a, args.by)) both[r.label].first = r.p;
    for (const Row& r : summarise(b, args.by)) both[r.label].second = r.p;
    std::vector<std::pair<std::string, std::pair<LatencyPercentiles, LatencyPercentiles>>> rows(
        both.begin(), both.end());
    std::stable_sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) {
        return x.second.first.count + x.second.second.count >
               y.second.first.count + y.second.second.count;
    });
    char head[512];
    std::snprintf(head, sizeof head, "%-32s %-5s %s\n", byTitle(args.by).c_str(), "file",
                  kStatsHead);
    out += head;
    for (const auto& [label, p] : rows) {
        const std::string name =
            label.size() < 32 ? label + std::string(32 - label.size(), ' ') : label;
        out += name + " 1     " + statsColumns(p.first) + "\n";
        out += std::string(32, ' ') + " 2     " + statsColumns(p.second) + "\n";
    }
    writeOut(out.data(), out.size());
}

}  // namespace

int cmdLatency(const LatencyArgs& args) {
    Analysed a;
    if (int code = analyse(args.file, args, a); code != kOk) return code;
    if (!args.compare.empty()) {
        Analysed b;
        if (int code = analyse(args.compare, args, b); code != kOk) return code;
        writeComparison(args, a, b);
        return std::max(reportDamage(*a.model), reportDamage(*b.model));
    }
    if (args.format == "csv") {
        writeCsv(a);
    } else if (args.format == "json") {
        writeJson(a);
    } else {
        writeText(args, a);
    }
    return reportDamage(*a.model);
}

}  // namespace kestrel::cli
