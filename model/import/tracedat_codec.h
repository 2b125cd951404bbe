#pragma once
// Decompression of trace.dat v7 blocks: zstd frames written without a content size
// (trace-compress-zstd.c sets ZSTD_c_contentSizeFlag 0) and zlib streams written by
// compress2() (trace-compress-zlib.c). Errors carry no file context; callers wrap them
// with errorAt(). Thread-safe: each thread keeps its own zstd context.
#include <cstddef>
#include <cstdint>

#include "base/frame_index.h"
#include "base/status.h"

namespace kestrel {

// Decompresses a whole block into `out` (capacity `usize`); fails unless exactly
// `usize` bytes come out.
Status tracedatDecompress(Codec codec, const uint8_t* in, size_t csize, uint8_t* out, size_t usize);

// Streams just enough of a block (of `usize` bytes once whole) to fill `out` with its
// first `size` bytes.
Status tracedatPeek(Codec codec, const uint8_t* in, size_t csize, size_t usize, uint8_t* out,
                    size_t size);

// Fails unless `csize` compressed bytes can decompress to `usize` bytes: zstd's bound from
// the frame headers (ZSTD_decompressBound), deflate's 1032:1 for zlib. A size field above
// it is a lie, caught before anything that large is allocated.
Status tracedatCheckSize(Codec codec, const uint8_t* in, size_t csize, uint64_t usize);

const char* codecName(Codec codec);

}  // namespace kestrel
