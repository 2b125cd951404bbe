// ktr: the Kestrel command line. Exit codes: cli.h (ExitCode).
// One CLI11 parser holds every subcommand, so help texts, usage errors and their exit
// code come from one place.
#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdint>
#include <cstdio>

#include "cli.h"
#include "option_values.h"
#include "record_args.h"

namespace kestrel::cli {
namespace {

const char kTraceFile[] = "a .ktr or a trace-cmd trace.dat (v6 or v7)";

// What the subcommands were given.
struct Commands {
    std::string infoFile;
    std::string statsFile;
    DumpArgs dump;
    ConvertArgs convert;
    FlameArgs flame;
    FunctionsArgs functions;
    LatencyArgs latency;
    RecordConfig record;
};

CLI::App* addFileCommand(CLI::App& app, const std::string& name, const std::string& help,
                         std::string& file) {
    CLI::App* sub = app.add_subcommand(name, help);
    sub->add_option("FILE", file, kTraceFile)->required()->type_name("");
    return sub;
}

// --from and --to, with the check that they are in order.
void addRange(CLI::App& sub, std::optional<TimeBound>& from, std::optional<TimeBound>& to) {
    valued(sub, "--from", "SEC", "first timestamp (as printed: 1403.839642)",
           [&from](const std::string& v) { from = timeBound("--from", v); });
    valued(sub, "--to", "SEC", "last timestamp, included",
           [&to](const std::string& v) { to = timeBound("--to", v); });
    sub.callback([&from, &to] {
        if (from && to && from->ns > to->ns) {
            throw CLI::ValidationError("--from " + from->text + " is later than --to " + to->text);
        }
    });
}

void addCpuAndPid(CLI::App& sub, std::vector<std::string>& cpus, std::vector<int32_t>& pids,
                  const std::string& pidHelp) {
    valued(sub, "--cpu", "N", "CPU N of every buffer, or BUFFER:N; repeats",
           [&cpus](const std::string& v) {
               checkCpuSpec("--cpu", v);
               cpus.push_back(v);
           });
    valued(sub, "--pid", "PID", pidHelp, [&pids](const std::string& v) {
        pids.push_back(static_cast<int32_t>(wholeNumber("--pid", v, 0, INT32_MAX, "a process id")));
    });
}

CLI::App* addDump(CLI::App& app, DumpArgs& a) {
    CLI::App* dump =
        app.add_subcommand("dump", "events as text, line for line like `trace-cmd report`");
    dump->add_option("FILE", a.file, kTraceFile)->required()->type_name("");
    addCpuAndPid(*dump, a.cpus, a.pids, "events of this task; repeats");
    valued(*dump, "--event", "SYS:NAME", "an event (SYS:NAME or NAME) or a system; repeats",
           [&a](const std::string& v) { a.events.push_back(v); });
    addRange(*dump, a.from, a.to);
    return dump;
}

CLI::App* addFlame(CLI::App& app, FlameArgs& a) {
    CLI::App* flame = app.add_subcommand(
        "flame", "function_graph calls as folded stacks (flamegraph.pl, inferno, speedscope)");
    flame->add_option("FILE", a.file, kTraceFile)->required()->type_name("");
    addCpuAndPid(*flame, a.cpus, a.pids, "calls of this task; repeats");
    addRange(*flame, a.from, a.to);
    flame->add_flag("--stacks", a.stacks,
                    "stack samples (kernel_stack, user_stack records) instead of calls");
    flame
        ->add_option("--diff", a.diff,
                     "a second trace: 'stack BEFORE AFTER' lines for a differential flame graph")
        ->type_name("FILE2");
    flame->footer(
        "One line per call path: frames joined by ';', then the nanoseconds spent in the last\n"
        "frame itself. A path's lines add up to the time of its first frame. --from/--to clip\n"
        "calls to the range; --cpu keeps the time of calls that returned on those CPUs.\n"
        "With --stacks: one line per distinct stack, outermost frame first, then how many\n"
        "stack records hold it (the stacktrace or func_stack_trace option writes them).\n"
        "With --diff FILE2: 'stack BEFORE AFTER', FILE's value then FILE2's (0 where one has\n"
        "no such stack), the same selection in both: flamegraph.pl and inferno-diff-folded\n"
        "draw it coloured by growth and shrink.");
    return flame;
}

CLI::App* addFunctions(CLI::App& app, FunctionsArgs& a) {
    CLI::App* fns = app.add_subcommand(
        "functions", "per function_graph function: calls, total, self, average, longest, p99");
    fns->add_option("FILE", a.file, kTraceFile)->required()->type_name("");
    addCpuAndPid(*fns, a.cpus, a.pids, "calls of this task; repeats");
    addRange(*fns, a.from, a.to);
    fns->add_option("--format", a.format, "text (default), csv or json")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"text", "csv", "json"}));
    fns->add_option("--sort", a.sort, "calls, total (default), self, average, longest, p99 or name")
        ->type_name("KEY")
        ->check(CLI::IsMember({"calls", "total", "self", "average", "longest", "p99", "name"}));
    fns->footer(
        "Calls the kernel measured (those with an exit record) that began in --from/--to,\n"
        "returned on a --cpu, of a --pid. Times in microseconds as text, nanoseconds in csv\n"
        "and json. A recursive function's nested calls count again in its total.");
    return fns;
}

