// ktr flame: function_graph calls, or stack samples, as folded stacks.
#include <algorithm>
#include <string>

#include "analysis/call_tree.h"
#include "analysis/folded_stacks.h"
#include "analysis/stack_samples.h"
#include "cli.h"
#include "damage_report.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "selection.h"

namespace kestrel::cli {

namespace {

// The folded lines of `file` under the selection of `args`; the exit code so far (kOk, or
// kPartial for damaged input), or the error's.
int foldFile(const std::string& file, const FlameArgs& args, std::vector<FoldedLine>& lines) {
    auto opened = TraceModel::open(file);
    if (!opened) return inputError(opened.message());
    const TraceModel& model = *opened.value();
    auto formats = EventFormats::create(model.meta());
    if (!formats) return inputError(file + ": " + formats.message());
    CallFilter filter;
    std::string error;
    if (!selectCalls(model, args.cpus, args.pids, args.from, args.to, filter, error)) {
        return inputError(file + ": " + error);
    }
    if (args.stacks) {
        auto samples = foldStackSamples(model, *formats.value(), filter);
        if (!samples) return inputError(samples.message());
        if (samples.value().samples == 0) {
            return inputError(file +
                              ": no kernel_stack or user_stack records (recorded with "
                              "-O stacktrace or -O func_stack_trace)");
        }
        lines = std::move(samples.value().lines);
    } else {
        auto trees = buildCallTrees(model, *formats.value());
        if (!trees) return inputError(trees.message());
        if (trees.value().records == 0) {
            return inputError(file +
                              ": no function_graph records (recorded with -p "
                              "function_graph)");
        }
        lines = foldedLines(aggregateCalls(trees.value(), filter), trees.value(), *formats.value());
    }
    return reportDamage(model);
}

void flushIfLarge(std::string& out) {
    if (out.size() < (1u << 20)) return;
    writeOut(out.data(), out.size());
    out.clear();
}

void printLines(const std::vector<FoldedLine>& lines) {
    std::string out;
    for (const FoldedLine& line : lines) {
        out += line.stack + ' ' + std::to_string(line.value) + '\n';
        flushIfLarge(out);
    }
    writeOut(out.data(), out.size());
}

// "stack BEFORE AFTER" for every stack of either (0 where one lacks it): the input of
// flamegraph.pl's and inferno's differential flame graphs. Both lists are sorted by stack.
void printDiff(const std::vector<FoldedLine>& before, const std::vector<FoldedLine>& after) {
    std::string out;
    size_t i = 0, j = 0;
    while (i < before.size() || j < after.size()) {
        bool takeBefore =
            j == after.size() || (i < before.size() && before[i].stack <= after[j].stack);
        bool takeAfter =
            i == before.size() || (j < after.size() && after[j].stack <= before[i].stack);
        const std::string& stack = takeBefore ? before[i].stack : after[j].stack;
        uint64_t a = takeBefore ? before[i++].value : 0;
        uint64_t b = takeAfter ? after[j++].value : 0;
        out += stack + ' ' + std::to_string(a) + ' ' + std::to_string(b) + '\n';
        flushIfLarge(out);
    }
    writeOut(out.data(), out.size());
}

}  // namespace

int cmdFlame(const FlameArgs& args) {
    std::vector<FoldedLine> lines, other;
    int code = foldFile(args.file, args, lines);
    if (code != kOk && code != kPartial) return code;
    if (args.diff.empty()) {
        printLines(lines);
        return code;
    }
    int second = foldFile(args.diff, args, other);
    if (second != kOk && second != kPartial) return second;
    printDiff(lines, other);
    return std::max(code, second);
}

}  // namespace kestrel::cli
