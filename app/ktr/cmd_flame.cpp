// ktr flame: function_graph calls as folded stacks.
#include <string>

#include "analysis/call_tree.h"
#include "analysis/folded_stacks.h"
#include "cli.h"
#include "damage_report.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "selection.h"

namespace kestrel::cli {

int cmdFlame(const FlameArgs& args) {
    auto opened = TraceModel::open(args.file);
    if (!opened) return inputError(opened.message());
    const TraceModel& model = *opened.value();
    auto formats = EventFormats::create(model.meta());
    if (!formats) return inputError(args.file + ": " + formats.message());
    CallFilter filter;
    filter.pids = args.pids;
    printedRange(args.from, args.to, filter.from, filter.to);
    std::string error;
    if (!selectCpus(model, args.cpus, filter.cpus, error)) {
        return inputError(args.file + ": " + error);
    }
    auto trees = buildCallTrees(model, *formats.value());
    if (!trees) return inputError(trees.message());
    CallPathTree paths = aggregateCalls(trees.value(), filter);
    std::string out;
    for (const FoldedLine& line : foldedLines(paths, trees.value(), *formats.value())) {
        out += line.stack;
        out += ' ';
        out += std::to_string(line.value);
        out += '\n';
        if (out.size() > (1u << 20)) {
            writeOut(out.data(), out.size());
            out.clear();
        }
    }
    writeOut(out.data(), out.size());
    return reportDamage(model);
}

}  // namespace kestrel::cli
