// ReportPrinter against the oracle: for every fixture, the records are read with
// libtracecmd in trace-cmd's own order (tracecmd_iterate_events_multi over the top
// buffer and its instances, the leaf look-ahead with tracecmd_peek_next_data exactly as
// trace-ftrace.c does it), printed by ReportPrinter, and compared line by line with
// `trace-cmd report -i FILE`.
//
// The TraceMeta is built from `trace-cmd dump` (the metadata texts verbatim) and
// libtracecmd (buffers, CPUs, clock), so this test does not depend on Kestrel's own
// trace.dat importer. libtracecmd is loaded with dlopen so the test links like every
// other model test.
#include "text/report_printer.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <traceevent/event-parse.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "formats/event_formats.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

// ---- libtracecmd 1.3 (trace-cmd 3.1.6), resolved at run time -------------------------
struct tracecmd_input;
using IterateCallback = int (*)(tracecmd_input*, tep_record*, int, void*);

struct TraceCmdLib {
    void* dl = nullptr;
    tracecmd_input* (*open)(const char*, int) = nullptr;
    void (*close)(tracecmd_input*) = nullptr;
    int (*instances)(tracecmd_input*) = nullptr;
    const char* (*instanceName)(tracecmd_input*, int) = nullptr;
    tracecmd_input* (*instanceHandle)(tracecmd_input*, int) = nullptr;
    int (*cpus)(tracecmd_input*) = nullptr;
    int (*longSize)(tracecmd_input*) = nullptr;
    int (*pageSize)(tracecmd_input*) = nullptr;
    const char* (*traceClock)(tracecmd_input*) = nullptr;
    tep_handle* (*tep)(tracecmd_input*) = nullptr;
    int (*iterateMulti)(tracecmd_input**, int, IterateCallback, void*) = nullptr;
    tep_record* (*peekNext)(tracecmd_input*, int*) = nullptr;
    tep_record* (*readData)(tracecmd_input*, int) = nullptr;
    void (*freeRecord)(tep_record*) = nullptr;

    template <class F>
    void bind(F& f, const char* name) {
        f = reinterpret_cast<F>(dlsym(dl, name));
    }
    bool load() {
        dl = dlopen("libtracecmd.so.1", RTLD_NOW | RTLD_LOCAL);
        if (!dl) return false;
        bind(open, "tracecmd_open");
        bind(close, "tracecmd_close");
        bind(instances, "tracecmd_buffer_instances");
        bind(instanceName, "tracecmd_buffer_instance_name");
        bind(instanceHandle, "tracecmd_buffer_instance_handle");
        bind(cpus, "tracecmd_cpus");
        bind(longSize, "tracecmd_long_size");
        bind(pageSize, "tracecmd_page_size");
        bind(traceClock, "tracecmd_get_trace_clock");
        bind(tep, "tracecmd_get_tep");
        bind(iterateMulti, "tracecmd_iterate_events_multi");
        bind(peekNext, "tracecmd_peek_next_data");
        bind(readData, "tracecmd_read_data");
        bind(freeRecord, "tracecmd_free_record");
        return open && close && instances && instanceName && instanceHandle && cpus && longSize &&
               pageSize && traceClock && tep && iterateMulti && peekNext && readData && freeRecord;
    }
};

TraceCmdLib& traceCmd() {
    static TraceCmdLib lib;
    static bool loaded = lib.load();
    if (!loaded) ADD_FAILURE() << "cannot load libtracecmd.so.1: " << dlerror();
    return lib;
}
constexpr int kNoPlugins = 1;  // TRACECMD_FL_LOAD_NO_PLUGINS: we only need the records

std::string runCommand(const std::string& command) {
    std::string out;
    FILE* pipe = popen(command.c_str(), "r");
    if (!pipe) return out;
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) out.append(buf, n);
    pclose(pipe);
    return out;
}

std::string dump(const std::string& path, const std::string& what) {
    return runCommand("trace-cmd dump -i '" + path + "' " + what + " 2>/dev/null");
}

