#include "tracefs.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <thread>

namespace kestrel {
namespace {

bool hasTracingFiles(const std::string& dir) {
    struct stat st;
    return ::stat((dir + "/instances").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Result<Tracefs> Tracefs::locate(bool mountIfMissing) {
    for (const char* dir : {"/sys/kernel/tracing", "/sys/kernel/debug/tracing"}) {
        if (::access((std::string(dir) + "/instances").c_str(), F_OK) != 0 && errno == EACCES) {
            return Status::error(std::string("tracefs at ") + dir +
                                 " is readable by root only: recording needs root (run with sudo)");
        }
        if (hasTracingFiles(dir)) {
            if (::access(dir, W_OK) != 0) {
                return Status::error(std::string("tracefs at ") + dir +
                                     " is not writable: recording needs root (run with sudo)");
            }
            return Tracefs(dir);
        }
    }
    const char* target = "/sys/kernel/tracing";
    if (mountIfMissing && ::mount("nodev", target, "tracefs", 0, nullptr) == 0 &&
        hasTracingFiles(target)) {
        return Tracefs(target);
    }
    std::string why = errno == EPERM ? "permission denied: run as root" : std::strerror(errno);
    return Status::error(
        "tracefs not found at /sys/kernel/tracing or /sys/kernel/debug/tracing and mounting "
        "it failed (" +
        why +
        "); mount it with `sudo mount -t tracefs nodev "
        "/sys/kernel/tracing` (kernel needs CONFIG_FTRACE and CONFIG_TRACING)");
}

bool Tracefs::exists(const std::string& rel) const {
    return ::access(path(rel).c_str(), F_OK) == 0;
}

bool Tracefs::isDir(const std::string& rel) const {
    struct stat st;
    return ::stat(path(rel).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> Tracefs::list(const std::string& rel) const {
    std::vector<std::string> out;
    DIR* d = ::opendir(path(rel).c_str());
    if (!d) return out;
    while (dirent* e = ::readdir(d)) {
        std::string n = e->d_name;
        if (n != "." && n != "..") out.push_back(n);
    }
    ::closedir(d);
    std::sort(out.begin(), out.end());
    return out;
}

Result<std::string> Tracefs::read(const std::string& rel) const {
    int fd = ::open(path(rel).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::error(path(rel) + ": " + std::strerror(errno));
    std::string out;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            int err = errno;
            ::close(fd);
            return Status::error(path(rel) + ": " + std::strerror(err));
        }
        if (n == 0) break;
        out.append(buf, static_cast<size_t>(n));
    }
    ::close(fd);
    return out;
}

Status Tracefs::write(const std::string& rel, const std::string& value) const {
    return writeMode(rel, value, O_TRUNC);
}

Status Tracefs::append(const std::string& rel, const std::string& value) const {
    return writeMode(rel, value, O_APPEND);
}

Status Tracefs::writeMode(const std::string& rel, const std::string& value, int flags) const {
    int fd = ::open(path(rel).c_str(), O_WRONLY | O_CLOEXEC | flags);
    if (fd < 0) return Status::error(std::strerror(errno));
    std::string line = value + "\n";
    ssize_t n;
    do {
        n = ::write(fd, line.data(), line.size());
    } while (n < 0 && errno == EINTR);
    int err = errno;
    ::close(fd);
    if (n < 0) return Status::error(std::strerror(err));
    return {};
}

Result<TracefsInstance> TracefsInstance::create(const Tracefs& fs, const std::string& name) {
    std::string dir = fs.path("instances/" + name);
    if (::mkdir(dir.c_str(), 0750) != 0) {
        return Status::error("cannot create tracefs instance " + dir + ": " + std::strerror(errno));
    }
    return TracefsInstance(fs, name);
}

TracefsInstance::TracefsInstance(TracefsInstance&& other) noexcept
    : m_fs(other.m_fs), m_name(other.m_name), m_live(other.m_live) {
    other.m_live = false;
}

TracefsInstance::~TracefsInstance() {
    remove();
}

Status TracefsInstance::remove() {
    if (!m_live) return {};
    m_live = false;
    (void)m_fs.write(rel("tracing_on"), "0");
    std::string dir = m_fs.path("instances/" + m_name);
    // EBUSY while a reader still holds a trace_pipe_raw open: give it a moment.
    for (int attempt = 0; attempt < 100; ++attempt) {
        if (::rmdir(dir.c_str()) == 0 || errno == ENOENT) return {};
        if (errno != EBUSY) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return Status::error("cannot remove tracefs instance " + dir + ": " + std::strerror(errno));
}

std::vector<std::string> removeStaleInstances(const Tracefs& fs) {
    std::vector<std::string> removed;
    for (const std::string& n : fs.list("instances")) {
        if (n.rfind("kestrel-", 0) != 0) continue;
        char* end = nullptr;
        long pid = std::strtol(n.c_str() + 8, &end, 10);
        if (pid <= 0 || *end != '\0') continue;
        if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno == EPERM) continue;  // still running
        (void)fs.write("instances/" + n + "/tracing_on", "0");
        if (::rmdir(fs.path("instances/" + n).c_str()) == 0) removed.push_back(n);
    }
    return removed;
}

}  // namespace kestrel
