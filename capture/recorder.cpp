#include "recorder.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "base/byte_order.h"

namespace kestrel {
namespace {

constexpr size_t kMaxQueued = 64;  // batches waiting for compression, across all CPUs

std::string orEmpty(const Result<std::string>& r) {
    return r ? r.value() : std::string();
}

// "[local] global counter" -> "local"
std::string selectedClock(const std::string& text) {
    auto open = text.find('['), close = text.find(']');
    if (open == std::string::npos || close == std::string::npos || close < open) return "";
    return text.substr(open + 1, close - open - 1);
}

uint64_t statValue(const std::string& stats, const std::string& key) {
    std::istringstream in(stats);
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(key + ":", 0) == 0)
            return std::strtoull(line.c_str() + key.size() + 1, nullptr, 10);
    }
    return 0;
}

std::string unameText() {
    utsname u;
    if (::uname(&u) != 0) return "";
    return std::string(u.sysname) + " " + u.nodename + " " + u.release + " " + u.version + " " +
           u.machine;
}

// The guard child: waits for the recorder to close its pipe (or die), then removes
// the instance and probes if they are still there. Only async-signal-safe calls.
[[noreturn]] void guardMain(int readFd, const std::string& dir, const std::string& tracingOn,
                            const std::vector<std::pair<std::string, std::string>>& probes) {
    ::signal(SIGINT, SIG_IGN);
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    // Hold nothing of the parent's: a pipe end kept open here (a traced command's
    // start pipe, a caller's stdout) would keep its reader waiting on the guard.
    int null = ::open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3 && null >= 0; ++fd) ::dup2(null, fd);
    int keep = ::dup2(readFd, 3) == 3 ? 3 : readFd;
    ::close_range(static_cast<unsigned>(keep) + 1, ~0u, 0);
    readFd = keep;
    char c;
    while (::read(readFd, &c, 1) < 0 && errno == EINTR) {
    }
    if (::access(dir.c_str(), F_OK) == 0) {
        int fd = ::open(tracingOn.c_str(), O_WRONLY);
        if (fd >= 0) {
            (void)!::write(fd, "0\n", 2);
            ::close(fd);
        }
        for (int i = 0; i < 250 && ::rmdir(dir.c_str()) != 0 && errno == EBUSY; ++i) {
            timespec ts{0, 20 * 1000 * 1000};
            ::nanosleep(&ts, nullptr);
        }
    }
    for (const auto& [file, line] : probes) {
        int fd = ::open(file.c_str(), O_WRONLY | O_APPEND);
        if (fd < 0) continue;
        (void)!::write(fd, line.data(), line.size());
        ::close(fd);
    }
    ::_exit(0);
}

// A recording writes its output in place (what a killed recorder leaves stays readable),
// so two recordings of one file would interleave their blocks. Each holds a POSIX write
// lock on its output while it records, taken before the file is truncated; the lock goes
// with the process, so a killed recorder does not leave it behind. Returns the locked fd.
Result<int> lockOutput(const std::string& path) {
    // O_NONBLOCK: a FIFO without a reader fails instead of blocking.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NONBLOCK, 0644);
    if (fd < 0) return Status::error(path + ": cannot create: " + std::strerror(errno));
    struct flock lock {};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;  // l_start 0, l_len 0: the whole file
    if (::fcntl(fd, F_SETLK, &lock) == 0) return fd;
    int why = errno;
    struct flock holder = lock;
    bool named = ::fcntl(fd, F_GETLK, &holder) == 0 && holder.l_type != F_UNLCK;
    ::close(fd);
    if (why != EAGAIN && why != EACCES)
        return Status::error(path + ": cannot lock: " + std::strerror(why));
    std::string pid = named ? " (pid " + std::to_string(holder.l_pid) + ")" : "";
    return Status::error(path + " is being written by another recording" + pid +
                         "; choose another output file");
}

}  // namespace

Recorder::~Recorder() {
    (void)stop();
}

