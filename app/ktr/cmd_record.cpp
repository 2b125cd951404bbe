// ktr record: kernel events into a .ktr, through a tracefs instance of its own.
// Runs until the traced command exits, --duration passes, or Ctrl-C / SIGTERM; a command
// still running then is stopped. Exits with the command's status (docs/recording.md).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "capabilities.h"
#include "cli.h"
#include "record_progress.h"
#include "recorder.h"

namespace kestrel::cli {
namespace {

volatile sig_atomic_t g_stopSignal = 0;

void onSignal(int sig) {
    g_stopSignal = sig;
}

void installSignals() {
    struct sigaction sa {};
    sa.sa_handler = onSignal;
    sigemptyset(&sa.sa_mask);
    for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &sa, nullptr);
    ::signal(SIGPIPE, SIG_IGN);  // a reader of --status-fd that goes away stops no recording
}

// The traced command, forked now but held until tracing is on.
struct Child {
    pid_t pid = -1;
    int goFd = -1;  // write a byte to let it exec
    bool exited = false;
    int status = 0;
};

// Where execvp would find `name`, or the errno execve would fail with: the command is
// checked before anything is recorded or written.
struct Found {
    std::string path;
    int error = 0;
};

int runnable(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return errno;
    if (!S_ISREG(st.st_mode)) return EACCES;  // what execve(2) says of a directory
    return ::access(path.c_str(), X_OK) == 0 ? 0 : errno;
}

Found findCommand(const std::string& name) {
    if (name.find('/') != std::string::npos) return {name, runnable(name)};
    if (name.empty()) return {name, ENOENT};
    const char* env = std::getenv("PATH");
    std::string dirs = env ? env : "/bin:/usr/bin";  // execvp's default
    int error = ENOENT;                              // EACCES wins if met on the way
    for (size_t start = 0;;) {
        size_t colon = dirs.find(':', start);
        std::string dir = dirs.substr(start, colon - start);
        std::string path = (dir.empty() ? "." : dir) + "/" + name;
        int e = runnable(path);
        if (e == 0) return {path, 0};
        if (e == EACCES) error = EACCES;
        if (colon == std::string::npos) return {name, error};
        start = colon + 1;
    }
}

// As shells do: 127 when the command is not there, 126 when it cannot be executed.
int cannotRun(const std::string& name, int error) {
    std::fprintf(stderr, "ktr record: cannot run %s: %s\n", name.c_str(), std::strerror(error));
    return error == ENOENT || error == ENOTDIR ? 127 : 126;
}

// `--status-fd`: one line per update, in one write so that lines never interleave.
void writeStatus(int fd, const RecordStatus& s) {
    if (fd < 0) return;
    std::string line = formatProgress(progressOf(s)) + "\n";
    (void)!::write(fd, line.data(), line.size());
}

// With the figures on stdout, the command's output goes to stderr, out of their way.
// With --stop-on-stdin-eof, stdin is ktr's: the command reads /dev/null.
Result<Child> forkCommand(const std::string& program, const std::vector<std::string>& command,
                          const RecordConfig& config) {
    const int statusFd = config.statusFd;
    int p[2];
    if (::pipe2(p, O_CLOEXEC) != 0)
        return Status::error(std::string("pipe: ") + std::strerror(errno));
    std::vector<char*> argv;
    for (const std::string& a : command) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    pid_t pid = ::fork();
    if (pid < 0) return Status::error(std::string("fork: ") + std::strerror(errno));
    if (pid == 0) {
        ::close(p[1]);
        if (statusFd == STDOUT_FILENO) ::dup2(STDERR_FILENO, STDOUT_FILENO);
        ::signal(SIGPIPE, SIG_DFL);  // exec keeps an ignored signal ignored
        if (config.stopOnStdinEof) {
            int null = ::open("/dev/null", O_RDONLY);
            if (null >= 0) ::dup2(null, STDIN_FILENO);
        }
        char c;
        ssize_t n;
        while ((n = ::read(p[0], &c, 1)) < 0 && errno == EINTR) {
        }
        if (n != 1) ::_exit(127);  // the recorder gave up
        ::execvp(program.c_str(), argv.data());
        ::_exit(cannotRun(command[0], errno));
    }
    ::close(p[0]);
    return Child{pid, p[1]};
}

void waitFor(Child& child) {
    while (::waitpid(child.pid, &child.status, 0) < 0 && errno == EINTR) {
    }
    child.exited = true;
}

// How the command ended, in a line when it is news; returns the exit status a shell
// would give for it (128 + N for signal N).
int reportCommand(const Child& child) {
    if (WIFSIGNALED(child.status)) {
        int sig = WTERMSIG(child.status);
        std::fprintf(stderr, "ktr record: command killed by signal %d (%s)\n", sig, strsignal(sig));
        return 128 + sig;
    }
    int code = WEXITSTATUS(child.status);
    if (code != 0) std::fprintf(stderr, "ktr record: command exited with status %d\n", code);
    return code;
}

int recordError(const std::string& message) {
    std::fprintf(stderr, "ktr record: %s\n", message.c_str());
    return kBadInput;
}

double mb(uint64_t bytes) {
    return static_cast<double>(bytes) / 1e6;
}

std::string progressLine(const RecordStatus& s) {
    char head[160];
    std::snprintf(head, sizeof head,
                  "ktr record: %.1f s, %llu events, %.1f MB raw, %.2f MB written, lost",
                  s.elapsedSec, static_cast<unsigned long long>(s.events), mb(s.rawBytes),
                  mb(s.compressedBytes));
    std::string line = head;
    for (size_t c = 0; c < s.lost.size(); ++c) {
        uint64_t overrun = c < s.overrun.size() ? s.overrun[c] : 0;
        line += " cpu" + std::to_string(c) + " " + std::to_string(std::max(s.lost[c], overrun));
    }
    return line;
}

enum class End { kCommandExited, kDuration, kSignal, kStdinClosed, kFailed };

// --stop-on-stdin-eof: true once stdin has reached its end (what it says before is
// read and ignored).
bool stdinClosed() {
    pollfd in = {STDIN_FILENO, POLLIN, 0};
    if (::poll(&in, 1, 0) <= 0) return false;
    if (in.revents & (POLLHUP | POLLERR | POLLNVAL)) return true;
    char buffer[256];
    return ::read(STDIN_FILENO, buffer, sizeof buffer) == 0;
}

// Waits until the command exits, the duration passes, a signal arrives or recording fails.
End waitForEnd(Recorder& recorder, const RecordConfig& config, Child* child) {
    const bool tty = ::isatty(STDERR_FILENO);
    auto start = std::chrono::steady_clock::now();
    auto lastPrint = start;
    End end;
    for (;;) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        auto now = std::chrono::steady_clock::now();
        if (g_stopSignal) {
            end = End::kSignal;
            break;
        }
        if (config.stopOnStdinEof && stdinClosed()) {
            end = End::kStdinClosed;
            break;
        }
        if (config.durationSec > 0 &&
            std::chrono::duration<double>(now - start).count() >= config.durationSec) {
            end = End::kDuration;
            break;
        }
        if (child && ::waitpid(child->pid, &child->status, WNOHANG) == child->pid) {
            child->exited = true;
            end = End::kCommandExited;
            break;
        }
        if (now - lastPrint >= std::chrono::milliseconds(config.statusIntervalMs)) {
            RecordStatus s = recorder.status();
            if (!config.quiet)
                std::fprintf(stderr, tty ? "\r%s  " : "%s\n", progressLine(s).c_str());
            writeStatus(config.statusFd, s);
            lastPrint = now;
            if (!s.error.empty()) {
                end = End::kFailed;
                break;
            }
        }
    }
    if (tty && !config.quiet) std::fputc('\n', stderr);
    return end;
}

