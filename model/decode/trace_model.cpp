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
    model->m_tsOffset = static_cast<uint64_t>(model->m_source->meta().tsOffset);
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
        uint64_t key = 0;
        for (uint32_t f : track.frames) {
            uint64_t t = all[f].tFirst == kUnknownTime ? key : all[f].tFirst;
            if (t < key) ++track.framesOutOfOrder;
            key = std::max(key, t);
            track.seekKeys.push_back(key);
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
    walkPages(
        data.data(), data.size(), track.format, [](const PageHeader&, size_t) { return true; },
        [&](const RawEvent& ev) { track.lastTs = std::max(track.lastTs, ev.ts); },
        [](size_t, const std::string&) {});
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

size_t TraceModel::seekSlot(size_t c, uint64_t raw) const {
    const std::vector<uint64_t>& keys = m_cpus[c].seekKeys;
    // The last frame whose key is at or before `raw`: the first event >= raw is in it or
    // later. Frames sharing that key with the ones before them (a start time that broke the
    // order, or an unknown one) may hold such events too: start at the first of the run.
    auto it = std::upper_bound(keys.begin(), keys.end(), raw);
    size_t slot = it == keys.begin() ? 0 : static_cast<size_t>(it - keys.begin() - 1);
    while (slot > 0 && keys[slot - 1] == keys[slot]) --slot;
    return slot;
}

// Where the events of a frame end: its last timestamp, else the next frame's start.
uint64_t TraceModel::frameEnd(uint32_t frame) const {
    const FrameRef& f = frames()[frame];
    if (f.tLast != kUnknownTime) return f.tLast;
    const std::vector<uint32_t>& list = m_cpus[f.cpu].frames;
    auto it = std::find(list.begin(), list.end(), frame);
    if (it != list.end() && it + 1 != list.end()) return frames()[*(it + 1)].tFirst;
    return m_cpus[f.cpu].lastTs;
}

// A reader's error without the "FILE: " it starts with: damage lines name the file once.
std::string TraceModel::withoutPath(const std::string& message) const {
    const std::string prefix = m_source->path() + ": ";
    return message.rfind(prefix, 0) == 0 ? message.substr(prefix.size()) : message;
}

void TraceModel::noteBadFrame(uint32_t frame, const std::string& reason) const {
    const FrameRef& f = frames()[frame];
    Damage d;
    d.frame = frame;
    d.cpu = f.cpu;
    d.offset = f.offset;
    d.bytes = f.usize;
    d.events = f.events == kUnknownCount ? ~0ull : f.events;
    if (f.tFirst != kUnknownTime) {
        d.from = toTraceTime(f.tFirst);
        uint64_t end = frameEnd(frame);
        d.to = end == kUnknownTime ? d.from : toTraceTime(end);
    }
    d.reason = withoutPath(reason);
    m_damage.note(std::move(d));
}

void TraceModel::noteBadPage(uint32_t frame, uint32_t page, const std::string& reason) const {
    const FrameRef& f = frames()[frame];
    const PageFormat& format = m_cpus[f.cpu].format;
    Damage d;
    d.frame = frame;
    d.cpu = f.cpu;
    d.offset = f.offset;
    d.page = page;
    d.bytes = format.pageSize;
    d.reason = withoutPath(reason);
    m_damage.note(std::move(d));
}

std::string TraceModel::describe(const Damage& d) const {
    std::string where = cpuLabel(d.cpu) + ": frame at offset " + std::to_string(d.offset);
    if (d.page != Damage::kWholeFrame) {
        return where + ": page at +" + std::to_string(d.page) + " skipped (" +
               std::to_string(d.bytes) + " bytes): " + d.reason;
    }
    const uint32_t pageSize = m_cpus[d.cpu].format.pageSize;
    std::string how = std::to_string(pageSize ? d.bytes / pageSize : 0) + " pages";
    if (d.events != ~0ull) how += ", " + std::to_string(d.events) + " events";
    return where + " (" + how + ") skipped: " + d.reason;
}

std::string TraceModel::cpuLabel(size_t index) const {
    const CpuInfo& c = meta().cpus[index];
    const std::string& name = meta().buffers.at(c.buffer).name;
    std::string label = "cpu" + std::to_string(c.cpu);
    return name.empty() ? label : name + " " + label;
}

}  // namespace kestrel
