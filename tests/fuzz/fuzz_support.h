#pragma once
// Shared by the fuzz targets: hand the input to a reader as a file (the readers take
// paths) and walk everything a user could make the model decode.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "decode/event_cursor.h"
#include "decode/trace_model.h"

namespace kestrel::fuzz {

// An anonymous in-memory file holding `data`, reachable by path while it lives.
class MemFile {
public:
    MemFile(const uint8_t* data, size_t size) {
        m_fd = memfd_create("kestrel-fuzz", MFD_CLOEXEC);
        if (m_fd < 0) return;
        for (size_t done = 0; done < size;) {
            ssize_t n = write(m_fd, data + done, size - done);
            if (n <= 0) break;
            done += static_cast<size_t>(n);
        }
    }
    ~MemFile() {
        if (m_fd >= 0) close(m_fd);
    }
    std::string path() const { return "/proc/self/fd/" + std::to_string(m_fd); }
    bool ok() const { return m_fd >= 0; }

private:
    int m_fd = -1;
};

// Opens the source as a model and reads every event of every CPU in time order.
inline void walkAll(Result<std::unique_ptr<TraceSource>> source) {
    if (!source) return;
    ModelOptions options;
    options.cacheBytes = 8u << 20;
    auto model = TraceModel::fromSource(std::move(source.value()), options);
    if (!model) return;
    EventCursor cursor(*model.value());
    EventRef ev;
    uint64_t checksum = 0;
    while (cursor.next(ev)) checksum += ev.ts + ev.raw.size;
    // Keep the loop from being optimized away.
    asm volatile("" : : "r"(checksum));
}

}  // namespace kestrel::fuzz
