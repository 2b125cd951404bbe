#pragma once
// Bounded access to the bytes of a trace.dat file: a read-only descriptor shared by
// threads (pread only), and a cursor that reads numbers and strings in the file's byte
// order from a range of the file or from a decompressed section in memory.
//
// Every read is checked against what is left of its range before anything is
// allocated, and every failure is a Status shaped by errorAt(file, offset, what).
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace kestrel {

class TraceDatFile {
public:
    explicit TraceDatFile(std::string path) : m_path(std::move(path)) {}
    ~TraceDatFile();
    TraceDatFile(const TraceDatFile&) = delete;
    TraceDatFile& operator=(const TraceDatFile&) = delete;

    Status open();
    const std::string& path() const { return m_path; }
    uint64_t size() const { return m_size; }
    // Reads exactly `size` bytes at `offset`; thread-safe.
    Status read(uint64_t offset, void* out, size_t size, const std::string& what) const;
    std::string error(uint64_t offset, const std::string& what) const {
        return errorAt(m_path, offset, what);
    }

private:
    std::string m_path;
    int m_fd = -1;
    uint64_t m_size = 0;
};

class TraceDatCursor {
public:
    // Reads the file range [begin, end) through a read-ahead window of `window` bytes.
    TraceDatCursor(const TraceDatFile& file, uint64_t begin, uint64_t end, bool bigEndian,
                   size_t window = 64 * 1024);
    // Reads decompressed section bytes; errors name the section's file offset and `label`.
    TraceDatCursor(const TraceDatFile& file, std::string data, uint64_t origin, std::string label,
                   bool bigEndian);

    Status u16(uint16_t& value, const char* what);
    Status u32(uint32_t& value, const char* what);
    Status u64(uint64_t& value, const char* what);
    // `size` bytes as a string; fails before allocating when fewer bytes remain. In memory
    // mode, text that ends the data is moved out rather than copied (kallsyms is MBs).
    Status text(std::string& out, uint64_t size, const char* what);
    // A NUL-terminated string of at most `maxLength` characters (NUL consumed).
    Status cstring(std::string& out, size_t maxLength, const char* what);
    // Points at `size` contiguous bytes valid until the next call (file mode: size is
    // limited by the caller; the window grows to hold it).
    Status view(const uint8_t*& out, uint64_t size, const char* what);
    Status skip(uint64_t size, const char* what);

    void setBigEndian(bool big) { m_big = big; }
    uint64_t position() const { return m_pos; }  // file offset, or offset into the data
    uint64_t remaining() const { return m_end - m_pos; }
    bool atEnd() const { return m_pos >= m_end; }
    // "FILE: offset N: [label byte M: ]what" for the current position or `position`.
    std::string error(const std::string& what) const { return errorAt(m_pos, what); }
    std::string errorAt(uint64_t position, const std::string& what) const;

private:
    Status need(uint64_t size, const char* what);
    const uint8_t* at() const;

    const TraceDatFile& m_file;
    bool m_big;
    bool m_memory;
    uint64_t m_pos;
    uint64_t m_end;
    // File mode: the window holds file bytes [m_winStart, m_winStart + m_window.size()).
    std::vector<uint8_t> m_window;
    size_t m_windowCapacity = 0;
    uint64_t m_winStart = 0;
    // Memory mode.
    std::string m_data;
    uint64_t m_origin = 0;
    std::string m_label;
};

}  // namespace kestrel
