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

// Messages to the guard, over its pipe: 'S' (a top-level file's restore steps), 'P' (a
// probe to remove: a step), 'D' (the recorder put everything back itself). Each: the kind,
// a u32 count of steps, then per step u32 path length, path, u8 append, u32 data length,
// data.
void putU32(std::string& out, uint32_t v) {
    out.append(reinterpret_cast<const char*>(&v), 4);
}

std::string guardMessage(char kind, const std::vector<RestoreStep>& steps) {
    std::string out(1, kind);
    putU32(out, static_cast<uint32_t>(steps.size()));
    for (const RestoreStep& s : steps) {
        putU32(out, static_cast<uint32_t>(s.path.size()));
        out += s.path;
        out += s.append ? '\1' : '\0';
        putU32(out, static_cast<uint32_t>(s.data.size()));
        out += s.data;
    }
    return out;
}

// What the guard was told: restore groups (in order of saving) and probes to remove.
struct GuardOrders {
    std::vector<std::vector<RestoreStep>> restore;
    std::vector<RestoreStep> probes;
    bool done = false;
};

GuardOrders parseGuardMessages(const std::string& bytes) {
    GuardOrders orders;
    size_t at = 0;
    auto u32 = [&](uint32_t& v) {
        if (bytes.size() - at < 4) return false;
        std::memcpy(&v, bytes.data() + at, 4);
        at += 4;
        return true;
    };
    auto text = [&](std::string& out, uint32_t n) {
        if (bytes.size() - at < n) return false;
        out.assign(bytes, at, n);
        at += n;
        return true;
    };
    while (at < bytes.size()) {
        char kind = bytes[at++];
        uint32_t count = 0;
        if (!u32(count)) break;
        std::vector<RestoreStep> steps;
        for (uint32_t i = 0; i < count; ++i) {
            RestoreStep s;
            uint32_t n = 0;
            if (!u32(n) || !text(s.path, n) || at >= bytes.size()) return orders;
            s.append = bytes[at++] != 0;
            if (!u32(n) || !text(s.data, n)) return orders;
            steps.push_back(std::move(s));
        }
        if (kind == 'S') orders.restore.push_back(std::move(steps));
        if (kind == 'P') orders.probes.insert(orders.probes.end(), steps.begin(), steps.end());
        if (kind == 'D') orders.done = true;
    }
    return orders;
}

// The guard child: collects what the recorder tells it until the recorder closes its pipe
// (or dies), then, unless the recorder said it was done, writes the top level back,
// removes the instance and the probes. Forked before the recorder starts any thread.
[[noreturn]] void guardMain(int readFd, const std::string& instanceDir) {
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
    std::string bytes;
    char buf[4096];
    for (;;) {
        ssize_t n = ::read(readFd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) break;
        bytes.append(buf, static_cast<size_t>(n));
    }
    GuardOrders orders = parseGuardMessages(bytes);
    if (orders.done) ::_exit(0);
    if (!instanceDir.empty() && ::access(instanceDir.c_str(), F_OK) == 0) {
        (void)runRestoreSteps({{instanceDir + "/tracing_on", false, "0\n"}});
        for (int i = 0; i < 250 && ::rmdir(instanceDir.c_str()) != 0 && errno == EBUSY; ++i) {
            timespec ts{0, 20 * 1000 * 1000};
            ::nanosleep(&ts, nullptr);
        }
    }
    for (auto it = orders.restore.rbegin(); it != orders.restore.rend(); ++it)
        (void)runRestoreSteps(*it);
    (void)runRestoreSteps(orders.probes);
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
    auto fail = [&r](Status st) {
        (void)r->cleanup();
        return st;
    };
    if (Status st = r->place(); !st) return fail(st);
    if (config.strict && !r->m_applied.refused.empty()) {
        std::string all;
        for (const Refusal& f : r->m_applied.refused) all += "\n  " + f.line();
        return fail(Status::error("--strict: the kernel refused:" + all));
    }
    bool tracerOn = !config.tracer.empty() && config.tracer != "nop" &&
                    std::none_of(r->refused().begin(), r->refused().end(),
                                 [](const Refusal& f) { return f.item.rfind("tracer ", 0) == 0; });
    if (r->m_applied.enabledEvents.empty() && !tracerOn) {
        // The refusals are why: they would be printed after a start that never comes.
        std::string why;
        for (const Refusal& f : r->m_applied.refused) why += (why.empty() ? "" : "; ") + f.line();
        return fail(
            Status::error("nothing left to record: no event could be enabled and no tracer set" +
                          (why.empty() ? std::string() : " (the kernel refused " + why + ")")));
    }
    if (Status st = r->collectMeta(); !st) return fail(st);
    auto lock = lockOutput(config.output);
    if (!lock) return fail(lock.status());
    r->m_outputLock = *lock;
    auto writer = KtrWriter::create(config.output, r->m_meta, std::max(3, config.zstdLevel));
    if (!writer) return fail(writer.status());
    r->m_writer = std::move(*writer);
    for (uint32_t c = 0; c < r->m_meta.cpus.size(); ++c)
        r->m_formats.push_back(r->m_writer->pageFormat(c));
    return r;
}