Result<std::unique_ptr<Recorder>> Recorder::create(const Tracefs& fs, const RecordConfig& config) {
    std::unique_ptr<Recorder> r(new Recorder(fs, config));
    removeStaleInstances(fs);
    auto inst = TracefsInstance::create(fs, "kestrel-" + std::to_string(::getpid()));
    if (!inst) return inst.status();
    r->m_instance = std::make_unique<TracefsInstance>(std::move(*inst));
    const TracefsInstance& in = *r->m_instance;
    // A new instance starts with tracing on: nothing is recorded until begin().
    if (Status st = fs.write(in.rel("tracing_on"), "0"); !st) {
        (void)r->cleanup();
        return Status::error("tracing_on: " + st.message());
    }
    r->m_applied = applyConfig(in, config);
    r->spawnGuard();
    if (config.strict && !r->m_applied.refused.empty()) {
        std::string all;
        for (const Refusal& f : r->m_applied.refused) all += "\n  " + f.line();
        (void)r->cleanup();
        return Status::error("--strict: the kernel refused:" + all);
    }
    bool tracerOn = !config.tracer.empty() && config.tracer != "nop" &&
                    std::none_of(r->refused().begin(), r->refused().end(),
                                 [](const Refusal& f) { return f.item.rfind("tracer ", 0) == 0; });
    if (r->m_applied.enabledEvents.empty() && !tracerOn) {
        (void)r->cleanup();
        return Status::error("nothing left to record: no event could be enabled and no tracer set");
    }
    if (Status st = r->collectMeta(); !st) {
        (void)r->cleanup();
        return st;
    }
    auto lock = lockOutput(config.output);
    if (!lock) {
        (void)r->cleanup();
        return lock.status();
    }
    r->m_outputLock = *lock;
    auto writer = KtrWriter::create(config.output, r->m_meta, std::max(3, config.zstdLevel));
    if (!writer) {
        (void)r->cleanup();
        return writer.status();
    }
    r->m_writer = std::move(*writer);
    for (uint32_t c = 0; c < r->m_meta.cpus.size(); ++c)
        r->m_formats.push_back(r->m_writer->pageFormat(c));
    r->m_lost.assign(r->m_meta.cpus.size(), 0);
    return r;
}

void Recorder::spawnGuard() {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return;  // no guard: Ctrl-C and errors still clean up
    std::string dir = m_fs.path("instances/" + m_instance->name());
    std::string tracingOn = dir + "/tracing_on";
    std::vector<std::pair<std::string, std::string>> probes;
    for (const AddedProbe& a : m_applied.probes)
        probes.emplace_back(m_fs.path(a.file), "-:" + a.name + "\n");
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(p[1]);
        guardMain(p[0], dir, tracingOn, probes);
    }
    ::close(p[0]);
    if (pid < 0) {
        ::close(p[1]);
        return;
    }
    m_guardPipe = p[1];
    m_guardPid = pid;
}

Status Recorder::collectMeta() {
    TraceMeta& m = m_meta;
    const TracefsInstance& in = *m_instance;
    auto headerPage = m_fs.read("events/header_page");
    auto headerEvent = m_fs.read("events/header_event");
    if (!headerPage || !headerEvent) return Status::error("tracefs has no events/header_page");
    m.bigEndian = kHostBigEndian;  // tracefs hands out pages in the running kernel's order
    m.headerPage = *headerPage;
    m.headerEvent = *headerEvent;
    auto format = PageFormat::fromHeaderPage(m.headerPage, m.bigEndian);
    if (!format) return Status::error("events/header_page: " + format.message());
    m.longSize = format->commitSize;
    m.pageSize = static_cast<uint32_t>(::sysconf(_SC_PAGESIZE));
    for (const std::string& ev : m_applied.enabledEvents) {
        std::string sys = ev.substr(0, ev.find(':')), name = ev.substr(ev.find(':') + 1);
        auto text = m_fs.read("events/" + sys + "/" + name + "/format");
        if (text) m.formats.push_back({sys, *text});
    }
    // ftrace's own records (print for trace_marker, function, ...) are always possible.
    for (const std::string& name : m_fs.list("events/ftrace")) {
        if (auto text = m_fs.read("events/ftrace/" + name + "/format"))
            m.formats.push_back({"ftrace", *text});
    }
    m.kallsyms = orEmpty(Tracefs("/proc").read("kallsyms"));
    m.printkFormats = orEmpty(m_fs.read("printk_formats"));
    m.uname = unameText();
    m.traceClock = selectedClock(orEmpty(m_fs.read(in.rel("trace_clock"))));
    BufferInfo buffer;
    buffer.clock = m.traceClock;
    buffer.subbufSize = m.pageSize;
    if (auto kb = m_fs.read(in.rel("buffer_subbuf_size_kb"))) {
        uint32_t size = static_cast<uint32_t>(std::strtoul(kb->c_str(), nullptr, 10)) * 1024;
        if (size) buffer.subbufSize = size;
    }
    m.buffers.push_back(buffer);
    std::vector<uint32_t> cpus;
    for (const std::string& d : m_fs.list(in.rel("per_cpu"))) {
        if (d.rfind("cpu", 0) == 0)
            cpus.push_back(static_cast<uint32_t>(std::strtoul(d.c_str() + 3, nullptr, 10)));
    }
    std::sort(cpus.begin(), cpus.end());
    if (cpus.empty()) return Status::error(m_fs.path(in.rel("per_cpu")) + ": no CPUs");
    for (uint32_t c : cpus) m.cpus.push_back({0, c, 0, 0});
    m_kernelCpus = cpus;
    m.recorded = m_config.describe();
    for (const Refusal& f : m_applied.refused) m.recorded += "; refused " + f.line();
    return {};
}