CLI::App* addLatency(CLI::App& app, LatencyArgs& a) {
    CLI::App* lat = app.add_subcommand(
        "latency",
        "latencies (wakeup, irq, softirq, syscall, function...): percentiles, histogram");
    lat->add_option("FILE", a.file, kTraceFile)->required()->type_name("");
    lat->add_option("--kind", a.kind, "what is measured (docs/latency.md)")
        ->type_name("KIND")
        ->required()
        ->check(CLI::IsMember({"wakeup", "irq", "softirq", "softirq-raise", "syscall", "function",
                               "kprobe", "marker", "pair"}));
    lat->add_option("--start", a.start, "pair: the start event (SYS:NAME or NAME)")
        ->type_name("EV");
    lat->add_option("--end", a.end, "pair: the end event (SYS:NAME or NAME)")->type_name("EV");
    valued(*lat, "--match", "A=B", "pair: start field A equals end field B; repeats",
           [&a](const std::string& v) {
               const size_t eq = v.find('=');
               if (eq == 0 || eq == std::string::npos || eq + 1 == v.size()) {
                   throw CLI::ValidationError("--match " + v + ": expected START_FIELD=END_FIELD");
               }
               a.match.push_back(v);
           });
    lat->add_option("--start-filter", a.startFilter,
                    "pair: only start events this filter passes ('pid > 100')")
        ->type_name("FILTER");
    lat->add_option("--end-filter", a.endFilter, "pair: only end events this filter passes")
        ->type_name("FILTER");
    lat->add_option("--by", a.by, "a row per task, cpu, irq, syscall or key (vector, function...)")
        ->type_name("WHAT")
        ->check(CLI::IsMember({"task", "cpu", "irq", "syscall", "key"}));
    addCpuAndPid(*lat, a.cpus, a.pids, "instances of this task; repeats");
    addRange(*lat, a.from, a.to);
    lat->add_option("--format", a.format, "text (default), csv or json")
        ->type_name("FORMAT")
        ->check(CLI::IsMember({"text", "csv", "json"}));
    lat->add_option("--compare", a.compare, "a second trace: both files' percentiles side by side")
        ->type_name("FILE2");
    lat->footer(
        "wakeup: sched_waking (or sched_wakeup) to the sched_switch that runs the task. irq:\n"
        "irq_handler_entry to exit. softirq: softirq_entry to exit; softirq-raise: raise to\n"
        "entry. syscall: sys_enter to sys_exit of a task. function: function_graph calls.\n"
        "kprobe: a kprobe to its kretprobe. marker: trace_marker 'NAME begin' to 'NAME end'\n"
        "and 'B|pid|NAME' to 'E|pid'. pair: --start to --end.\n"
        "text: count, min, p50, p90, p99, p99.9 and max in microseconds (nearest rank), a row\n"
        "per --by group, and a histogram of power-of-two buckets in nanoseconds. csv and json:\n"
        "every instance, its start and end event (CPU, time in ns) and latency in ns.\n"
        "Instances start in --from/--to, are of a --pid (wakeup: the woken task; irq, softirq:\n"
        "the interrupted one) and end on a --cpu. --kind pair needs --start and --end; without\n"
        "--match, start and end are events of one task. docs/latency.md has the rules.");
    return lat;
}

// What CLI11 cannot check alone: options that belong together.
std::string latencyUsage(const LatencyArgs& a) {
    const bool pair = a.kind == "pair";
    if (pair && (a.start.empty() || a.end.empty())) return "--kind pair needs --start and --end";
    if (!pair && (!a.start.empty() || !a.end.empty() || !a.match.empty() ||
                  !a.startFilter.empty() || !a.endFilter.empty())) {
        return "--start, --end, --match and the filters are for --kind pair";
    }
    if (a.by == "irq" && a.kind != "irq") return "--by irq is for --kind irq";
    if (a.by == "syscall" && a.kind != "syscall") return "--by syscall is for --kind syscall";
    if (a.by == "key" && a.kind == "wakeup") return "--by key: wakeups have no key (task, cpu)";
    if (!a.compare.empty() && a.format != "text") return "--compare prints text only";
    return "";
}

