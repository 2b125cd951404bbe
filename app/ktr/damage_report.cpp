#include "damage_report.h"

#include <cstdio>

namespace kestrel::cli {
namespace {

// Beyond this many lines, one more says how many were left out.
constexpr size_t kMaxLines = 20;

}  // namespace

int reportDamage(const TraceModel& model) {
    const std::string& path = model.source().path();
    std::vector<std::string> lines = model.source().warnings();
    uint64_t skipped = 0, unknown = 0;
    for (const Damage& d : model.damage()) {
        lines.push_back(model.describe(d));
        if (d.page != Damage::kWholeFrame || d.events == ~0ull) {
            ++unknown;
        } else {
            skipped += d.events;
        }
    }
    for (size_t i = 0; i < lines.size() && i < kMaxLines; ++i) {
        std::fprintf(stderr, "ktr: warning: %s: %s\n", path.c_str(), lines[i].c_str());
    }
    if (lines.size() > kMaxLines) {
        std::fprintf(stderr, "ktr: warning: %s: %zu more problems not shown\n", path.c_str(),
                     lines.size() - kMaxLines);
    }
    if (model.damaged()) {
        std::string what = std::to_string(skipped) + " events";
        if (unknown) what += " and " + std::to_string(unknown) + " pieces of unknown size";
        std::fprintf(stderr, "ktr: warning: %s: damaged data skipped: %s\n", path.c_str(),
                     what.c_str());
    }
    return lines.empty() ? 0 : kPartial;
}

}  // namespace kestrel::cli
