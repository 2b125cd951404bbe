// ktr info: what a trace holds, from the header, metadata and frame index. A trace.dat
// has no per-frame counts, so its events are counted by a parallel scan of the pages; a
// .ktr's counts come from its index, after every frame's checksum was checked (a frame
// whose bytes are damaged does not count).
#include <algorithm>
#include <cstdio>

#include "analysis/trace_scan.h"
#include "base/parallel.h"
#include "cli.h"
#include "damage_report.h"
#include "decode/trace_model.h"

namespace kestrel::cli {
namespace {

std::string kernelOf(const TraceMeta& m) {
    return m.uname.empty() ? "unknown" : m.uname;
}

void printBuffers(const TraceModel& model) {
    const TraceMeta& m = model.meta();
    for (size_t b = 0; b < m.buffers.size(); ++b) {
        size_t n = 0;
        for (const CpuInfo& c : m.cpus) n += c.buffer == b;
        std::printf("buffer:      %s  (%zu CPUs, clock %s, page %u bytes)\n",
                    m.buffers[b].name.empty() ? "(top)" : m.buffers[b].name.c_str(), n,
                    m.buffers[b].clock.empty() ? m.traceClock.c_str() : m.buffers[b].clock.c_str(),
                    m.buffers[b].subbufSize ? m.buffers[b].subbufSize : m.pageSize);
    }
}

// Checks every frame on all cores; the damaged ones are noted in the model and their
// events taken off `events`.
void checkFrames(const TraceModel& model, std::vector<uint64_t>& events) {
    (void)parallelFor(model.frames().size(), workerCount(0, model.frames().size()),
                      [&](size_t f, unsigned) -> Status {
                          Status st = model.source().checkFrame(f);
                          if (!st.ok()) model.noteBadFrame(static_cast<uint32_t>(f), st.message());
                          return {};
                      });
    for (const Damage& d : model.damage()) {
        if (d.events != ~0ull) events[d.cpu] -= std::min(events[d.cpu], d.events);
    }
}

}  // namespace

int cmdInfo(const std::string& file) {
    auto opened = TraceModel::open(file);
    if (!opened) return inputError(opened.message());
    const TraceModel& model = *opened.value();
    const TraceMeta& m = model.meta();

    std::vector<uint64_t> events(model.cpuCount()), lost(model.cpuCount());
    bool countsKnown = true;
    for (size_t c = 0; c < model.cpuCount(); ++c) {
        countsKnown = countsKnown && model.cpu(c).eventsKnown;
        events[c] = model.cpu(c).events;
        lost[c] = model.cpu(c).lost;
    }
    if (!countsKnown) {
        auto scan = scanTrace(model, nullptr);
        if (!scan) return inputError(scan.message());
        events = scan.value().eventsByCpu;
        lost = scan.value().lostByCpu;
    } else {
        checkFrames(model, events);
    }
    uint64_t totalEvents = 0, totalLost = 0;
    for (size_t c = 0; c < events.size(); ++c) {
        totalEvents += events[c];
        totalLost += lost[c];
    }

    std::printf("file:        %s\n", model.source().path().c_str());
    std::printf("format:      %s%s\n", model.source().formatName().c_str(),
                model.source().warnings().empty() && !model.damaged()
                    ? ""
                    : "  [damaged: see the warnings on standard error]");
    std::printf("size:        %s, %zu frames\n", formatBytes(model.source().fileSize()).c_str(),
                model.frames().size());
    std::printf("kernel:      %s\n", kernelOf(m).c_str());
    std::printf("clock:       %s\n", m.traceClock.empty() ? "unknown" : m.traceClock.c_str());
    std::printf("endianness:  %s, long %u bytes, page %u bytes\n", m.bigEndian ? "big" : "little",
                m.longSize, m.pageSize);
    std::printf("cpus:        %zu\n", model.cpuCount());
    printBuffers(model);
    if (!m.recorded.empty()) std::printf("recorded:    %s\n", m.recorded.c_str());
    uint64_t start = model.startTime(), end = model.endTime();
    std::printf("time range:  %s .. %s (%s s)\n", formatSeconds(start).c_str(),
                formatSeconds(end).c_str(), formatSeconds(end - start).c_str());
    std::printf("events:      %llu\n", static_cast<unsigned long long>(totalEvents));
    std::printf("lost events: %llu\n", static_cast<unsigned long long>(totalLost));
    std::printf("\n%-16s %12s %10s %10s %10s %17s %17s\n", "cpu", "events", "lost", "overrun",
                "frames", "first", "last");
    for (size_t c = 0; c < model.cpuCount(); ++c) {
        const CpuTrack& t = model.cpu(c);
        bool empty = t.frames.empty();
        std::printf("%-16s %12llu %10llu %10llu %10zu %17s %17s\n", model.cpuLabel(c).c_str(),
                    static_cast<unsigned long long>(events[c]),
                    static_cast<unsigned long long>(lost[c]),
                    static_cast<unsigned long long>(m.cpus[c].overrun), t.frames.size(),
                    empty ? "-" : formatSeconds(model.toTraceTime(t.firstTs)).c_str(),
                    empty ? "-" : formatSeconds(model.toTraceTime(t.lastTs)).c_str());
    }
    return reportDamage(model);
}

}  // namespace kestrel::cli
