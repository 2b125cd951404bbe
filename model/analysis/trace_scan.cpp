#include "analysis/trace_scan.h"

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "analysis/sched_fields.h"

namespace kestrel {
namespace {

struct Worker {
    ScanTally tally;
    std::vector<uint8_t> buffer;
};

// Per-event work for a full scan (with formats).
void scanEvent(const EventFormats& formats, const SchedFields& tf, const RawEvent& ev,
               ScanTally& tally) {
    CommonFields common;
    if (!formats.common(ev, common)) return;
    tally.countEvent(common.type, common.pid);
    if (common.type == tf.switchId) {
        tally.noteComm(static_cast<int32_t>(formats.readInt(tf.prevPid, ev)),
                       formats.readString(tf.prevComm, ev), ev.ts);
        tally.noteComm(static_cast<int32_t>(formats.readInt(tf.nextPid, ev)),
                       formats.readString(tf.nextComm, ev), ev.ts);
    } else if (common.type == tf.forkId) {
        tally.noteComm(static_cast<int32_t>(formats.readInt(tf.childPid, ev)),
                       formats.readString(tf.childComm, ev), ev.ts);
    }
}

Status scanFrame(const TraceModel& model, const EventFormats* formats, const SchedFields& tf,
                 uint32_t frameIndex, Worker& w) {
    const FrameRef& ref = model.frames()[frameIndex];
    if (Status s = model.source().readFrame(frameIndex, w.buffer); !s.ok()) return s;
    const PageFormat& format = model.cpu(ref.cpu).format;
    PageReader reader;
    RawEvent ev;
    uint64_t frameEvents = 0;
    for (size_t at = 0; at + format.dataOffset <= w.buffer.size(); at += format.pageSize) {
        size_t avail = std::min<size_t>(format.pageSize, w.buffer.size() - at);
        Status st = reader.load(w.buffer.data() + at, static_cast<uint32_t>(avail), format);
        if (!st.ok()) {
            return Status::error(errorAt(model.source().path(), ref.offset,
                                         "page at +" + std::to_string(at) + ": " + st.message()));
        }
        if (reader.header().missedEvents) w.tally.countLoss(ref.cpu, reader.header().missedCount);
        while (reader.next(ev)) {
            ++frameEvents;
            if (formats) scanEvent(*formats, tf, ev, w.tally);
        }
        if (!reader.error().empty()) {
            return Status::error(errorAt(model.source().path(), ref.offset,
                                         "page at +" + std::to_string(at) + ": " + reader.error()));
        }
    }
    w.tally.countCpuEvents(ref.cpu, frameEvents);
    return {};
}

}  // namespace

void ScanTally::countCpuEvents(uint32_t cpu, uint64_t n) {
    if (cpu >= m_byCpu.size()) m_byCpu.resize(cpu + 1u, 0);
    m_byCpu[cpu] += n;
}

void ScanTally::countLoss(uint32_t cpu, uint64_t missed) {
    if (cpu >= m_lost.size()) {
        m_lost.resize(cpu + 1u, 0);
        m_marks.resize(cpu + 1u, 0);
    }
    m_lost[cpu] += missed;
    ++m_marks[cpu];
}

void ScanTally::noteComm(int32_t pid, std::string_view comm, uint64_t ts) {
    Comm& c = m_comms[pid];
    if (ts < c.ts && !c.text.empty()) return;  // a worker's frames need not come in order
    c.ts = ts;
    if (c.text != comm) c.text.assign(comm);
}

ScanResult ScanTally::merge(const TraceModel& model, const std::vector<const ScanTally*>& parts) {
    const size_t cpus = model.cpuCount();
    ScanResult r;
    r.eventsByType.assign(65536, 0);
    r.eventsByCpu.assign(cpus, 0);
    r.lostByCpu.assign(cpus, 0);
    r.lossMarksByCpu.assign(cpus, 0);
    std::unordered_map<int32_t, uint64_t> pids;
    std::unordered_map<int32_t, Comm> comms;
    for (const ScanTally* t : parts) {
        for (size_t i = 0; i < t->m_byType.size(); ++i) r.eventsByType[i] += t->m_byType[i];
        for (size_t i = 0; i < t->m_byCpu.size(); ++i) {
            r.eventsByCpu[i] += t->m_byCpu[i];
            r.events += t->m_byCpu[i];
        }
        for (size_t i = 0; i < t->m_lost.size(); ++i) {
            r.lostByCpu[i] += t->m_lost[i];
            r.lossMarksByCpu[i] += t->m_marks[i];
        }
        for (const auto& [pid, n] : t->m_byPid) pids[pid] += n;
        for (const auto& [pid, c] : t->m_comms) {
            Comm& l = comms[pid];
            if (l.text.empty() || c.ts >= l.ts) l = c;
        }
    }
    r.eventsByPid.reserve(pids.size());
    for (const auto& [pid, n] : pids) r.eventsByPid.push_back({pid, n});
    std::sort(r.eventsByPid.begin(), r.eventsByPid.end(),
              [](const PidCount& a, const PidCount& b) { return a.pid < b.pid; });
    r.tasks.loadSavedCmdlines(model.meta().savedCmdlines);
    r.tasks.loadSavedTgids(model.meta().savedTgids);
    for (const auto& [pid, c] : comms) r.tasks.setComm(pid, c.text);
    return r;
}

Result<ScanResult> scanTrace(const TraceModel& model, const EventFormats* formats,
                             ScanProgress* progress, unsigned threads) {
    const size_t total = model.frames().size();
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    threads = static_cast<unsigned>(std::min<size_t>(threads, std::max<size_t>(total, 1)));
    if (progress) progress->framesTotal = total;

    const SchedFields tf = formats ? SchedFields(*formats) : SchedFields();
    std::vector<Worker> workers(threads);
    std::atomic<size_t> nextFrame{0};
    std::mutex errorMutex;
    Status firstError;
    auto work = [&](Worker& w) {
        for (size_t f; (f = nextFrame.fetch_add(1)) < total;) {
            if (progress && progress->cancel.load(std::memory_order_relaxed)) return;
            Status s = scanFrame(model, formats, tf, static_cast<uint32_t>(f), w);
            if (!s.ok()) {
                std::lock_guard lock(errorMutex);
                if (firstError.ok()) firstError = s;
                nextFrame = total;
                return;
            }
            if (progress) progress->framesDone.fetch_add(1, std::memory_order_relaxed);
        }
    };
    std::vector<std::thread> pool;
    for (unsigned i = 1; i < threads; ++i) pool.emplace_back(work, std::ref(workers[i]));
    work(workers[0]);
    for (auto& t : pool) t.join();
    if (!firstError.ok()) return firstError;
    if (progress && progress->cancel)
        return Status::error(model.source().path() + ": scan cancelled");

    std::vector<const ScanTally*> parts;
    for (const Worker& w : workers) parts.push_back(&w.tally);
    return ScanTally::merge(model, parts);
}

}  // namespace kestrel
