#include "decode/trace_model.h"

#include <algorithm>

#include "ring/page_walk.h"

namespace kestrel {

Result<std::unique_ptr<TraceModel>> TraceModel::open(const std::string& path,
                                                     const ModelOptions& options) {
    auto source = openTrace(path);
    if (!source) return source.status();
    return fromSource(std::move(source.value()), options);
}

Result<std::unique_ptr<TraceModel>> TraceModel::fromSource(std::unique_ptr<TraceSource> source,
                                                           const ModelOptions& options) {
    std::unique_ptr<TraceModel> model(new TraceModel);
    model->m_source = std::move(source);
    model->m_cache = std::make_unique<FrameCache>(*model->m_source, options.cacheBytes);
    if (Status s = model->buildTracks(); !s.ok()) return s;
    return model;
}

Status TraceModel::buildTracks() {
    const TraceMeta& m = meta();
    auto formats = bufferPageFormats(m);
    if (!formats) return Status::error(m_source->path() + ": " + formats.message());
    m_cpus.resize(m.cpus.size());
    for (size_t i = 0; i < m_cpus.size(); ++i) {
        if (m.cpus[i].buffer >= formats->size()) {
            return Status::error(m_source->path() + ": cpu " + std::to_string(i) +
                                 " names buffer " + std::to_string(m.cpus[i].buffer) + " of " +
                                 std::to_string(formats->size()));
        }
        m_cpus[i].format = (*formats)[m.cpus[i].buffer];
    }
    const FrameIndex& all = frames();
    for (const FrameRef& f : all) {
        if (f.cpu >= m_cpus.size()) {
            return Status::error(errorAt(m_source->path(), f.offset,
                                         "frame names CPU " + std::to_string(f.cpu) +
                                             " but the trace has " +
                                             std::to_string(m_cpus.size())));
        }
    }
    auto byCpu = framesByCpu(all, m_cpus.size());
    for (size_t c = 0; c < m_cpus.size(); ++c) {
        CpuTrack& track = m_cpus[c];
        track.frames = std::move(byCpu[c]);
        for (uint32_t f : track.frames) {
            if (all[f].events == kUnknownCount)
                track.eventsKnown = false;
            else
                track.events += all[f].events;
            track.lost += all[f].lost;
        }
        if (track.frames.empty()) continue;
        track.firstTs = all[track.frames.front()].tFirst;
        if (Status s = findLastTimestamp(track); !s.ok()) return s;
    }
    return {};
}

// The last event time of a CPU: the index has it for .ktr; trace.dat needs the last
// frame decoded (one frame per CPU, so opening stays O(frames)).
Status TraceModel::findLastTimestamp(CpuTrack& track) {
    const FrameRef& last = frames()[track.frames.back()];
    if (last.tLast != kUnknownTime) {
        track.lastTs = last.tLast;
        return {};
    }
    auto bytes = m_cache->get(track.frames.back());
    if (!bytes) return bytes.status();
    const auto& data = *bytes.value();
    track.lastTs = last.tFirst;
    // A page that does not decode ends the walk: the time of the events before it stands
    // (the passes over the data report the damage).
    (void)walkPages(
        data.data(), data.size(), track.format, [](const PageHeader&, size_t) { return true; },
        [&](const RawEvent& ev) { track.lastTs = std::max(track.lastTs, ev.ts); });
    return {};
}

uint64_t TraceModel::startTime() const {
    uint64_t t = kUnknownTime;
    for (const CpuTrack& c : m_cpus) t = std::min(t, c.firstTs);
    return t == kUnknownTime ? 0 : toTraceTime(t);
}

uint64_t TraceModel::endTime() const {
    uint64_t t = 0;
    bool any = false;
    for (const CpuTrack& c : m_cpus) {
        if (c.lastTs == kUnknownTime) continue;
        t = std::max(t, c.lastTs);
        any = true;
    }
    return any ? toTraceTime(t) : 0;
}

std::string TraceModel::cpuLabel(size_t index) const {
    const CpuInfo& c = meta().cpus[index];
    const std::string& name = meta().buffers.at(c.buffer).name;
    std::string label = "cpu" + std::to_string(c.cpu);
    return name.empty() ? label : name + " " + label;
}

}  // namespace kestrel
