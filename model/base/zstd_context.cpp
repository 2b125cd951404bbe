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

ZSTD_CCtx* threadCompressionContext() {
    thread_local std::unique_ptr<ZSTD_CCtx, Free> ctx(ZSTD_createCCtx());
    if (ctx) ZSTD_CCtx_reset(ctx.get(), ZSTD_reset_session_and_parameters);
    return ctx.get();
}

}  // namespace kestrel
