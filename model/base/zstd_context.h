#pragma once
// One zstd context of each kind per thread, reset before it is handed out. Frames are
// read and compressed on many threads at once; a context per call would pay for its
// allocation and tables every frame. The .ktr reader and writer and the trace.dat
// importer all take theirs from here.
#include <zstd.h>

#include <cstddef>
#include <cstdint>

namespace kestrel {

// Null only when zstd cannot allocate a context.
ZSTD_DCtx* threadDecompressionContext();
ZSTD_CCtx* threadCompressionContext();

// The most bytes `size` bytes of zstd frames can decompress to, from their frame and
// block headers (ZSTD_decompressBound); 0 when they are not zstd frames.
uint64_t zstdMaxOutput(const void* in, size_t size);

}  // namespace kestrel