Status Recorder::addPid(int pid) {
    const TracefsInstance& in = *m_instance;
    std::string p = std::to_string(pid);
    if (Status st = m_fs.append(in.rel("set_event_pid"), p); !st)
        return Status::error("set_event_pid " + p + ": " + st.message());
    (void)m_fs.write(in.rel("options/event-fork"), "1");
    if (!m_config.tracer.empty() && m_fs.exists(in.rel("set_ftrace_pid"))) {
        (void)m_fs.append(in.rel("set_ftrace_pid"), p);
        (void)m_fs.write(in.rel("options/function-fork"), "1");
    }
    return {};
}

Status Recorder::begin() {
    if (m_running || m_stopped) return Status::error("recorder already started");
    m_stopFd = ::eventfd(0, EFD_CLOEXEC);
    if (m_stopFd < 0) return Status::error(std::string("eventfd: ") + std::strerror(errno));
    std::string dir = m_fs.path("instances/" + m_instance->name());
    for (uint32_t c = 0; c < m_kernelCpus.size(); ++c) {
        auto reader =
            std::make_unique<CpuReader>(c, m_formats[c].pageSize, m_config.pagesPerFrame, m_stopFd,
                                        [this](PageBatch&& b) { submit(std::move(b)); });
        if (Status st = reader->open(dir, m_kernelCpus[c]); !st) return st;
        std::lock_guard lock(m_readersMutex);
        m_readers.push_back(std::move(reader));
    }
    unsigned workers = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned w = 0; w < workers; ++w) m_workers.emplace_back([this] { compressLoop(); });
    for (auto& reader : m_readers) {
        CpuReader* r = reader.get();
        m_readerThreads.emplace_back([this, r] {
            // Readers do little (a splice and a copy every 10 ms) but must run on time,
            // even on CPUs the workload keeps busy: a late reader is what makes the kernel
            // overwrite events. Lowest real-time priority when allowed, else nice -10.
            sched_param rt{};
            rt.sched_priority = 1;
            if (::pthread_setschedparam(::pthread_self(), SCHED_FIFO, &rt) != 0) {
                (void)::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), -10);
            }
            if (Status st = r->run(); !st) {
                std::lock_guard lock(m_writeMutex);
                if (m_error.empty()) m_error = st.message();
            }
        });
    }
    m_started = std::chrono::steady_clock::now();
    m_running = true;
    // saved_cmdlines is a small ring the kernel reuses: keep every pid->comm seen.
    m_sampler = std::thread([this] {
        pollfd stop = {m_stopFd, POLLIN, 0};
        do {
            sampleCmdlines();
            if (m_onStatus) m_onStatus(status());
        } while (::poll(&stop, 1, 1000) == 0 || (stop.revents & POLLIN) == 0);
    });
    if (Status st = m_fs.write(m_instance->rel("tracing_on"), "1"); !st)
        return Status::error("tracing_on: " + st.message());
    return {};
}

void Recorder::submit(PageBatch&& batch) {
    std::unique_lock lock(m_queueMutex);
    // When compression falls behind, the reader waits and the kernel counts the loss.
    m_queueCv.wait(lock, [&] { return m_queue.size() < kMaxQueued; });
    m_queue.emplace_back(m_nextSeq++, std::move(batch));
    m_queueCv.notify_all();
}

void Recorder::compressLoop() {
    for (;;) {
        std::unique_lock lock(m_queueMutex);
        m_queueCv.wait(lock, [&] { return !m_queue.empty() || m_draining; });
        if (m_queue.empty()) return;
        auto [seq, batch] = std::move(m_queue.front());
        m_queue.pop_front();
        m_queueCv.notify_all();
        lock.unlock();
        auto frame = KtrWriter::compressFrame(batch.cpu, batch.pages.data(), batch.pages.size(),
                                              m_formats[batch.cpu], m_config.zstdLevel);
        appendReady(seq, std::move(frame));
    }
}

void Recorder::appendReady(uint64_t seq, Result<CompressedFrame> frame) {
    std::lock_guard lock(m_writeMutex);
    m_ready.emplace(seq, std::move(frame));
    for (auto it = m_ready.find(m_nextAppend); it != m_ready.end();
         it = m_ready.find(m_nextAppend)) {
        Result<CompressedFrame>& f = it->second;
        if (!f) {
            if (m_error.empty()) m_error = f.message();
        } else if (m_error.empty()) {
            if (Status st = m_writer->appendCompressed(*f); !st) {
                m_error = st.message();
            } else {
                m_events += f->ref.events;
                m_lost[f->ref.cpu] += f->ref.lost;
            }
        }
        m_ready.erase(it);
        ++m_nextAppend;
    }
}

