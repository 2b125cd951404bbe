#include "trace_scan.h"

#include <algorithm>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "sched_fields.h"

namespace kestrel {
namespace {

// Latest comm seen per pid in one worker's frames (merged by time afterwards).
struct SeenComm {
    uint64_t ts = 0;
    std::string comm;
};

struct Worker {
    std::vector<uint64_t> byType = std::vector<uint64_t>(65536);
    std::vector<uint64_t> byCpu, lost, marks;
    std::unordered_map<int32_t, uint64_t> byPid;
    std::unordered_map<int32_t, SeenComm> comms;
    uint64_t events = 0;
    std::vector<uint8_t> buffer;

    void noteComm(int32_t pid, std::string_view comm, uint64_t ts) {
        SeenComm& s = comms[pid];
        if (ts < s.ts && !s.comm.empty()) return;
        s.ts = ts;
        if (s.comm != comm) s.comm.assign(comm);
    }
};

// Per-event work for a full scan; nothing but counting when `formats` is null.
void scanEvent(const EventFormats& formats, const SchedFields& tf, const RawEvent& ev, Worker& w,
               int32_t& lastPid, uint64_t*& lastPidCount) {
    CommonFields common;
    if (!formats.common(ev, common)) return;
    w.byType[common.type]++;
    if (common.pid != lastPid) {  // tasks run in bursts: avoid a hash per event
        lastPid = common.pid;
        lastPidCount = &w.byPid[common.pid];
    }
    ++*lastPidCount;
    if (common.type == tf.switchId) {
        w.noteComm(static_cast<int32_t>(formats.readInt(tf.prevPid, ev)),
                   formats.readString(tf.prevComm, ev), ev.ts);
        w.noteComm(static_cast<int32_t>(formats.readInt(tf.nextPid, ev)),
                   formats.readString(tf.nextComm, ev), ev.ts);
    } else if (common.type == tf.forkId) {
        w.noteComm(static_cast<int32_t>(formats.readInt(tf.childPid, ev)),
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
    int32_t lastPid = -1;
    uint64_t* lastPidCount = nullptr;
    uint64_t frameEvents = 0;
    for (size_t at = 0; at + format.dataOffset <= w.buffer.size(); at += format.pageSize) {
        size_t avail = std::min<size_t>(format.pageSize, w.buffer.size() - at);
        Status st = reader.load(w.buffer.data() + at, static_cast<uint32_t>(avail), format);
        if (!st.ok()) {
            return Status::error(errorAt(model.source().path(), ref.offset,
                                         "page at +" + std::to_string(at) + ": " + st.message()));
        }
        if (reader.header().missedEvents) {
            w.marks[ref.cpu]++;
            w.lost[ref.cpu] += reader.header().missedCount;
        }
        while (reader.next(ev)) {
            ++frameEvents;
            if (formats) scanEvent(*formats, tf, ev, w, lastPid, lastPidCount);
        }
        if (!reader.error().empty()) {
            return Status::error(errorAt(model.source().path(), ref.offset,
                                         "page at +" + std::to_string(at) + ": " + reader.error()));
        }
    }
    w.byCpu[ref.cpu] += frameEvents;
    w.events += frameEvents;
    return {};
}

void mergeInto(ScanResult& r, std::unordered_map<int32_t, uint64_t>& pids,
               std::unordered_map<int32_t, SeenComm>& comms, const Worker& w) {
    r.events += w.events;
    for (size_t i = 0; i < w.byType.size(); ++i) r.eventsByType[i] += w.byType[i];
    for (size_t i = 0; i < w.byCpu.size(); ++i) {
        r.eventsByCpu[i] += w.byCpu[i];
        r.lostByCpu[i] += w.lost[i];
        r.lossMarksByCpu[i] += w.marks[i];
    }
    for (const auto& [pid, n] : w.byPid) pids[pid] += n;
    for (const auto& [pid, seen] : w.comms) {
        SeenComm& s = comms[pid];
        if (s.comm.empty() || seen.ts >= s.ts) s = seen;
    }
}

}  // namespace

Result<ScanResult> scanTrace(const TraceModel& model, const EventFormats* formats,
                             ScanProgress* progress, unsigned threads) {
    const size_t cpus = model.cpuCount();
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
        w.byCpu.assign(cpus, 0);
        w.lost.assign(cpus, 0);
        w.marks.assign(cpus, 0);
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

    ScanResult r;
    r.eventsByType.assign(65536, 0);
    r.eventsByCpu.assign(cpus, 0);
    r.lostByCpu.assign(cpus, 0);
    r.lossMarksByCpu.assign(cpus, 0);
    std::unordered_map<int32_t, uint64_t> pids;
    std::unordered_map<int32_t, SeenComm> comms;
    for (const Worker& w : workers) mergeInto(r, pids, comms, w);
    for (const auto& [pid, n] : pids) r.eventsByPid.push_back({pid, n});
    std::sort(r.eventsByPid.begin(), r.eventsByPid.end(),
              [](const PidCount& a, const PidCount& b) { return a.pid < b.pid; });
    r.tasks.loadSavedCmdlines(model.meta().savedCmdlines);
    r.tasks.loadSavedTgids(model.meta().savedTgids);
    for (const auto& [pid, seen] : comms) r.tasks.setComm(pid, seen.comm);
    return r;
}

}  // namespace kestrel