// Ends a command still running when recording ends first (-d, a signal, a failure):
// SIGTERM, as `timeout` and `perf stat --timeout` do, then SIGKILL if it is still there
// 2 s later. False when it had exited by itself meanwhile.
bool stopCommand(Child& child) {
    if (::waitpid(child.pid, &child.status, WNOHANG) == child.pid) {
        child.exited = true;
        return false;
    }
    ::kill(child.pid, SIGTERM);
    for (int i = 0; i < 100; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        if (::waitpid(child.pid, &child.status, WNOHANG) == child.pid) {
            child.exited = true;
            return true;
        }
    }
    ::kill(child.pid, SIGKILL);
    waitFor(child);
    return true;
}

std::string whyStopped(End end) {
    if (end == End::kDuration) return "duration reached";
    if (end == End::kFailed) return "recording failed";
    if (end == End::kStdinClosed) return "standard input closed";
    return "stopped by signal " + std::to_string(g_stopSignal) + " (" + strsignal(g_stopSignal) +
           ")";
}

}  // namespace

// `ktr record --probe`: one row per item, what an instance and the top level allow.
int printProbe(const Tracefs& fs) {
    std::vector<Capability> rows = probeCapabilities(fs);
    size_t width = 24;
    for (const Capability& c : rows) width = std::max(width, c.item.size() + 2);
    std::printf("%-*s %-34s %s\n", static_cast<int>(width), "item", "in an instance",
                "at the top level");
    for (const Capability& c : rows) {
        std::printf("%-*s %-34s %s\n", static_cast<int>(width), c.item.c_str(), c.instance.c_str(),
                    c.topLevel.c_str());
    }
    return kOk;
}

