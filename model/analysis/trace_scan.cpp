#include "analysis/trace_scan.h"

#include <algorithm>

#include "analysis/sched_fields.h"
#include "base/parallel.h"
#include "ring/page_walk.h"

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
    } else if (Lineage l; tf.lineage(formats, common, ev, ev.ts, l)) {
        if (l.kind == Lineage::Fork)
            tally.noteComm(l.pid, formats.readString(tf.childComm, ev), ev.ts);
        tally.noteLineage(l);
    }
}

Status scanFrame(const TraceModel& model, const EventFormats* formats, const SchedFields& tf,
                 uint32_t frameIndex, Worker& w) {
    const FrameRef& ref = model.frames()[frameIndex];
    if (Status s = model.source().readFrame(frameIndex, w.buffer); !s.ok()) {
        model.noteBadFrame(frameIndex, s.message());  // skipped, like every pass skips it
        return {};
    }
    uint64_t frameEvents = 0;
    auto onPage = [&](const PageHeader& h, size_t) {
        if (h.missedEvents) w.tally.countLoss(ref.cpu, h.missedCount);
        return true;
    };
    auto onEvent = [&](const RawEvent& ev) {
        ++frameEvents;
        if (formats) scanEvent(*formats, tf, ev, w.tally);
    };
    walkPages(w.buffer.data(), w.buffer.size(), model.cpu(ref.cpu).format, onPage, onEvent,
              [&](size_t at, const std::string& what) {
                  model.noteBadPage(frameIndex, static_cast<uint32_t>(at), what);
              });
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

ScanResult ScanTally::merge(const TraceModel& model, const std::vector<const ScanTally*>& parts) {
    const size_t cpus = model.cpuCount();
    ScanResult r;
    r.eventsByType.assign(65536, 0);
    r.eventsByCpu.assign(cpus, 0);
    r.lostByCpu.assign(cpus, 0);
    r.lossMarksByCpu.assign(cpus, 0);
    std::unordered_map<int32_t, uint64_t> pids;
    CommTracker comms;
    std::vector<Lineage> lineage;
    for (const ScanTally* t : parts) {
        for (size_t i = 0; i < t->m_byType.size(); ++i) r.eventsByType[i] += t->m_byType[i];
        for (size_t i = 0; i < t->m_byCpu.size() && i < cpus; ++i) {
            r.eventsByCpu[i] += t->m_byCpu[i];
            r.events += t->m_byCpu[i];
        }
        for (size_t i = 0; i < t->m_lost.size() && i < cpus; ++i) {
            r.lostByCpu[i] += t->m_lost[i];
            r.lossMarksByCpu[i] += t->m_marks[i];
        }
        for (const auto& [pid, n] : t->m_byPid) pids[pid] += n;
        comms.merge(t->m_comms);
        lineage.insert(lineage.end(), t->m_lineage.begin(), t->m_lineage.end());
    }
    r.eventsByPid.reserve(pids.size());
    for (const auto& [pid, n] : pids) r.eventsByPid.push_back({pid, n});
    std::sort(r.eventsByPid.begin(), r.eventsByPid.end(),
              [](const PidCount& a, const PidCount& b) { return a.pid < b.pid; });
    r.tasks.loadSavedCmdlines(model.meta().savedCmdlines);
    r.tasks.loadSavedTgids(model.meta().savedTgids);
    comms.applyTo(r.tasks);
    r.tasks.inferTgids(std::move(lineage));
    return r;
}

Result<ScanResult> scanTrace(const TraceModel& model, const EventFormats* formats,
                             Progress* progress, unsigned threads) {
    const size_t total = model.frames().size();
    if (progress) progress->total = total;
    const SchedFields tf = formats ? SchedFields(*formats) : SchedFields();
    std::vector<Worker> workers(workerCount(threads, total));
    Status st = parallelFor(
        total, static_cast<unsigned>(workers.size()), [&](size_t f, unsigned w) -> Status {
            if (cancelled(progress)) {
                return Status::error(model.source().path() + ": scan cancelled");
            }
            Status s = scanFrame(model, formats, tf, static_cast<uint32_t>(f), workers[w]);
            if (s.ok()) advance(progress);
            return s;
        });
    if (!st.ok()) return st;
    std::vector<const ScanTally*> parts;
    for (const Worker& w : workers) parts.push_back(&w.tally);
    return ScanTally::merge(model, parts);
}

}  // namespace kestrel