// An instance of the recorder's own, unless the config says otherwise or asks for a tracer
// item that the kernel allows only at the top level.
Status Recorder::place() {
    if (m_config.placement == RecordConfig::Placement::TopLevel) {
        m_placementReason = "--top";
        return useTopLevel();
    }
    if (Status st = useInstance(); !st) return st;
    if (m_config.placement == RecordConfig::Placement::Instance || !needsTopLevel()) return {};
    // Undo the instance before moving: its probes are global and are added again.
    removeProbes(m_fs, m_applied.probes);
    m_applied = AppliedConfig{};
    if (Status st = m_instance->remove(); !st) return st;
    m_instance.reset();
    return useTopLevel();
}

Status Recorder::useInstance() {
    auto inst = TracefsInstance::create(m_fs, "kestrel-" + std::to_string(::getpid()));
    if (!inst) return inst.status();
    m_instance = std::make_unique<TracefsInstance>(std::move(*inst));
    m_target.emplace(m_fs, m_instance->name());
    if (m_guardPid < 0) spawnGuard(m_fs.path("instances/" + m_instance->name()));
    // A new instance starts with tracing on: nothing is recorded until begin().
    if (Status st = m_target->write("tracing_on", "0"); !st)
        return Status::error("tracing_on: " + st.message());
    saveSharedOptions();
    m_applied = applyConfig(*m_target, m_config);
    tellGuardProbes();
    return {};
}

// A tracer's own options (func_stack_trace, funcgraph-*) are one set of flags per tracer
// that every instance's options/ shows (struct tracer_flags, e.g. func_flags in
// kernel/trace/trace_functions.c): set in an instance, they change at the top level too,
// and removing the instance does not undo them. The top-level value of every option the
// recording sets is saved first; stop and the guard write it back.
void Recorder::saveSharedOptions() {
    if (m_config.options.empty()) return;
    if (!m_journal) m_journal = makeJournal();
    for (const std::string& o : m_config.options) {
        bool off = o.rfind("no", 0) == 0 && !m_fs.exists("options/" + o);
        m_journal->save("options/" + (off ? o.substr(2) : o));
    }
}

std::unique_ptr<TopLevelJournal> Recorder::makeJournal() {
    return std::make_unique<TopLevelJournal>(
        m_fs, [this](const std::vector<RestoreStep>& steps) { tellGuard('S', steps); });
}

// True when a tracer item the config asks for was refused in the instance and the top
// level has it: the tracer itself (function_graph in an instance is EINVAL on some
// kernels) or a file instances do not have (set_graph_function).
bool Recorder::needsTopLevel() {
    for (const Refusal& f : m_applied.refused) {
        std::string file;
        if (f.item.rfind("tracer ", 0) == 0) {
            auto tracers = m_fs.read("available_tracers");
            if (!tracers ||
                (" " + *tracers + " ").find(" " + m_config.tracer + " ") == std::string::npos)
                continue;
        } else {
            for (const char* name :
                 {"set_ftrace_filter", "set_ftrace_notrace", "set_graph_function",
                  "set_graph_notrace", "max_graph_depth", "set_ftrace_pid"}) {
                if (f.item.find(name) != std::string::npos) file = name;
            }
            if (file.empty() || !m_fs.exists(file)) continue;
        }
        m_placementReason = f.item + " " + f.reason;
        return true;
    }
    return false;
}

