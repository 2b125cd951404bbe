#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/trace_source.h"

namespace kestrel {

Result<std::unique_ptr<TraceSource>> openTrace(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Status::error(path + ": cannot open: " + std::strerror(errno));
    char magic[10] = {};
    ssize_t got = ::pread(fd, magic, sizeof magic, 0);
    ::close(fd);
    if (got >= 4 && std::memcmp(magic, "KTR1", 4) == 0) return openKtr(path);
    // trace-cmd: "\x17\x08\x44" then "tracing"
    if (got == 10 && std::memcmp(magic, "\x17\x08\x44tracing", 10) == 0) return openTraceDat(path);
    if (got < 4) return Status::error(errorAt(path, 0, "file too short to be a trace"));
    return Status::error(errorAt(
        path, 0, "not a .ktr or trace-cmd trace.dat file (no \"KTR1\" or trace.dat magic)"));
}

}  // namespace kestrel
