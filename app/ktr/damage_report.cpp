#include "damage_report.h"

#include <cstdio>
#include <string_view>

#include "cli.h"

namespace kestrel::cli {
namespace {

// Beyond this many lines, one more says how many were left out.
constexpr size_t kMaxLines = 20;

}  // namespace

int reportProblems(const std::string& file, const std::vector<std::string>& lines) {
    const std::string prefix = file + ": ";
    for (size_t i = 0; i < lines.size() && i < kMaxLines; ++i) {
        // Readers' messages name the file already ("FILE: offset N: ...").
        std::string_view line = lines[i];
        if (line.substr(0, prefix.size()) == prefix) line.remove_prefix(prefix.size());
        std::fprintf(stderr, "ktr: warning: %s%.*s\n", prefix.c_str(),
                     static_cast<int>(line.size()), line.data());
    }
    if (lines.size() > kMaxLines) {
        std::fprintf(stderr, "ktr: warning: %s: %zu more problems not shown\n", file.c_str(),
                     lines.size() - kMaxLines);
    }
    return lines.empty() ? kOk : kPartial;
}

int reportDamage(const TraceModel& model) {
    std::vector<std::string> lines = model.source().warnings();
    uint64_t events = 0, pieces = 0;
    for (const Damage& d : model.damage()) {
        lines.push_back(model.describe(d));
        if (d.page == Damage::kWholeFrame && d.events != ~0ull) {
            events += d.events;
        } else {
            ++pieces;
        }
    }
    if (model.damaged()) {
        std::string total = "in all, skipped " + std::to_string(events) + " events";
        if (pieces) total += " and " + std::to_string(pieces) + " frames or pages of unknown count";
        lines.push_back(total);
    }
    return reportProblems(model.source().path(), lines);
}

}  // namespace kestrel::cli
