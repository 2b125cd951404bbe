#include "import/tracedat_metadata.h"

#include <cstring>

namespace kestrel {
namespace {

// System names are directory names under events/; anything longer is corruption.
constexpr size_t kMaxSystemName = 256;

Status expectTag(TraceDatCursor& in, const char* tag) {
    size_t length = std::strlen(tag) + 1;  // the NUL is part of the tag
    uint64_t at = in.position();
    std::string got;
    if (Status st = in.text(got, length, tag); !st) return st;
    if (std::memcmp(got.data(), tag, length) != 0) {
        return Status::error(in.errorAt(at, "expected the tag \"" + std::string(tag) + "\""));
    }
    return {};
}

// A count of items that each take at least `minBytes` cannot exceed what is left.
Status checkCount(const TraceDatCursor& in, uint64_t count, uint64_t minBytes, const char* what) {
    if (count > in.remaining() / minBytes) {
        return Status::error(in.error(std::to_string(count) + " " + what + " cannot fit in the " +
                                      std::to_string(in.remaining()) + " bytes left"));
    }
    return {};
}

Status readFormat(TraceDatCursor& in, const std::string& system, TraceMeta& meta) {
    uint64_t size = 0;
    if (Status st = in.u64(size, "format size"); !st) return st;
    EventFormat format;
    format.system = system;
    if (Status st = in.text(format.text, size, "event format"); !st) return st;
    meta.formats.push_back(std::move(format));
    return {};
}

}  // namespace

Status readTraceDatText64(TraceDatCursor& in, std::string& out, const char* what) {
    uint64_t size = 0;
    if (Status st = in.u64(size, what); !st) return st;
    return in.text(out, size, what);
}

Status readTraceDatText32(TraceDatCursor& in, std::string& out, const char* what) {
    uint32_t size = 0;
    if (Status st = in.u32(size, what); !st) return st;
    return in.text(out, size, what);
}

Status readTraceDatHeaderInfo(TraceDatCursor& in, TraceMeta& meta) {
    if (Status st = expectTag(in, "header_page"); !st) return st;
    if (Status st = readTraceDatText64(in, meta.headerPage, "header_page"); !st) return st;
    if (Status st = expectTag(in, "header_event"); !st) return st;
    return readTraceDatText64(in, meta.headerEvent, "header_event");
}

Status readTraceDatFtraceFormats(TraceDatCursor& in, TraceMeta& meta) {
    uint32_t count = 0;
    if (Status st = in.u32(count, "ftrace format count"); !st) return st;
    if (Status st = checkCount(in, count, 8, "ftrace formats"); !st) return st;
    for (uint32_t i = 0; i < count; ++i) {
        if (Status st = readFormat(in, "ftrace", meta); !st) return st;
    }
    return {};
}

Status readTraceDatEventFormats(TraceDatCursor& in, TraceMeta& meta) {
    uint32_t systems = 0;
    if (Status st = in.u32(systems, "event system count"); !st) return st;
    if (Status st = checkCount(in, systems, 5, "event systems"); !st) return st;
    for (uint32_t s = 0; s < systems; ++s) {
        std::string system;
        if (Status st = in.cstring(system, kMaxSystemName, "event system name"); !st) return st;
        uint32_t count = 0;
        if (Status st = in.u32(count, "event count"); !st) return st;
        if (Status st = checkCount(in, count, 8, "event formats"); !st) return st;
        for (uint32_t i = 0; i < count; ++i) {
            if (Status st = readFormat(in, system, meta); !st) return st;
        }
    }
    return {};
}

}  // namespace kestrel