// trace-dump.c prints "[LABEL, N bytes]\n" and then the N bytes verbatim.
std::string sizedBlock(const std::string& text, const std::string& label) {
    size_t at = text.find("[" + label + ", ");
    if (at == std::string::npos) return {};
    size_t numberAt = at + label.size() + 3;
    size_t bytes = std::stoul(text.substr(numberAt));
    size_t start = text.find('\n', numberAt);
    if (start == std::string::npos) return {};
    return text.substr(start + 1, bytes);
}

// Formats as trace-dump.c prints them: each starts with "name: "; with --systems a line
// "\t\tSYSTEM N [system, events]" precedes the formats of each system.
std::vector<EventFormat> splitFormats(const std::string& text, const std::string& fixedSystem) {
    std::vector<EventFormat> formats;
    std::string system = fixedSystem;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("\t\t", 0) == 0 && line.find(" [system, events]") != std::string::npos) {
            system = line.substr(2, line.find(' ') - 2);
        } else if (line.rfind("name: ", 0) == 0) {
            formats.push_back({system, line + "\n"});
        } else if (!formats.empty()) {
            formats.back().text += line + "\n";
        }
    }
    return formats;
}

// The trace as trace-cmd opens it: the top handle plus one handle per instance.
struct OpenTrace {
    std::vector<tracecmd_input*> handles;  // [0] is the top buffer
    std::vector<uint32_t> firstCpu;        // global index of each handle's CPU 0
    TraceMeta meta;

    ~OpenTrace() {
        if (!handles.empty()) traceCmd().close(handles[0]);  // closes the instances too
    }
};

std::unique_ptr<OpenTrace> openTrace(const std::string& path) {
    TraceCmdLib& tc = traceCmd();
    auto trace = std::make_unique<OpenTrace>();
    tracecmd_input* top = tc.open(path.c_str(), kNoPlugins);
    if (!top) return nullptr;
    trace->handles.push_back(top);
    TraceMeta& m = trace->meta;
    m.bigEndian = tep_is_file_bigendian(tc.tep(top));
    m.longSize = static_cast<uint32_t>(tc.longSize(top));
    m.pageSize = static_cast<uint32_t>(tc.pageSize(top));
    m.traceClock = tc.traceClock(top) ? tc.traceClock(top) : "";
    m.buffers.push_back({"", m.traceClock, m.pageSize});
    for (int i = 0; i < tc.instances(top); ++i) {
        trace->handles.push_back(tc.instanceHandle(top, i));
        m.buffers.push_back({tc.instanceName(top, i), m.traceClock, m.pageSize});
    }
    for (size_t b = 0; b < trace->handles.size(); ++b) {
        trace->firstCpu.push_back(static_cast<uint32_t>(m.cpus.size()));
        for (int c = 0; c < tc.cpus(trace->handles[b]); ++c) {
            m.cpus.push_back({static_cast<uint32_t>(b), static_cast<uint32_t>(c)});
        }
    }
    m.headerPage = sizedBlock(dump(path, "--head-page"), "Header page");
    m.headerEvent = sizedBlock(dump(path, "--head-event"), "Header event");
    m.formats = splitFormats(dump(path, "--ftrace-events"), "ftrace");
    for (EventFormat& f : splitFormats(dump(path, "--events --systems"), "")) {
        m.formats.push_back(std::move(f));
    }
    m.kallsyms = sizedBlock(dump(path, "--kallsyms"), "Kallsyms");
    m.printkFormats = sizedBlock(dump(path, "--printk"), "Trace printk");
    m.savedCmdlines = sizedBlock(dump(path, "--cmd-lines"), "Saved command lines");
    return trace;
}

// Prints every record in trace-cmd's order through ReportPrinter.
struct PrintRun {
    OpenTrace* trace = nullptr;
    ReportPrinter* printer = nullptr;
    std::string out;
    size_t events = 0;
    size_t leaves = 0;
};

