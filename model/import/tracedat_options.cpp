#include "import/tracedat_options.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <set>

#include "base/byte_order.h"

namespace kestrel {
namespace {

// Sequential reads inside one option's data.
class OptionBytes {
public:
    OptionBytes(const uint8_t* data, size_t size, bool big)
        : m_data(data), m_size(size), m_big(big) {}

    bool number(unsigned bytes, uint64_t& value) {
        if (bytes > m_size - m_pos) return false;
        value = loadUnsigned(m_data + m_pos, bytes, m_big);
        m_pos += bytes;
        return true;
    }
    bool string(std::string& out) {
        const void* nul = std::memchr(m_data + m_pos, 0, m_size - m_pos);
        if (!nul) return false;
        size_t length = static_cast<size_t>(static_cast<const uint8_t*>(nul) - (m_data + m_pos));
        out.assign(reinterpret_cast<const char*>(m_data + m_pos), length);
        m_pos += length + 1;
        return true;
    }
    size_t remaining() const { return m_size - m_pos; }
    size_t position() const { return m_pos; }

private:
    const uint8_t* m_data;
    size_t m_size;
    bool m_big;
    size_t m_pos = 0;
};

// Option text is NUL-terminated by the writer; never trust that it is.
std::string optionText(const uint8_t* data, size_t size) {
    const void* nul = std::memchr(data, 0, size);
    size_t length = nul ? static_cast<size_t>(static_cast<const uint8_t*>(nul) - data) : size;
    return std::string(reinterpret_cast<const char*>(data), length);
}

Status bad(const std::string& what) {
    return Status::error(what);
}

Status parseBuffer(uint16_t id, OptionBytes& in, bool sections, TraceDatOptions& options) {
    TraceDatBufferOption buffer;
    if (!in.number(8, buffer.offset)) return bad("BUFFER option: expected a u64 offset");
    if (!in.string(buffer.name)) return bad("BUFFER option: expected a NUL-terminated name");
    if (sections) {
        if (!in.string(buffer.clock)) return bad("BUFFER option: expected a NUL-terminated clock");
        buffer.latency = id == kOptBufferText;
    }
    if (sections && id == kOptBuffer) {
        uint64_t pageSize = 0, count = 0;
        if (!in.number(4, pageSize) || !in.number(4, count)) {
            return bad("BUFFER option \"" + buffer.name + "\": expected page size and CPU count");
        }
        buffer.pageSize = static_cast<uint32_t>(pageSize);
        if (count > kTraceDatMaxCpus || count * 20 > in.remaining()) {
            return bad("BUFFER option \"" + buffer.name + "\": " + std::to_string(count) +
                       " CPUs do not fit in " + std::to_string(in.remaining()) +
                       " bytes (at most " + std::to_string(kTraceDatMaxCpus) + " CPUs)");
        }
        std::set<uint32_t> seen;
        for (uint64_t i = 0; i < count; ++i) {
            uint64_t cpu = 0;
            TraceDatCpuData data;
            in.number(4, cpu);
            in.number(8, data.offset);
            in.number(8, data.size);
            if (cpu >= kTraceDatMaxCpus || !seen.insert(static_cast<uint32_t>(cpu)).second) {
                return bad("BUFFER option \"" + buffer.name + "\": CPU id " + std::to_string(cpu) +
                           " is duplicated or above " + std::to_string(kTraceDatMaxCpus));
            }
            data.cpu = static_cast<uint32_t>(cpu);
            buffer.cpus.push_back(data);
        }
    }
    options.buffers.push_back(std::move(buffer));
    return {};
}

// `text` starts with a newline so that every key is matched at a line start only
// ("overrun: " must not match "commit overrun: ").
uint64_t statValue(const std::string& text, const std::string& key, bool& found) {
    size_t at = text.find("\n" + key);
    found = at != std::string::npos;
    if (!found) return 0;
    return std::strtoull(text.c_str() + at + 1 + key.size(), nullptr, 10);
}

// trace-record.c writes one CPUSTAT per CPU (the per_cpu/cpuN/stats text), and before an
// instance's stats one holding "\nBuffer: NAME\n\n".
void parseCpuStat(const std::string& text, TraceDatOptions& options) {
    size_t at = text.find("Buffer: ");
    if (at != std::string::npos) {
        size_t end = text.find('\n', at);
        options.statBuffer = text.substr(at + 8, end == std::string::npos ? end : end - at - 8);
        return;
    }
    bool hasCpu = false, found = false;
    std::string lines = "\n" + text;
    TraceDatCpuStat stat;
    stat.buffer = options.statBuffer;
    uint64_t cpu = statValue(lines, "CPU: ", hasCpu);
    stat.cpu = static_cast<uint32_t>(std::min<uint64_t>(cpu, kTraceDatMaxCpus));
    stat.overrun = statValue(lines, "overrun: ", found);
    stat.dropped = statValue(lines, "dropped events: ", found);
    stat.readEvents = statValue(lines, "read events: ", found);
    if (hasCpu && stat.cpu < kTraceDatMaxCpus) options.cpuStats.push_back(stat);
}

// trace-input.c: DATE holds "0x..." microseconds between the timestamps and
// gettimeofday; OFFSET a number of timestamp units. Both are added to every timestamp.
Status addOffset(uint16_t id, const std::string& text, TraceDatOptions& options) {
    errno = 0;
    long long value = std::strtoll(text.c_str(), nullptr, 0);
    int64_t scaled = value;
    bool overflow = errno == ERANGE ||
                    (id == kOptDate && __builtin_mul_overflow(value, int64_t{1000}, &scaled)) ||
                    __builtin_add_overflow(options.tsOffset, scaled, &options.tsOffset);
    if (overflow) {
        return bad(std::string(traceDatOptionName(id)) + " option: \"" + text.substr(0, 40) +
                   "\" is out of range");
    }
    return {};
}

Status parseNumbers(uint16_t id, OptionBytes& in, TraceDatOptions& options) {
    uint64_t a = 0, b = 0, c = 0;
    switch (id) {
        case kOptCpuCount:
            if (!in.number(4, a)) return bad("CPUCOUNT option: expected a u32");
            if (a > kTraceDatMaxCpus) {
                return bad("CPUCOUNT option: " + std::to_string(a) + " CPUs (at most " +
                           std::to_string(kTraceDatMaxCpus) + ")");
            }
            options.cpuCount = static_cast<uint32_t>(a);
            return {};
        case kOptTsc2Nsec:
            // trace-input.c ignores a TSC2NSEC shorter than 16 bytes; so do we.
            if (in.number(4, a) && in.number(4, b) && in.number(8, c)) {
                options.tsc2nsec =
                    TraceDatTsc2Nsec{static_cast<uint32_t>(a), static_cast<uint32_t>(b), c};
            }
            return {};
        case kOptDone:
            if (!in.number(8, a)) return bad("DONE option: expected the u64 next-section offset");
            options.nextSection = a;
            return {};
        default:  // section offsets
            if (in.number(8, a)) options.sections[id] = a;
            return {};
    }
}

}  // namespace

const char* traceDatOptionName(uint16_t id) {
    static const char* const names[] = {
        "DONE",           "DATE",        "CPUSTAT",  "BUFFER",   "TRACECLOCK",  "UNAME",
        "HOOK",           "OFFSET",      "CPUCOUNT", "VERSION",  "PROCMAPS",    "TRACEID",
        "TIME_SHIFT",     "GUEST",       "TSC2NSEC", "STRINGS",  "HEADER_INFO", "FTRACE_EVENTS",
        "EVENT_FORMATS",  "KALLSYMS",    "PRINTK",   "CMDLINES", "BUFFER_TEXT", "BTF_FILE",
        "LAST_BOOT_INFO", "MODULES_FILE"};
    return id < std::size(names) ? names[id] : "unknown";
}

std::string selectedTraceClock(const std::string& traceClockFile) {
    size_t open = traceClockFile.find('[');
    size_t close = traceClockFile.find(']', open == std::string::npos ? 0 : open);
    if (open == std::string::npos || close == std::string::npos) return {};
    return traceClockFile.substr(open + 1, close - open - 1);
}

Status applyTraceDatOption(uint16_t id, const uint8_t* data, size_t size, bool bigEndian,
                           bool sections, TraceDatOptions& options) {
    std::string name =
        id <= kOptModulesFile ? traceDatOptionName(id) : "option " + std::to_string(id);
    if (id != kOptDone &&
        std::find(options.present.begin(), options.present.end(), name) == options.present.end()) {
        options.present.push_back(name);
    }
    OptionBytes in(data, size, bigEndian);
    switch (id) {
        case kOptDate:
        case kOptOffset:
            return addOffset(id, optionText(data, size), options);
        case kOptCpuStat:
            parseCpuStat(optionText(data, size), options);
            return {};
        case kOptBuffer:
        case kOptBufferText:
            return parseBuffer(id, in, sections, options);
        case kOptTraceClock:
            options.clock = selectedTraceClock(optionText(data, size));
            return {};
        case kOptUname:
            options.uname = optionText(data, size);
            return {};
        case kOptVersion:
            options.version = optionText(data, size);
            return {};
        case kOptDone:
        case kOptCpuCount:
        case kOptTsc2Nsec:
        case kOptHeaderInfo:
        case kOptFtraceEvents:
        case kOptEventFormats:
        case kOptKallsyms:
        case kOptPrintk:
        case kOptCmdlines:
        case kOptBtfFile:
        case kOptModulesFile:
            return parseNumbers(id, in, options);
        default:
            return {};  // HOOK, PROCMAPS, TRACEID, TIME_SHIFT, GUEST, ...: not needed
    }
}

}  // namespace kestrel
