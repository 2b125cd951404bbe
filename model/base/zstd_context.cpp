// ZSTD_decompressBound is in zstd's "experimental" section, exported by libzstd 1.5.
#define ZSTD_STATIC_LINKING_ONLY
#include "base/zstd_context.h"

#include <memory>

namespace kestrel {
namespace {

struct Free {
    void operator()(ZSTD_DCtx* c) const { ZSTD_freeDCtx(c); }
    void operator()(ZSTD_CCtx* c) const { ZSTD_freeCCtx(c); }
};

}  // namespace

ZSTD_DCtx* threadDecompressionContext() {
    thread_local std::unique_ptr<ZSTD_DCtx, Free> ctx(ZSTD_createDCtx());
    if (ctx) ZSTD_DCtx_reset(ctx.get(), ZSTD_reset_session_and_parameters);
    return ctx.get();
}

uint64_t zstdMaxOutput(const void* in, size_t size) {
    unsigned long long bound = ZSTD_decompressBound(in, size);
    return bound == ZSTD_CONTENTSIZE_ERROR ? 0 : bound;
}

ZSTD_CCtx* threadCompressionContext() {
    thread_local std::unique_ptr<ZSTD_CCtx, Free> ctx(ZSTD_createCCtx());
    if (ctx) ZSTD_CCtx_reset(ctx.get(), ZSTD_reset_session_and_parameters);
    return ctx.get();
}

}  // namespace kestrel