size_t handleIndex(const OpenTrace& trace, tracecmd_input* handle) {
    for (size_t i = 0; i < trace.handles.size(); ++i) {
        if (trace.handles[i] == handle) return i;
    }
    return 0;
}

EventRef toRef(const OpenTrace& trace, size_t handle, const tep_record* r) {
    EventRef e;
    e.raw.ts = r->ts;
    e.raw.data = static_cast<const uint8_t*>(r->data);
    e.raw.size = static_cast<uint32_t>(r->size);
    e.cpu = trace.firstCpu[handle] + static_cast<uint32_t>(r->cpu);
    e.ts = r->ts;
    e.missedBefore = r->missed_events > 0 ? static_cast<uint64_t>(r->missed_events) : 0;
    e.missedUnknown = r->missed_events < 0;
    return e;
}

int printRecord(tracecmd_input* handle, tep_record* record, int, void* data) {
    auto* run = static_cast<PrintRun*>(data);
    TraceCmdLib& tc = traceCmd();
    size_t h = handleIndex(*run->trace, handle);
    EventRef event = toRef(*run->trace, h, record);
    // trace-ftrace.c fgraph_ent_handler: the next record of this handle, over all CPUs.
    int nextCpu = -1;
    tep_record* peeked = tc.peekNext(handle, &nextCpu);
    EventRef next;
    if (peeked) next = toRef(*run->trace, h, peeked);
    ++run->events;
    if (run->printer->print(event, peeked ? &next : nullptr, run->out)) {
        tc.freeRecord(tc.readData(handle, nextCpu));  // consumed by the leaf line
        ++run->leaves;
    }
    return 0;
}

std::vector<std::string> splitLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
    return lines;
}

// Prints the fixture and compares with trace-cmd report; reports the first difference.
void expectSameAsTraceCmd(const std::string& name) {
    std::string path = test::dataPath(name);
    std::unique_ptr<OpenTrace> trace = openTrace(path);
    ASSERT_TRUE(trace) << "libtracecmd cannot open " << path;
    ASSERT_FALSE(trace->meta.headerPage.empty());
    ASSERT_FALSE(trace->meta.formats.empty());
    auto formats = EventFormats::create(trace->meta);
    ASSERT_TRUE(formats.ok()) << formats.message();
    ReportPrinter printer(**formats, trace->meta);
    PrintRun run;
    run.trace = trace.get();
    run.printer = &printer;
    run.out = printer.header();
    traceCmd().iterateMulti(trace->handles.data(), static_cast<int>(trace->handles.size()),
                            printRecord, &run);
    std::vector<std::string> ours = splitLines(run.out);
    std::vector<std::string> oracle =
        splitLines(runCommand("trace-cmd report -i '" + path + "' 2>/dev/null"));
    ASSERT_GT(oracle.size(), 1u);
    for (size_t i = 0; i < std::min(ours.size(), oracle.size()); ++i) {
        ASSERT_EQ(ours[i], oracle[i]) << name << " line " << i + 1;
    }
    EXPECT_EQ(ours.size(), oracle.size()) << name << ": line count";
}

TEST(ReportPrinter, MatchesTraceCmdOnInstanceBufferTrace) {
    expectSameAsTraceCmd("sched-irq-timer.dat");
}

TEST(ReportPrinter, MatchesTraceCmdOnV6Trace) {
    expectSameAsTraceCmd("sched-irq-v6.dat");
}

TEST(ReportPrinter, MatchesTraceCmdOnMarkers) {
    expectSameAsTraceCmd("markers.dat");
}

TEST(ReportPrinter, MatchesTraceCmdOnFunctionGraph) {
    expectSameAsTraceCmd("function-graph.dat");
}

TEST(ReportPrinter, MatchesTraceCmdOnFunctionStacks) {
    expectSameAsTraceCmd("function-stacks.dat");
}

TEST(ReportPrinter, MatchesTraceCmdOnKprobes) {
    expectSameAsTraceCmd("kprobes.dat");
}

}  // namespace
}  // namespace kestrel