int cmdRecord(RecordConfig config) {
    auto fs = Tracefs::locate(true);
    if (!fs) return recordError(fs.message());
    if (::geteuid() != 0) {
        return recordError(
            "recording needs root (tracefs instances and trace_pipe_raw "
            "are root-only): run `sudo ktr record ...`");
    }
    if (config.probeOnly) return printProbe(*fs);
    if (config.statusFd >= 0 && ::fcntl(config.statusFd, F_GETFD) < 0)
        return recordError("--status-fd " + std::to_string(config.statusFd) +
                           ": not an open descriptor");
    std::string program;  // checked before anything is created
    if (!config.command.empty()) {
        Found found = findCommand(config.command[0]);
        if (found.error) return cannotRun(config.command[0], found.error);
        program = found.path;
    }
    installSignals();
    Child child;
    if (!program.empty()) {
        auto forked = forkCommand(program, config.command, config);
        if (!forked) return recordError(forked.message());
        child = *forked;
    }
    auto giveUp = [&](const std::string& message) {
        if (child.pid > 0) {
            ::close(child.goFd);  // the child exits 127 without running the command
            ::waitpid(child.pid, nullptr, 0);
        }
        return recordError(message);
    };
    auto recorder = Recorder::create(*fs, config);
    if (!recorder) return giveUp(recorder.message());
    Recorder& rec = *recorder.value();
    if (rec.topLevel()) {
        std::fprintf(stderr,
                     "ktr record: recording in the top-level buffer (%s); its settings are put "
                     "back afterwards\n",
                     rec.placementReason().c_str());
    }
    if (config.pidOnly) {
        if (Status st = rec.addPid(child.pid); !st) return giveUp(st.message());
    }
    if (Status st = rec.begin(); !st) return giveUp(st.message());
    for (const Refusal& f : rec.refused())
        std::fprintf(stderr, "ktr record: refused %s\n", f.line().c_str());
    if (child.pid > 0) {
        (void)!::write(child.goFd, "g", 1);
        ::close(child.goFd);
    }
    End end = waitForEnd(rec, config, child.pid > 0 ? &child : nullptr);
    Status st = rec.stop();
    RecordStatus s = rec.status();
    std::fprintf(stderr, "%s\n", progressLine(s).c_str());
    writeStatus(config.statusFd, s);
    // A command ktr had to stop ended as asked (exit 0); one that ended by itself gives
    // its own status.
    int code = kOk;
    if (child.pid > 0 && !child.exited && stopCommand(child)) {
        std::fprintf(stderr, "ktr record: %s; stopped the command (pid %d)\n",
                     whyStopped(end).c_str(), child.pid);
    } else if (child.pid > 0) {
        code = reportCommand(child);
    }
    if (!st) return recordError(st.message());
    rusage self{};
    ::getrusage(RUSAGE_SELF, &self);  // all recorder threads, not the traced command
    std::fprintf(stderr, "ktr record: wrote %s; recorder CPU time %.2f s user, %.2f s system\n",
                 config.output.c_str(), self.ru_utime.tv_sec + self.ru_utime.tv_usec / 1e6,
                 self.ru_stime.tv_sec + self.ru_stime.tv_usec / 1e6);
    return code;
}

}  // namespace kestrel::cli
