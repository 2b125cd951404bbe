#pragma once
// One zstd context of each kind per thread, reset before it is handed out. Frames are
// read and compressed on many threads at once; a context per call would pay for its
// allocation and tables every frame. The .ktr reader and writer and the trace.dat
// importer all take theirs from here.
#include <zstd.h>

namespace kestrel {

// Null only when zstd cannot allocate a context.
ZSTD_DCtx* threadDecompressionContext();
ZSTD_CCtx* threadCompressionContext();

}  // namespace kestrel
