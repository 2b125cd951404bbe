#include <cstdio>

#include "cli.h"
#include "decode/trace_model.h"
#include "ktr/ktr_convert.h"

namespace kestrel::cli {

int cmdConvert(const Args& args) {
    if (args.positional.size() != 2) return usageError("usage: ktr convert IN OUT.ktr");
    auto model = TraceModel::open(args.positional[0]);
    if (!model) return inputError(model.message());
    auto stats = convertToKtr(model.value()->source(), args.positional[1]);
    if (!stats) {
        std::remove(args.positional[1].c_str());  // never leave a half-written file behind
        return inputError(stats.message());
    }
    std::fprintf(stderr, "ktr: wrote %s: %llu pages in %llu frames, %s (from %s)\n",
                 args.positional[1].c_str(), static_cast<unsigned long long>(stats.value().pages),
                 static_cast<unsigned long long>(stats.value().frames),
                 formatBytes(stats.value().bytesWritten).c_str(),
                 formatBytes(model.value()->source().fileSize()).c_str());
    return kOk;
}

}  // namespace kestrel::cli