void Recorder::readStats(std::vector<uint64_t>& overrun, std::vector<uint64_t>* dropped) const {
    overrun.assign(m_kernelCpus.size(), 0);
    if (dropped) dropped->assign(m_kernelCpus.size(), 0);
    for (size_t c = 0; c < m_kernelCpus.size(); ++c) {
        auto text =
            m_fs.read(m_instance->rel("per_cpu/cpu" + std::to_string(m_kernelCpus[c]) + "/stats"));
        if (!text) continue;
        uint64_t drop = statValue(*text, "dropped events");
        overrun[c] = statValue(*text, "overrun") + (dropped ? 0 : drop);
        if (dropped) (*dropped)[c] = drop;
    }
}

RecordStatus Recorder::status() const {
    RecordStatus s;
    if (m_running || m_stopped) {
        s.elapsedSec =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    }
    {
        std::lock_guard lock(m_readersMutex);
        for (const auto& r : m_readers) s.rawBytes += r->bytesRead();
        if (m_readers.empty()) s.rawBytes = m_finalRaw;
    }
    {
        std::lock_guard lock(m_writeMutex);
        s.events = m_events;
        s.lost = m_lost;
        s.compressedBytes = m_writer ? m_writer->bytesWritten() : 0;
        s.error = m_error;
    }
    if (m_instance) readStats(s.overrun, nullptr);
    return s;
}

void Recorder::sampleCmdlines() {
    auto text = m_fs.read("saved_cmdlines");
    if (!text) return;
    std::istringstream in(*text);
    std::lock_guard lock(m_cmdlineMutex);
    for (std::string line; std::getline(in, line);) {
        auto sp = line.find(' ');
        if (sp == std::string::npos) continue;
        m_cmdlines[std::atoi(line.c_str())] = line.substr(sp + 1);
    }
}

Status Recorder::stop() {
    if (m_stopped.exchange(true)) return {};
    if (!m_running) return cleanup();
    (void)m_fs.write(m_instance->rel("tracing_on"), "0");
    uint64_t one = 1;
    (void)!::write(m_stopFd, &one, sizeof one);
    for (auto& t : m_readerThreads) t.join();
    m_readerThreads.clear();
    if (m_sampler.joinable()) m_sampler.join();
    {
        std::lock_guard lock(m_queueMutex);
        m_draining = true;
    }
    m_queueCv.notify_all();
    for (auto& t : m_workers) t.join();
    m_workers.clear();
    {
        std::lock_guard lock(m_readersMutex);
        uint64_t raw = 0;
        for (const auto& r : m_readers) raw += r->bytesRead();
        m_finalRaw = raw;
        m_readers.clear();  // closes trace_pipe_raw, so the instance can go
    }

    sampleCmdlines();
    std::string cmdlines;
    for (const auto& [pid, comm] : m_cmdlines) cmdlines += std::to_string(pid) + " " + comm + "\n";
    m_meta.savedCmdlines = cmdlines;
    m_meta.savedTgids = orEmpty(m_fs.read("saved_tgids"));
    std::vector<uint64_t> overrun, dropped;
    readStats(overrun, &dropped);
    for (size_t c = 0; c < m_meta.cpus.size(); ++c) {
        m_meta.cpus[c].overrun = overrun[c];
        m_meta.cpus[c].dropped = dropped[c];
    }
    Status result;
    {
        std::lock_guard lock(m_writeMutex);
        if (!m_error.empty()) result = Status::error(m_error);
        m_writer->updateMeta(m_meta);
        if (Status st = m_writer->finish(); !st && result) result = st;
    }
    if (Status st = cleanup(); !st && result) result = st;
    return result;
}

Status Recorder::cleanup() {
    Status result;
    if (m_instance) result = m_instance->remove();
    // Probes live outside the instance; they can go once no instance uses them.
    removeProbes(m_fs, m_applied.probes);
    if (m_guardPipe >= 0) {
        ::close(m_guardPipe);
        m_guardPipe = -1;
        int st;
        while (::waitpid(m_guardPid, &st, 0) < 0 && errno == EINTR) {
        }
    }
    if (m_stopFd >= 0) {
        ::close(m_stopFd);
        m_stopFd = -1;
    }
    if (m_outputLock >= 0) {
        ::close(m_outputLock);
        m_outputLock = -1;
    }
    return result;
}

}  // namespace kestrel
