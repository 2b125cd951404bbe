#include "import/tracedat_codec.h"

#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <climits>
#include <memory>
#include <string>
#include <vector>

#include "base/zstd_context.h"

namespace kestrel {
namespace {

// Streaming decompression keeps a window; a corrupt frame header could ask for up to
// 2^27 bytes (zstd's default limit). trace-cmd's chunks are 10 pages, so 16 MiB is far
// above need; a frame that really wants more falls back to one-shot decompression,
// which writes straight into the caller's bounded buffer and needs no window.
constexpr int kPeekWindowLogMax = 24;

std::string sizeMismatch(size_t produced, size_t usize) {
    return "decompressed to " + std::to_string(produced) + " bytes, expected " +
           std::to_string(usize);
}

Status zstdWhole(const uint8_t* in, size_t csize, uint8_t* out, size_t usize) {
    ZSTD_DCtx* ctx = threadDecompressionContext();
    if (!ctx) return Status::error("zstd: cannot create a decompression context");
    size_t produced = ZSTD_decompressDCtx(ctx, out, usize, in, csize);
    if (ZSTD_isError(produced)) {
        if (ZSTD_getErrorCode(produced) == ZSTD_error_dstSize_tooSmall) {
            return Status::error("zstd: decompresses to more than the stated " +
                                 std::to_string(usize) + " bytes");
        }
        return Status::error(std::string("zstd: ") + ZSTD_getErrorName(produced));
    }
    if (produced != usize) return Status::error("zstd: " + sizeMismatch(produced, usize));
    return {};
}

Status zlibStream(const uint8_t* in, size_t csize, uint8_t* out, size_t size, bool whole) {
    if (csize > UINT_MAX || size > UINT_MAX) return Status::error("zlib: block too large");
    z_stream zs{};
    if (inflateInit(&zs) != Z_OK) return Status::error("zlib: cannot initialise inflate");
    zs.next_in = const_cast<Bytef*>(in);
    zs.avail_in = static_cast<uInt>(csize);
    zs.next_out = out;
    zs.avail_out = static_cast<uInt>(size);
    int ret = Z_OK;
    while (ret == Z_OK && zs.avail_out > 0) ret = inflate(&zs, Z_NO_FLUSH);
    size_t produced = size - zs.avail_out;
    // A whole block must end exactly here: probe for extra output with one more byte.
    bool extra = false;
    uint8_t probe = 0;
    while (whole && ret == Z_OK && !extra) {  // each Z_OK made progress, so this ends
        zs.next_out = &probe;
        zs.avail_out = 1;
        ret = inflate(&zs, Z_NO_FLUSH);
        extra = zs.avail_out == 0;
    }
    std::string message = zs.msg               ? zs.msg
                          : ret == Z_BUF_ERROR ? "stream truncated"
                                               : "error " + std::to_string(ret);
    inflateEnd(&zs);
    bool ok = whole ? ret == Z_STREAM_END || extra
                    : ret == Z_OK || ret == Z_STREAM_END || ret == Z_BUF_ERROR;
    if (!ok) {
        return Status::error("zlib: " + message);
    }
    if (extra) {
        return Status::error("zlib: decompresses to more than the stated " + std::to_string(size) +
                             " bytes");
    }
    if (produced != size) return Status::error("zlib: " + sizeMismatch(produced, size));
    return {};
}

Status zstdPeek(const uint8_t* in, size_t csize, size_t usize, uint8_t* out, size_t size) {
    ZSTD_DCtx* ctx = threadDecompressionContext();
    if (!ctx) return Status::error("zstd: cannot create a decompression context");
    ZSTD_DCtx_setParameter(ctx, ZSTD_d_windowLogMax, kPeekWindowLogMax);
    ZSTD_inBuffer input{in, csize, 0};
    ZSTD_outBuffer output{out, size, 0};
    while (output.pos < size) {
        size_t ret = ZSTD_decompressStream(ctx, &output, &input);
        if (ZSTD_isError(ret)) {
            if (ZSTD_getErrorCode(ret) == ZSTD_error_frameParameter_windowTooLarge) {
                std::vector<uint8_t> whole(usize);  // usize is bounded by the caller
                if (Status st = zstdWhole(in, csize, whole.data(), usize); !st) return st;
                std::copy_n(whole.begin(), size, out);
                return {};
            }
            return Status::error(std::string("zstd: ") + ZSTD_getErrorName(ret));
        }
        if (ret == 0 || input.pos == input.size) break;  // frame or input finished
    }
    if (output.pos < size) {
        return Status::error("zstd: block ends after " + std::to_string(output.pos) +
                             " bytes, expected at least " + std::to_string(size));
    }
    return {};
}

}  // namespace

Status tracedatCheckSize(Codec codec, const uint8_t* in, size_t csize, uint64_t usize) {
    uint64_t most = csize;
    if (codec == Codec::Zstd) {
        most = zstdMaxOutput(in, csize);
        if (most == 0) return Status::error("zstd: not a zstd frame");
    } else if (codec == Codec::Zlib) {
        // zlib's deflate tech notes: at most 1032:1, plus the stream's own header bytes.
        most = uint64_t{csize} * 1032 + 64;
    }
    if (usize <= most) return {};
    return Status::error(std::string(codecName(codec)) + ": claims " + std::to_string(usize) +
                         " bytes, but " + std::to_string(csize) +
                         " compressed bytes hold at most " + std::to_string(most));
}

const char* codecName(Codec codec) {
    switch (codec) {
        case Codec::Zstd:
            return "zstd";
        case Codec::Zlib:
            return "zlib";
        case Codec::None:
            break;
    }
    return "none";
}

Status tracedatDecompress(Codec codec, const uint8_t* in, size_t csize, uint8_t* out,
                          size_t usize) {
    switch (codec) {
        case Codec::Zstd:
            return zstdWhole(in, csize, out, usize);
        case Codec::Zlib:
            return zlibStream(in, csize, out, usize, true);
        case Codec::None:
            break;
    }
    if (csize != usize) return Status::error(sizeMismatch(csize, usize));
    std::copy_n(in, usize, out);
    return {};
}

Status tracedatPeek(Codec codec, const uint8_t* in, size_t csize, size_t usize, uint8_t* out,
                    size_t size) {
    if (size > usize) {
        return Status::error("block of " + std::to_string(usize) + " bytes is shorter than " +
                             std::to_string(size));
    }
    switch (codec) {
        case Codec::Zstd:
            return zstdPeek(in, csize, usize, out, size);
        case Codec::Zlib:
            return zlibStream(in, csize, out, size, false);
        case Codec::None:
            break;
    }
    if (size > csize) return Status::error("block shorter than " + std::to_string(size) + " bytes");
    std::copy_n(in, size, out);
    return {};
}

}  // namespace kestrel