Status Recorder::useTopLevel() {
    std::vector<std::string> uses = topLevelInUse(m_fs);
    if (!uses.empty() && !m_config.force) {
        std::string what;
        for (const std::string& u : uses) what += (what.empty() ? "" : ", ") + u;
        return Status::error(
            "the top-level buffer is in use (" + what + "): --force records " +
            "there anyway and puts its settings back afterwards" +
            (m_placementReason.empty() ? "" : " (needed: " + m_placementReason + ")"));
    }
    if (m_guardPid < 0) spawnGuard("");
    // Kept when the instance tried first saved options already: their values from before.
    if (!m_journal) m_journal = makeJournal();
    m_target.emplace(
        TraceTarget::topLevel(m_fs, [this](const std::string& rel) { m_journal->save(rel); }));
    if (Status st = m_target->write("tracing_on", "0"); !st)
        return Status::error("tracing_on: " + st.message());
    // What an idle top-level buffer still holds is nobody's recording: start empty.
    (void)m_fs.write("trace", "");
    m_applied = applyConfig(*m_target, m_config);
    tellGuardProbes();
    return {};
}

// Probes live outside any buffer: the guard removes them too if the recorder dies.
void Recorder::tellGuardProbes() {
    std::vector<RestoreStep> steps;
    for (const AddedProbe& p : m_applied.probes)
        steps.push_back({m_fs.path(p.file), true, "-:" + p.name + "\n"});
    if (!steps.empty()) tellGuard('P', steps);
}

void Recorder::spawnGuard(const std::string& instanceDir) {
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0) return;  // no guard: Ctrl-C and errors still clean up
    pid_t pid = ::fork();
    if (pid == 0) {
        ::close(p[1]);
        guardMain(p[0], instanceDir);
    }
    ::close(p[0]);
    if (pid < 0) {
        ::close(p[1]);
        return;
    }
    m_guardPipe = p[1];
    m_guardPid = pid;
}

void Recorder::tellGuard(char kind, const std::vector<RestoreStep>& steps) {
    if (m_guardPipe < 0) return;
    std::string message = guardMessage(kind, steps);
    for (size_t done = 0; done < message.size();) {
        ssize_t n = ::write(m_guardPipe, message.data() + done, message.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return;
        done += static_cast<size_t>(n);
    }
}

Status Recorder::collectMeta() {
    TraceMeta& m = m_meta;
    const TraceTarget& in = *m_target;
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
    m.traceClock = selectedClock(orEmpty(in.read("trace_clock")));
    BufferInfo buffer;
    buffer.clock = m.traceClock;
    buffer.subbufSize = m.pageSize;
    if (auto kb = in.read("buffer_subbuf_size_kb")) {
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
    m.recorded += in.isTopLevel() ? "; recorded in the top-level buffer (" + m_placementReason + ")"
                                  : "; recorded in a tracefs instance of its own";
    for (const Refusal& f : m_applied.refused) m.recorded += "; refused " + f.line();
    return {};
}

Status Recorder::addPid(int pid) {
    const TraceTarget& in = *m_target;
    std::string p = std::to_string(pid);
    if (Status st = in.append("set_event_pid", p); !st)
        return Status::error("set_event_pid " + p + ": " + st.message());
    (void)in.write("options/event-fork", "1");
    if (!m_config.tracer.empty() && in.exists("set_ftrace_pid")) {
        (void)in.append("set_ftrace_pid", p);
        (void)in.write("options/function-fork", "1");
    }
    return {};
}

// The recorder's threads (readers, compression, the sampler, the main thread) and its
// guard would fill a function trace with the recorder's own work: they go into the
// target's notrace pid lists before tracing starts. The traced command was forked before
// and is not their child, so the fork options do not exclude it.
void Recorder::excludeOwnThreads() {
    if (m_config.traceSelf) return;
    std::vector<std::string> pids;
    for (const std::string& tid : Tracefs("/proc/self").list("task")) pids.push_back(tid);
    if (m_guardPid > 0) pids.push_back(std::to_string(m_guardPid));
    std::vector<std::string> files = {"set_event_notrace_pid"};
    if (!m_config.tracer.empty() && m_config.tracer != "nop")
        files.push_back("set_ftrace_notrace_pid");
    for (const std::string& file : files) {
        if (!m_target->exists(file)) {
            m_applied.refused.push_back({"excluding the recorder's own threads",
                                         "the kernel has no " + file + " " + m_target->where() +
                                             ": they are recorded too"});
            continue;
        }
        for (const std::string& pid : pids) {
            if (Status st = m_target->append(file, pid); !st) {
                m_applied.refused.push_back({file + " " + pid, st.message()});
                break;
            }
        }
    }
}

Status Recorder::begin() {
    if (m_running || m_stopped) return Status::error("recorder already started");
    m_stopFd = ::eventfd(0, EFD_CLOEXEC);
    if (m_stopFd < 0) return Status::error(std::string("eventfd: ") + std::strerror(errno));
    const std::string dir = m_target->dir();
    m_compressedPerCpu.assign(m_kernelCpus.size(), 0);
    for (uint32_t c = 0; c < m_kernelCpus.size(); ++c) {
        auto reader = std::make_unique<CpuReader>(c, m_formats[c], m_config.pagesPerFrame, m_stopFd,
                                                  [this](PageBatch&& b) { submit(std::move(b)); });
        if (Status st = reader->open(dir, m_kernelCpus[c]); !st) return st;
        reader->setFlushAfter(std::chrono::milliseconds(m_config.flushIntervalMs));
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
        } while (::poll(&stop, 1, std::max(50, m_config.statusIntervalMs)) == 0 ||
                 (stop.revents & POLLIN) == 0);
    });
    excludeOwnThreads();
    if (Status st = m_target->write("tracing_on", "1"); !st)
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
            } else if (f->ref.cpu < m_compressedPerCpu.size()) {
                m_compressedPerCpu[f->ref.cpu] += f->bytes.size();
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
        auto text = m_target->read("per_cpu/cpu" + std::to_string(m_kernelCpus[c]) + "/stats");
        if (!text) continue;
        uint64_t drop = statValue(*text, "dropped events");
        overrun[c] = statValue(*text, "overrun") + (dropped ? 0 : drop);
        if (dropped) (*dropped)[c] = drop;
    }
}

