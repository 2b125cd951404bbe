#pragma once
// Records kernel ftrace data into a .ktr: a tracefs instance of its own (removed at the
// end, and by a guard process if the recorder is killed), one CpuReader thread per CPU,
// frames compressed on a small pool off the reader threads and appended in order.
//
// Use: create() (instance + config + metadata + file), addPid() for a traced command,
// begin(), then status() as often as wanted, then stop(). The destructor stops too.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cpu_reader.h"
#include "ktr/ktr_writer.h"
#include "record_config.h"
#include "tracefs.h"

namespace kestrel {

// Live figures; the same ones `ktr record` prints on stderr.
struct RecordStatus {
    double elapsedSec = 0;
    uint64_t events = 0;            // in compressed frames so far
    uint64_t rawBytes = 0;          // ring-buffer pages read
    uint64_t compressedBytes = 0;   // file size so far
    std::vector<uint64_t> lost;     // per CPU: missed events flagged in pages
    std::vector<uint64_t> overrun;  // per CPU: per_cpu/cpuN/stats overrun + dropped events
    std::string error;              // set when recording failed (disk full...)
};

class Recorder {
public:
    ~Recorder();
    static Result<std::unique_ptr<Recorder>> create(const Tracefs& fs, const RecordConfig& config);

    const std::vector<Refusal>& refused() const { return m_applied.refused; }
    const std::string& instanceName() const { return m_instance->name(); }
    // Called about once a second while recording, on a recorder thread (a GUI posts it
    // to its own thread). Set before begin().
    void onStatus(std::function<void(const RecordStatus&)> callback) {
        m_onStatus = std::move(callback);
    }
    Status addPid(int pid);       // set_event_pid (+ set_ftrace_pid with a tracer), before begin()
    Status begin();               // readers up, then tracing on
    RecordStatus status() const;  // any thread, also while stop() runs on another
    Status stop();                // tracing off, drain, late metadata + index, instance removed

private:
    Recorder(const Tracefs& fs, RecordConfig config) : m_fs(fs), m_config(std::move(config)) {}
    Status collectMeta();
    void spawnGuard();
    void submit(PageBatch&& batch);
    void compressLoop();
    void appendReady(uint64_t seq, Result<CompressedFrame> frame);
    void sampleCmdlines();
    void readStats(std::vector<uint64_t>& overrun, std::vector<uint64_t>* dropped) const;
    Status cleanup();

    Tracefs m_fs;
    RecordConfig m_config;
    std::unique_ptr<TracefsInstance> m_instance;
    AppliedConfig m_applied;
    TraceMeta m_meta;
    std::vector<uint32_t> m_kernelCpus;  // kernel CPU number per global CPU index
    std::vector<PageFormat> m_formats;
    std::unique_ptr<KtrWriter> m_writer;
    std::map<int, std::string> m_cmdlines;
    int m_guardPipe = -1;
    int m_guardPid = -1;
    int m_stopFd = -1;
    int m_outputLock = -1;  // holds the write lock on config.output (see lockOutput)

    // status() runs on the sampler and on any caller's thread while begin() and stop()
    // fill and empty the readers: m_readersMutex guards them and the final byte count.
    mutable std::mutex m_readersMutex;
    std::vector<std::unique_ptr<CpuReader>> m_readers;
    uint64_t m_finalRaw = 0;  // raw bytes read, once the readers are gone
    std::vector<std::thread> m_readerThreads;
    std::vector<std::thread> m_workers;
    std::thread m_sampler;  // merges saved_cmdlines and reports status once a second
    std::function<void(const RecordStatus&)> m_onStatus;
    std::chrono::steady_clock::time_point m_started;  // set before m_running
    std::atomic<bool> m_running{false};
    std::atomic<bool> m_stopped{false};

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
    uint64_t m_events = 0;
    std::vector<uint64_t> m_lost;
    std::string m_error;
    mutable std::mutex m_cmdlineMutex;
};

}  // namespace kestrel
