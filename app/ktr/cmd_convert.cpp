#include <cstdio>

#include "base/output_file.h"
#include "cli.h"
#include "damage_report.h"
#include "decode/trace_model.h"
#include "ktr/ktr_convert.h"

namespace kestrel::cli {

int cmdConvert(const ConvertArgs& args) {
    auto model = TraceModel::open(args.in);
    if (!model) return inputError(model.message());
    // Replacing the input while reading it would lose it (./in, a hard link, a symlink).
    if (OutputFile::sameFile(args.in, args.out)) return inputError(args.out + " is the input file");
    // On failure convertToKtr has removed its temporary file and left args.out untouched.
    auto stats = convertToKtr(model.value()->source(), args.out);
    if (!stats) return inputError(stats.message());
    std::fprintf(stderr, "ktr: wrote %s: %llu pages in %llu frames, %s (from %s)\n",
                 args.out.c_str(), static_cast<unsigned long long>(stats.value().pages),
                 static_cast<unsigned long long>(stats.value().frames),
                 formatBytes(stats.value().bytesWritten).c_str(),
                 formatBytes(model.value()->source().fileSize()).c_str());
    std::vector<std::string> problems = model.value()->source().warnings();
    for (const std::string& s : stats.value().skipped) problems.push_back(s);
    return reportProblems(args.in, problems);
}

}  // namespace kestrel::cli