CLI::App* addConvert(CLI::App& app, ConvertArgs& a) {
    CLI::App* convert = app.add_subcommand("convert", "write a trace.dat (or .ktr) as .ktr");
    convert->add_option("IN", a.in, kTraceFile)->required()->type_name("");
    convert->add_option("OUT", a.out, "the .ktr to write")->required()->type_name("");
    convert->footer(
        "OUT is written to a temporary file beside it and renamed over it once complete: on\n"
        "failure OUT is left as it was. An existing OUT must be a regular file (replaced) or a\n"
        "symlink (the file it names is replaced, the link stays); a directory, device, FIFO or\n"
        "socket is refused, and so is OUT when it is IN under any name.");
    return convert;
}

// Usage errors are one line naming the problem; --help prints the help of the
// subcommand it follows.
int parseError(const CLI::App& app, const CLI::ParseError& e) {
    if (e.get_exit_code() == static_cast<int>(CLI::ExitCodes::Success)) {
        std::fputs(app.help().c_str(), stdout);
        return kOk;
    }
    std::string who = "ktr";
    for (const CLI::App* sub : app.get_subcommands()) who += " " + sub->get_name();
    std::fprintf(stderr, "%s: %s\nRun with --help for more information.\n", who.c_str(), e.what());
    return kUsage;
}

// CLI11 would say "A subcommand is required" of `ktr frob`.
bool unknownCommand(const std::vector<std::string>& args, const std::vector<CLI::App*>& known) {
    if (args.empty() || args[0].rfind('-', 0) == 0) return false;
    if (std::any_of(known.begin(), known.end(),
                    [&](const CLI::App* sub) { return sub->check_name(args[0]); })) {
        return false;
    }
    std::fprintf(stderr, "ktr: unknown command '%s'\nRun with --help for more information.\n",
                 args[0].c_str());
    return true;
}

int run(int argc, char** argv) {
    CLI::App app("Kestrel's command line for Linux ftrace traces (.ktr and trace-cmd trace.dat).",
                 "ktr");
    app.require_subcommand(1);
    Commands c;
    CLI::App* info = addFileCommand(
        app, "info",
        "format, kernel, clock, CPUs, buffers, time range, events and lost events per CPU",
        c.infoFile);
    CLI::App* dump = addDump(app, c.dump);
    CLI::App* stats = addFileCommand(
        app, "stats", "counts per event type, task and CPU (a parallel full scan)", c.statsFile);
    CLI::App* convert = addConvert(app, c.convert);
    CLI::App* flame = addFlame(app, c.flame);
    CLI::App* functions = addFunctions(app, c.functions);
    CLI::App* latency = addLatency(app, c.latency);
    CLI::App* record = app.add_subcommand(
        "record", "record kernel events into a .ktr, in a tracefs instance of its own (root)");
    addRecordOptions(*record, c.record);
    app.footer(
        "Exit codes: 0 ok, 1 bad input, 2 usage, 3 damaged input (what could be read was, and\n"
        "stderr says what was skipped). `ktr COMMAND --help` lists a command's options.");

    std::vector<std::string> args(argv + 1, argv + argc);
    if (!args.empty() && args[0] == "help") args[0] = "--help";  // `ktr help`, as it always was
    if (unknownCommand(args, {info, dump, stats, convert, flame, functions, latency, record}))
        return kUsage;
    std::reverse(args.begin(), args.end());  // CLI11 takes them from the back
    try {
        app.parse(args);
    } catch (const CLI::ParseError& e) {
        return parseError(app, e);
    }
    if (info->parsed()) return cmdInfo(c.infoFile);
    if (dump->parsed()) return cmdDump(c.dump);
    if (stats->parsed()) return cmdStats(c.statsFile);
    if (convert->parsed()) return cmdConvert(c.convert);
    if (flame->parsed()) return cmdFlame(c.flame);
    if (functions->parsed()) return cmdFunctions(c.functions);
    if (latency->parsed()) {
        if (std::string usage = latencyUsage(c.latency); !usage.empty()) {
            std::fprintf(stderr, "ktr latency: %s\nRun with --help for more information.\n",
                         usage.c_str());
            return kUsage;
        }
        return cmdLatency(c.latency);
    }
    if (c.record.listPresets) {
        std::fputs(presetList().c_str(), stdout);
        return kOk;
    }
    return cmdRecord(c.record);  // require_subcommand(1): it is the one left
}

}  // namespace
}  // namespace kestrel::cli

int main(int argc, char** argv) {
    return kestrel::cli::finishOutput(kestrel::cli::run(argc, argv));
}
