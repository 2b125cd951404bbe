#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/trace_source.h"

namespace kestrel {
namespace {

// Why a file that is not a regular one cannot be a trace: the readers seek and map.
Status notRegular(const std::string& path, mode_t mode) {
    if (S_ISDIR(mode)) return Status::error(path + ": is a directory");
    const char* what = S_ISFIFO(mode)   ? "a FIFO"
                       : S_ISCHR(mode)  ? "a character device"
                       : S_ISBLK(mode)  ? "a block device"
                       : S_ISSOCK(mode) ? "a socket"
                                        : "an unknown kind of file";
    return Status::error(path + ": not a regular file (" + what + ")");
}

}  // namespace

Result<std::unique_ptr<TraceSource>> openTrace(const std::string& path) {
    // O_NONBLOCK: opening a FIFO would otherwise wait for a writer.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return Status::error(path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    Status refused;
    if (::fstat(fd, &st) != 0)
        refused = Status::error(path + ": cannot stat: " + std::strerror(errno));
    else if (!S_ISREG(st.st_mode))
        refused = notRegular(path, st.st_mode);
    if (!refused) {
        ::close(fd);
        return refused;
    }
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