RecordStatus Recorder::status() const {
    RecordStatus s;
    {
        std::lock_guard lock(m_readersMutex);
        if (m_readers.empty()) {
            s = m_final;
        } else {
            s.lost.assign(m_readers.size(), 0);
            s.cpus.assign(m_readers.size(), {});
            for (size_t c = 0; c < m_readers.size(); ++c) {
                RecordCpuStatus& cpu = s.cpus[c];
                cpu.rawBytes = m_readers[c]->bytesRead();
                cpu.events = m_readers[c]->events();
                cpu.lost = s.lost[c] = m_readers[c]->lost();
                s.rawBytes += cpu.rawBytes;
                s.events += cpu.events;
            }
        }
    }
    if (m_running || m_stopped) {
        s.elapsedSec =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - m_started).count();
    }
    {
        std::lock_guard lock(m_writeMutex);
        s.compressedBytes = m_writer ? m_writer->bytesWritten() : 0;
        for (size_t c = 0; c < s.cpus.size() && c < m_compressedPerCpu.size(); ++c)
            s.cpus[c].compressedBytes = m_compressedPerCpu[c];
        s.error = m_error;
    }
    if (m_target && !m_stopped) readStats(s.overrun, nullptr);
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
    (void)m_target->write("tracing_on", "0");
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
    std::vector<uint64_t> overrun, dropped;
    readStats(overrun, &dropped);
    {
        RecordStatus last = status();
        last.overrun = overrun;
        std::lock_guard lock(m_readersMutex);
        m_final = last;
        m_readers.clear();  // closes trace_pipe_raw, so the instance can go
    }

    sampleCmdlines();
    std::string cmdlines;
    for (const auto& [pid, comm] : m_cmdlines) cmdlines += std::to_string(pid) + " " + comm + "\n";
    m_meta.savedCmdlines = cmdlines;
    m_meta.savedTgids = orEmpty(m_fs.read("saved_tgids"));
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
    if (m_journal) {
        if (Status st = m_journal->restore(); !st && result) result = st;
        tellGuard('D', {});
    }
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
