#pragma once
// Records kernel ftrace data into a .ktr: in a tracefs instance of its own (removed at the
// end, and by a guard process if the recorder is killed), or at the top level when the
// kernel allows a requested tracer item only there (every top-level file it changes is
// saved first and written back at the end, by the guard too). One CpuReader thread per
// CPU; frames compressed on a small pool off the reader threads and appended in order.
//
// Use: create() (placement + config + metadata + file), addPid() for a traced command,
// begin(), then status() as often as wanted, then stop(). The destructor stops too.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "cpu_reader.h"
#include "ktr/ktr_writer.h"
#include "record_config.h"
#include "top_level.h"
#include "trace_target.h"
#include "tracefs.h"

namespace kestrel {

// One CPU's share of the live figures.
struct RecordCpuStatus {
    uint64_t events = 0;
    uint64_t rawBytes = 0;
    uint64_t compressedBytes = 0;  // its frames' compressed payloads appended so far
    uint64_t lost = 0;
};

// Live figures; the same ones `ktr record` prints on stderr.
struct RecordStatus {
    double elapsedSec = 0;
    uint64_t events = 0;                // in the pages read so far
    uint64_t rawBytes = 0;              // ring-buffer pages read
    uint64_t compressedBytes = 0;       // file size so far
    std::vector<uint64_t> lost;         // per CPU: missed events flagged in pages read so far
    std::vector<uint64_t> overrun;      // per CPU: per_cpu/cpuN/stats overrun + dropped events
    std::vector<RecordCpuStatus> cpus;  // per CPU: events, raw, compressed, lost (pages read)
    std::string error;                  // set when recording failed (disk full...)
};

class Recorder {
public:
    ~Recorder();
    static Result<std::unique_ptr<Recorder>> create(const Tracefs& fs, const RecordConfig& config);

    const std::vector<Refusal>& refused() const { return m_applied.refused; }
    // True when recording at the top level; placementReason() says why.
    bool topLevel() const { return m_target && m_target->isTopLevel(); }
    const std::string& placementReason() const { return m_placementReason; }
    // A tracefs path (relative to its root) of the buffer being recorded: "trace_marker"
    // of the instance or of the top level.
    std::string rel(const std::string& file) const { return m_target->rel(file); }
    // Called every RecordConfig::statusIntervalMs while recording, on a recorder thread (a GUI
    // posts it to its own thread). Set before begin().
    void onStatus(std::function<void(const RecordStatus&)> callback) {
        m_onStatus = std::move(callback);
    }
    Status addPid(int pid);  // set_event_pid (+ set_ftrace_pid with a tracer), before begin()
    Status begin();          // readers up, own threads excluded, then tracing on
    // Safe from any thread, also while stop() runs on another.
    RecordStatus status() const;
    // Tracing off, drain, late metadata + index; the instance removed or the top level
    // written back.
    Status stop();

private:
    Recorder(const Tracefs& fs, RecordConfig config) : m_fs(fs), m_config(std::move(config)) {}
    Status place();
    Status useInstance();
    Status useTopLevel();
    void saveSharedOptions();
    std::unique_ptr<TopLevelJournal> makeJournal();
    bool needsTopLevel();
    Status collectMeta();
    void spawnGuard(const std::string& instanceDir);
    void tellGuard(char kind, const std::vector<RestoreStep>& steps);
    void tellGuardProbes();
    void excludeOwnThreads();
    void submit(PageBatch&& batch);
    void compressLoop();
    void appendReady(uint64_t seq, Result<CompressedFrame> frame);
    void sampleCmdlines();
    void readStats(std::vector<uint64_t>& overrun, std::vector<uint64_t>* dropped) const;
    Status cleanup();

    Tracefs m_fs;
    RecordConfig m_config;
    std::unique_ptr<TracefsInstance> m_instance;  // when recording in an instance
    std::optional<TraceTarget> m_target;
    std::unique_ptr<TopLevelJournal> m_journal;  // when recording at the top level
    std::string m_placementReason;
    AppliedConfig m_applied;
    TraceMeta m_meta;
    std::vector<uint32_t> m_kernelCpus;  // kernel CPU number per global CPU index
    std::vector<PageFormat> m_formats;
    std::unique_ptr<KtrWriter> m_writer;
    std::map<int, std::string> m_cmdlines;
    int m_guardPipe = -1;
    int m_guardPid = -1;
    int m_stopFd = -1;
    int m_outputLock = -1;  // fcntl write lock on the output while recording

    // Guards m_readers and m_finalRaw: status() may run on another thread while stop()
    // destroys the readers.
    mutable std::mutex m_readersMutex;
    std::vector<std::unique_ptr<CpuReader>> m_readers;
    std::vector<std::thread> m_readerThreads;
    std::vector<std::thread> m_workers;
    std::thread m_sampler;  // merges saved_cmdlines and reports status every interval
    std::function<void(const RecordStatus&)> m_onStatus;
    std::chrono::steady_clock::time_point m_started;
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stopped{false};
    RecordStatus m_final;  // the readers' figures, once they are gone

    // Batches waiting for compression; bounded so memory stays bounded.
    std::mutex m_queueMutex;
    std::condition_variable m_queueCv;
    std::deque<std::pair<uint64_t, PageBatch>> m_queue;
    uint64_t m_nextSeq = 0;
    bool m_draining = false;

    // Compressed frames are appended strictly in submission order.
    mutable std::mutex m_writeMutex;
    std::map<uint64_t, Result<CompressedFrame>> m_ready;
    uint64_t m_nextAppend = 0;
    std::string m_error;
    std::vector<uint64_t> m_compressedPerCpu;  // by global CPU index, under m_writeMutex
    mutable std::mutex m_cmdlineMutex;
};

}  // namespace kestrel
