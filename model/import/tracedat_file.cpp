#include "import/tracedat_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/byte_order.h"

namespace kestrel {

TraceDatFile::~TraceDatFile() {
    if (m_fd >= 0) ::close(m_fd);
}

Status TraceDatFile::open() {
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    if (m_fd < 0) return Status::error(m_path + ": cannot open: " + std::strerror(errno));
    struct stat st {};
    if (::fstat(m_fd, &st) != 0)
        return Status::error(m_path + ": cannot stat: " + std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return Status::error(m_path + ": not a regular file");
    m_size = static_cast<uint64_t>(st.st_size);
    return {};
}

Status TraceDatFile::read(uint64_t offset, void* out, size_t size, const std::string& what) const {
    if (offset > m_size || size > m_size - offset) {
        return Status::error(error(offset, "expected " + std::to_string(size) + " bytes of " +
                                               what + ", but the file ends at " +
                                               std::to_string(m_size)));
    }
    auto* p = static_cast<uint8_t*>(out);
    size_t done = 0;
    while (done < size) {
        ssize_t n = ::pread(m_fd, p + done, size - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string why = n < 0 ? std::strerror(errno) : "unexpected end of file";
            return Status::error(error(offset + done, "reading " + what + ": " + why));
        }
        done += static_cast<size_t>(n);
    }
    return {};
}

TraceDatCursor::TraceDatCursor(const TraceDatFile& file, uint64_t begin, uint64_t end,
                               bool bigEndian, size_t window)
    : m_file(file),
      m_big(bigEndian),
      m_memory(false),
      m_pos(std::min(begin, file.size())),
      m_end(std::clamp(end, m_pos, file.size())),
      m_windowCapacity(std::max<size_t>(window, 64)) {}

TraceDatCursor::TraceDatCursor(const TraceDatFile& file, std::string data, uint64_t origin,
                               std::string label, bool bigEndian)
    : m_file(file),
      m_big(bigEndian),
      m_memory(true),
      m_pos(0),
      m_end(data.size()),
      m_data(std::move(data)),
      m_origin(origin),
      m_label(std::move(label)) {}

std::string TraceDatCursor::errorAt(uint64_t position, const std::string& what) const {
    if (!m_memory) return m_file.error(position, what);
    return m_file.error(m_origin, m_label + " byte " + std::to_string(position) + ": " + what);
}

Status TraceDatCursor::need(uint64_t size, const char* what) {
    if (size > remaining()) {
        std::string where = m_memory ? m_label + " ends" : "its range ends";
        return Status::error(error("expected " + std::to_string(size) + " bytes of " + what +
                                   ", but " + where + " after " + std::to_string(remaining())));
    }
    if (m_memory) return {};
    if (m_pos >= m_winStart && m_pos + size <= m_winStart + m_window.size()) return {};
    // Refill: `size` is bounded by the range, itself bounded by the file size.
    uint64_t length = std::min<uint64_t>(std::max<uint64_t>(size, m_windowCapacity), remaining());
    m_window.resize(length);
    m_winStart = m_pos;
    Status st = m_file.read(m_pos, m_window.data(), length, what);
    if (!st) m_window.clear();
    return st;
}

const uint8_t* TraceDatCursor::at() const {
    return m_memory ? reinterpret_cast<const uint8_t*>(m_data.data()) + m_pos
                    : m_window.data() + (m_pos - m_winStart);
}

Status TraceDatCursor::u16(uint16_t& value, const char* what) {
    if (Status st = need(2, what); !st) return st;
    value = load16(at(), m_big);
    m_pos += 2;
    return {};
}

Status TraceDatCursor::u32(uint32_t& value, const char* what) {
    if (Status st = need(4, what); !st) return st;
    value = load32(at(), m_big);
    m_pos += 4;
    return {};
}

Status TraceDatCursor::u64(uint64_t& value, const char* what) {
    if (Status st = need(8, what); !st) return st;
    value = load64(at(), m_big);
    m_pos += 8;
    return {};
}

Status TraceDatCursor::text(std::string& out, uint64_t size, const char* what) {
    if (size > remaining()) return need(size, what);  // the error, before any allocation
    if (m_memory && size == remaining() && size > 0) {
        out = std::move(m_data);
        out.erase(0, m_pos);
        m_data.clear();
        m_pos = m_end;
        return {};
    }
    if (!m_memory && size > m_windowCapacity) {
        // Large blobs (kallsyms) go straight from the file into the string.
        out.resize(size);
        if (Status st = m_file.read(m_pos, out.data(), size, what); !st) return st;
        m_pos += size;
        return {};
    }
    if (Status st = need(size, what); !st) return st;
    out.assign(reinterpret_cast<const char*>(at()), size);
    m_pos += size;
    return {};
}

Status TraceDatCursor::cstring(std::string& out, size_t maxLength, const char* what) {
    uint64_t limit = std::min<uint64_t>(maxLength + 1, remaining());
    if (limit == 0) return need(1, what);
    if (Status st = need(limit, what); !st) return st;
    const uint8_t* p = at();
    const void* nul = std::memchr(p, 0, limit);
    if (!nul) {
        return Status::error(error("expected a NUL-terminated " + std::string(what) +
                                   " of at most " + std::to_string(maxLength) + " characters"));
    }
    size_t length = static_cast<size_t>(static_cast<const uint8_t*>(nul) - p);
    out.assign(reinterpret_cast<const char*>(p), length);
    m_pos += length + 1;
    return {};
}

Status TraceDatCursor::view(const uint8_t*& out, uint64_t size, const char* what) {
    if (Status st = need(size, what); !st) return st;
    out = at();
    m_pos += size;
    return {};
}

Status TraceDatCursor::skip(uint64_t size, const char* what) {
    if (size > remaining()) return need(size, what);
    m_pos += size;
    return {};
}

}  // namespace kestrel
