#include "record_args.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cstdlib>
#include <memory>

#include "option_values.h"

namespace kestrel::cli {
namespace {

[[noreturn]] void badValue(const std::string& option, const std::string& value,
                           const std::string& expected) {
    throw CLI::ValidationError(option, "expected " + expected + ", got '" + value + "'");
}

void addEventOptions(CLI::App& app, RecordConfig& c) {
    app.option_defaults()->group("What to record");
    valued(app, "-e,--event", "SPEC",
           "events: SYSTEM, SYSTEM:NAME, NAME or a glob ('irq:*'); repeats",
           [&c](const std::string& v) {
               c.events.push_back({v, ""});
           });
    valued(app, "-f,--filter", "EXPR",
           "filter for the events of the preceding -e (events/SYS/NAME/filter syntax)",
           [&c](const std::string& v) {
               if (c.events.empty()) throw CLI::ValidationError("--filter", "needs a preceding -e");
               c.events.back().filter = v;
           });
    valued(app, "--kprobe", "DEF", "kprobe_events line, e.g. 'p:myprobe do_sys_open'; repeats",
           [&c](const std::string& v) { c.kprobes.push_back(v); });
    valued(app, "--uprobe", "DEF", "uprobe_events line ('p:NAME /PATH:OFFSET'); repeats",
           [&c](const std::string& v) { c.uprobes.push_back(v); });
}

void addTracerOptions(CLI::App& app, RecordConfig& c) {
    app.option_defaults()->group("Tracer");
    valued(app, "-p,--tracer", "NAME",
           "tracer from available_tracers (function, function_graph, ...)",
           [&c](const std::string& v) { c.tracer = v; });
    valued(app, "-l,--ftrace-filter", "F", "set_ftrace_filter entry; repeats",
           [&c](const std::string& v) { c.ftraceFilter.push_back(v); });
    valued(app, "-n,--ftrace-notrace", "F", "set_ftrace_notrace entry; repeats",
           [&c](const std::string& v) { c.ftraceNotrace.push_back(v); });
    valued(app, "-g,--graph-function", "F", "set_graph_function entry; repeats",
           [&c](const std::string& v) { c.graphFunction.push_back(v); });
    valued(app, "--graph-notrace", "F", "set_graph_notrace entry; repeats",
           [&c](const std::string& v) { c.graphNotrace.push_back(v); });
    valued(app, "--max-graph-depth", "N", "max_graph_depth", [&c](const std::string& v) {
        c.maxGraphDepth =
            static_cast<int>(wholeNumber("--max-graph-depth", v, 0, 1 << 20, "a depth"));
    });
    valued(app, "-O,--option", "NAME",
           "trace option (stacktrace, func_stack_trace, record-tgid, noNAME to clear); repeats",
           [&c](const std::string& v) { c.options.push_back(v); });
}

void addScopeOptions(CLI::App& app, RecordConfig& c) {
    app.option_defaults()->group("Where");
    valued(
        app, "-P,--pid", "PID", "only these pids (set_event_pid, set_ftrace_pid); repeats",
        [&c](const std::string& v) {
            c.pids.push_back(static_cast<int>(wholeNumber("--pid", v, 1, 1 << 30, "a process id")));
        });
    app.add_flag_callback(
        "--no-follow-fork", [&c] { c.followFork = false; },
        "do not add the children of traced pids");
    valued(app, "-M,--cpumask", "HEX", "tracing_cpumask", [&c](const std::string& v) {
        if (v.empty() || v.find_first_not_of("0123456789abcdefABCDEF,") != std::string::npos)
            badValue("--cpumask", v, "a hex mask such as 3");
        c.cpumask = v;
    });
    valued(app, "-b,--buffer-kb", "KB", "ring buffer size per CPU", [&c](const std::string& v) {
        c.bufferKb =
            static_cast<uint32_t>(wholeNumber("--buffer-kb", v, 1, 64ll << 20, "KB per CPU"));
    });
    valued(app, "-C,--clock", "CLOCK", "trace clock (local, global, mono, ...)",
           [&c](const std::string& v) { c.clock = v; });
    app.add_flag_callback(
        "--strict", [&c] { c.strict = true; },
        "fail if the kernel refuses any item (default: report it, go on)");
    // Checked here, not with CLI11's excludes(), which prints "Excludes: ..." in the
    // option column of --help.
    auto place = [&c](RecordConfig::Placement p, const char* other) {
        if (c.placement != RecordConfig::Placement::Auto && c.placement != p) {
            throw CLI::ValidationError("--top and --instance", std::string("cannot go together (") +
                                                                   other + " was given too)");
        }
        c.placement = p;
    };
    app.add_flag_callback(
        "--top", [place] { place(RecordConfig::Placement::TopLevel, "--instance"); },
        "record in the top-level buffer (default: an instance of its own, unless the kernel "
        "allows a requested tracer item only at the top level)");
    app.add_flag_callback(
        "--instance", [place] { place(RecordConfig::Placement::Instance, "--top"); },
        "record in an instance of its own, even when the kernel refuses a tracer item there");
    app.add_flag_callback(
        "--force", [&c] { c.force = true; },
        "record at the top level even when something else uses it (its settings are put back)");
    app.add_flag_callback(
        "--trace-self", [&c] { c.traceSelf = true; },
        "keep the recorder's own threads in the trace (default: excluded where the kernel can)");
    app.add_flag_callback(
        "--probe", [&c] { c.probeOnly = true; },
        "print what this kernel allows a recording, in an instance and at the top level, found "
        "by trying each item; record nothing");
}

void addRunOptions(CLI::App& app, RecordConfig& c) {
    app.option_defaults()->group("How long, and the output");
    valued(app, "-d,--duration", "SEC", "stop after SEC seconds (default: command exit or Ctrl-C)",
           [&c](const std::string& v) {
               char* end = nullptr;
               double d = std::strtod(v.c_str(), &end);
               if (v.empty() || *end != '\0' || !(d > 0) || d > 1e7)
                   badValue("--duration", v, "seconds > 0");
               c.durationSec = d;
           });
    app.add_flag_callback(
        "--pid-only", [&c] { c.pidOnly = true; }, "trace only COMMAND and its children");
    valued(app, "-o,--output", "FILE", "output .ktr (default trace.ktr)",
           [&c](const std::string& v) {
               if (v.empty()) badValue("--output", v, "a file name");
               c.output = v;
           });
    valued(app, "--level", "N",
           "zstd level of pages and metadata (default 3; 19 for the smallest file, much more CPU)",
           [&c](const std::string& v) {
               c.zstdLevel = static_cast<int>(wholeNumber("--level", v, 1, 22, "a zstd level"));
           });
    valued(app, "--frame-pages", "N", "ring-buffer pages per .ktr frame (default 256)",
           [&c](const std::string& v) {
               c.pagesPerFrame =
                   static_cast<uint32_t>(wholeNumber("--frame-pages", v, 1, 4096, "a page count"));
           });
    app.add_flag_callback(
        "-q,--quiet", [&c] { c.quiet = true; }, "no progress line");
    valued(app, "--status-interval", "MS",
           "milliseconds between live figures (default 1000; the progress line and --status-fd)",
           [&c](const std::string& v) {
               c.statusIntervalMs =
                   static_cast<int>(wholeNumber("--status-interval", v, 50, 60000, "50 to 60000"));
           });
    valued(app, "--flush-interval", "MS",
           "longest time recorded pages wait before they are written (default 1000; less for "
           "a viewer following the file as it grows)",
           [&c](const std::string& v) {
               c.flushIntervalMs =
                   static_cast<int>(wholeNumber("--flush-interval", v, 50, 60000, "50 to 60000"));
           });
    app.add_flag_callback(
        "--stop-on-stdin-eof", [&c] { c.stopOnStdinEof = true; },
        "stop as Ctrl-C does when standard input closes (for a program that runs ktr through "
        "pkexec and cannot signal it); the command's input is /dev/null");
    valued(app, "--status-fd", "N",
           "write the live figures to descriptor N, one `ktr-status` line per update; with 1, "
           "the command's output goes to stderr",
           [&c](const std::string& v) {
               c.statusFd =
                   static_cast<int>(wholeNumber("--status-fd", v, 1, 1023, "a descriptor"));
           });
}

// The options and the command, without presets and the whole-line checks: what a preset
// line may hold.
void addPlainOptions(CLI::App& record, RecordConfig& config) {
    addEventOptions(record, config);
    addTracerOptions(record, config);
    addScopeOptions(record, config);
    addRunOptions(record, config);
    record.add_option("COMMAND", config.command, "command to run and trace, with its arguments")
        ->allow_extra_args()
        ->type_name("")
        ->group("Positionals");
    // The first word that is not an option starts the command: the rest is its own.
    record.positionals_at_end();
}

// What the presets used on the line ask for; a pid asked for is also given by a command,
// which is then traced alone.
void checkAsks(const std::vector<PresetAsk>& asks, RecordConfig& c) {
    std::vector<std::string> missing = missingAsks(asks, c);
    if (!missing.empty()) {
        std::string list;
        for (const std::string& m : missing) list += (list.empty() ? "" : ", ") + m;
        throw CLI::ValidationError("the preset asks for " + list);
    }
    for (const PresetAsk& a : asks) {
        if (a.option == "-P" && c.pids.empty() && !c.command.empty()) c.pidOnly = true;
    }
}

void addPresetOptions(CLI::App& app, RecordConfig& c,
                      const std::shared_ptr<std::vector<PresetAsk>>& asks) {
    app.option_defaults()->group("Presets");
    valued(app, "--preset", "NAME",
           "start from a preset (--list-presets); later options add to or override it",
           [&c, asks](const std::string& name) {
               std::optional<Preset> preset = findPreset(name);
               if (!preset) {
                   throw CLI::ValidationError(
                       "--preset", "no preset '" + name + "' (--list-presets lists them)");
               }
               if (Status st = applyPreset(*preset, c); !st)
                   throw CLI::ValidationError("--preset", st.message());
               for (const PresetAsk& a : presetAsks(*preset)) asks->push_back(a);
           });
    app.add_flag_callback(
        "--list-presets", [&c] { c.listPresets = true; },
        "list the presets, built-in and the user's, and record nothing");
}

// What no single option can check.
void checkWhole(const CLI::App& app, const RecordConfig& c) {
    if (c.probeOnly || c.listPresets) return;  // records nothing: needs nothing else
    std::vector<std::string> rest = app.remaining();
    if (c.command.empty() && std::find(rest.begin(), rest.end(), "--") != rest.end())
        throw CLI::ValidationError("'--' must be followed by a command");
    if (c.events.empty() && c.tracer.empty() && c.kprobes.empty() && c.uprobes.empty()) {
        throw CLI::ValidationError(
            "nothing to record: give events (-e sched) or a tracer (-p NAME)");
    }
    if (c.pidOnly && c.command.empty())
        throw CLI::ValidationError("--pid-only needs a command after --");
}

}  // namespace

void addRecordOptions(CLI::App& record, RecordConfig& config) {
    auto asks = std::make_shared<std::vector<PresetAsk>>();
    addPresetOptions(record, config, asks);
    addPlainOptions(record, config);
    record.callback([&record, &config, asks] {
        checkWhole(record, config);
        if (!config.listPresets) checkAsks(*asks, config);
    });
    record.footer(
        "With a COMMAND, ktr record checks it can be run before anything else (exit 127: not\n"
        "found, 126: not executable, output untouched), records until it exits, says how it\n"
        "ended when it failed, and exits with its status (128+N when killed by signal N).\n"
        "When -d or Ctrl-C ends the recording first, the command gets SIGTERM (SIGKILL 2 s\n"
        "later) and the exit is 0. Exit 1 when recording itself fails, 2 on a usage error.\n"
        "Two recordings cannot share an output: the second fails naming the first's pid.");
}

Status applyPreset(const Preset& preset, RecordConfig& config) {
    auto lines = presetLines(preset);
    if (!lines) return Status::error(lines.message());
    for (const PresetLine& line : *lines) {
        CLI::App app("preset", "preset");
        addPlainOptions(app, config);
        std::vector<std::string> reversed(line.words.rbegin(), line.words.rend());
        try {
            app.parse(reversed);
        } catch (const CLI::ParseError& e) {
            return Status::error(preset.source + ":" + std::to_string(line.number) + ": " +
                                 e.what());
        }
    }
    return {};
}

Result<RecordConfig> presetConfig(const Preset& preset) {
    RecordConfig config;
    if (Status st = applyPreset(preset, config); !st) return Status::error(st.message());
    return config;
}

std::string presetList() {
    std::vector<Preset> presets = allPresets();
    size_t width = 8;
    for (const Preset& p : presets) width = std::max(width, p.name.size() + 2);
    std::string out;
    for (const Preset& p : presets) {
        std::string line = p.name + std::string(width - p.name.size(), ' ') + p.title();
        for (const PresetAsk& a : presetAsks(p)) line += " (asks " + a.option + ")";
        out += line + "\n" + std::string(width, ' ') + p.source + "\n";
    }
    out += "User presets: " + userPresetDir() + "/NAME.preset\n";
    return out;
}

Result<RecordConfig> parseRecordArgs(const std::vector<std::string>& args) {
    RecordConfig config;
    CLI::App record("record", "ktr record");
    addRecordOptions(record, config);
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 pops from the back
    try {
        record.parse(reversed);
    } catch (const CLI::ParseError& e) {
        return Status::error(e.what());
    }
    return config;
}

}  // namespace kestrel::cli
