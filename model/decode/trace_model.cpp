#include "decode/trace_model.h"

#include <algorithm>

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
    auto base = PageFormat::fromHeaderPage(m.headerPage, m.bigEndian);
    if (!base) return Status::error(m_source->path() + ": " + base.message());
    m_cpus.resize(m.cpus.size());
    for (size_t i = 0; i < m_cpus.size(); ++i) {
        PageFormat f = base.value();
        uint32_t buffer = m.cpus[i].buffer;
        if (buffer < m.buffers.size() && m.buffers[buffer].subbufSize > f.dataOffset) {
            f.pageSize = m.buffers[buffer].subbufSize;
        }
        m_cpus[i].format = f;
    }
    const FrameIndex& all = frames();
    for (uint32_t i = 0; i < all.size(); ++i) {
        if (all[i].cpu >= m_cpus.size()) {
            return Status::error(errorAt(m_source->path(), all[i].offset,
                                         "frame names CPU " + std::to_string(all[i].cpu) +
                                             " but the trace has " +
                                             std::to_string(m_cpus.size())));
        }
        m_cpus[all[i].cpu].frames.push_back(i);
    }
    for (CpuTrack& track : m_cpus) {
        // Frames of one CPU are written in time order; keep that order (stable) and
        // only sort when a source lists them out of order.
        std::stable_sort(track.frames.begin(), track.frames.end(),
                         [&](uint32_t a, uint32_t b) { return all[a].offset < all[b].offset; });
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
    PageReader reader;
    RawEvent ev;
    for (size_t at = 0; at + track.format.dataOffset <= data.size(); at += track.format.pageSize) {
        uint32_t avail =
            static_cast<uint32_t>(std::min<size_t>(track.format.pageSize, data.size() - at));
        if (!reader.load(data.data() + at, avail, track.format).ok()) continue;
        while (reader.next(ev)) track.lastTs = std::max(track.lastTs, ev.ts);
    }
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
