// Recording presets (capture/record_presets.h, app/ktr/record_args.h): the built-in ones
// parse as `ktr record` words and hold what their files say, a user preset replaces the
// built-in of its name, a saved preset loads back as the same configuration, a bad line
// is an error naming the file and the line, and `--preset` combines with later options.
#include "record_presets.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "record_args.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;
using cli::parseRecordArgs;
using cli::presetConfig;

// The `-e` values of a preset file, read the simplest way: lines "-e SPEC".
std::vector<std::string> eventLines(const std::string& path) {
    std::vector<std::string> out;
    std::istringstream in(test::readText(path));
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("-e ", 0) == 0) out.push_back(line.substr(3));
    }
    return out;
}

std::string presetFile(const std::string& name) {
    return std::string(KESTREL_SOURCE_DIR) + "/resources/presets/" + name + ".preset";
}

class Presets : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = test::tempDir("presets");
        const char* old = std::getenv("XDG_CONFIG_HOME");
        if (old) m_oldConfig = old;
        m_hadConfig = old != nullptr;
        setenv("XDG_CONFIG_HOME", m_dir.c_str(), 1);
    }
    void TearDown() override {
        if (m_hadConfig)
            setenv("XDG_CONFIG_HOME", m_oldConfig.c_str(), 1);
        else
            unsetenv("XDG_CONFIG_HOME");
        fs::remove_all(m_dir);
    }
    void write(const std::string& name, const std::string& text) {
        fs::create_directories(m_dir + "/kestrel/presets");
        std::ofstream(m_dir + "/kestrel/presets/" + name + ".preset") << text;
    }
    std::string m_dir, m_oldConfig;
    bool m_hadConfig = false;
};

TEST_F(Presets, EveryBuiltInParsesAndHoldsTheEventsOfItsFile) {
    const std::set<std::string> expected = {"block", "funcgraph", "irq",     "memory",
                                            "net",   "sched",     "signals", "syscalls"};
    std::set<std::string> names;
    for (const Preset& p : builtInPresets()) {
        names.insert(p.name);
        SCOPED_TRACE(p.name);
        EXPECT_FALSE(p.title().empty());
        auto config = presetConfig(p);
        ASSERT_TRUE(config) << config.message();
        std::vector<std::string> specs;
        for (const EventSpec& e : config->events) specs.push_back(e.spec);
        EXPECT_EQ(specs, eventLines(presetFile(p.name)));
        // As `ktr record` takes it, with what the preset asks for given.
        std::vector<std::string> args = {"--preset", p.name};
        for (const PresetAsk& a : presetAsks(p)) {
            args.push_back(a.option);
            args.push_back(a.option == "-P" ? "1" : "vfs_read");
        }
        auto parsed = parseRecordArgs(args);
        ASSERT_TRUE(parsed) << parsed.message();
        EXPECT_EQ(parsed->events, config->events);
        EXPECT_EQ(parsed->tracer, config->tracer);
    }
    EXPECT_EQ(names, expected);
}

// Every event a built-in preset names is on the running kernel (when tracefs can be read).
TEST_F(Presets, BuiltInEventsExistOnThisKernel) {
    const std::string events = "/sys/kernel/tracing/events";
    std::error_code ec;
    if (!fs::is_directory(events + "/sched", ec)) GTEST_SKIP() << "no readable " << events;
    for (const Preset& p : builtInPresets()) {
        for (const std::string& spec : eventLines(presetFile(p.name))) {
            const size_t colon = spec.find(':');
            const std::string system = spec.substr(0, colon);
            std::string name = colon == std::string::npos ? "" : spec.substr(colon + 1);
            if (name == "*") name.clear();
            EXPECT_TRUE(fs::is_directory(events + "/" + system + "/" + name, ec))
                << p.name << ": " << spec;
        }
    }
}

TEST_F(Presets, AUserPresetReplacesTheBuiltInOfItsName) {
    write("sched", "# my scheduling\n-e sched:sched_switch\n-b 512\n");
    write("mine", "# mine\n-e irq:*\n");
    auto found = findPreset("sched");
    ASSERT_TRUE(found);
    EXPECT_FALSE(found->builtIn);
    EXPECT_EQ(found->source, m_dir + "/kestrel/presets/sched.preset");
    int scheds = 0;
    std::set<std::string> names;
    for (const Preset& p : allPresets()) {
        scheds += p.name == "sched";
        names.insert(p.name);
    }
    EXPECT_EQ(scheds, 1);
    EXPECT_TRUE(names.count("mine"));
    EXPECT_TRUE(names.count("irq"));  // the other built-ins are still there
    auto c = parseRecordArgs({"--preset", "sched"});
    ASSERT_TRUE(c) << c.message();
    ASSERT_EQ(c->events.size(), 1u);
    EXPECT_EQ(c->events[0].spec, "sched:sched_switch");
    EXPECT_EQ(c->bufferKb, 512u);
}

TEST_F(Presets, SavingThenLoadingGivesTheSameConfiguration) {
    RecordConfig c;
    c.events = {{"sched:sched_switch", "prev_pid != 0 && next_comm ~ \"ba*\""},
                {"irq", ""},
                {"sched_wakeup", "comm == 'it''s'"}};
    c.tracer = "function_graph";
    c.graphFunction = {"vfs_read", "do_sys_*"};
    c.graphNotrace = {"schedule"};
    c.ftraceNotrace = {"rcu_*"};
    c.maxGraphDepth = 5;
    c.options = {"stacktrace", "norecord-tgid"};
    c.pids = {42, 7};
    c.followFork = false;
    c.bufferKb = 8192;
    c.clock = "mono";
    c.cpumask = "f";
    c.kprobes = {"p:myprobe do_sys_open dfd=%ax"};
    c.placement = RecordConfig::Placement::TopLevel;
    c.durationSec = 2.5;
    c.command = {"sh", "-c", "echo 'a b' \"$HOME\" # not a comment"};
    c.pidOnly = true;
    c.zstdLevel = 9;
    auto path = savePreset("roundtrip", presetText(c, "everything at once"));
    ASSERT_TRUE(path) << path.message();
    EXPECT_EQ(*path, m_dir + "/kestrel/presets/roundtrip.preset");
    auto loaded = findPreset("roundtrip");
    ASSERT_TRUE(loaded);
    EXPECT_EQ(loaded->title(), "everything at once");
    auto back = presetConfig(*loaded);
    ASSERT_TRUE(back) << back.message();
    EXPECT_TRUE(*back == c) << test::readText(*path);
    // The words of a configuration give it back too, output included.
    c.output = "/tmp/x y.ktr";
    auto parsed = parseRecordArgs(recordWords(c));
    ASSERT_TRUE(parsed) << parsed.message();
    EXPECT_TRUE(*parsed == c);
}

TEST_F(Presets, ABadLineNamesTheFileAndTheLine) {
    write("bad", "# bad buffer\n-e sched\n\n-b lots\n");
    write("word", "# not an option\n-e sched\nsched_switch\n");
    write("quote", "# open quote\n-e sched -f 'prev_pid > 0\n");
    write("after", "# options after the command\n-e sched\n-- make -j2\n-b 4\n");
    const std::string dir = m_dir + "/kestrel/presets/";
    auto bad = presetConfig(*findPreset("bad"));
    ASSERT_FALSE(bad);
    EXPECT_NE(bad.message().find(dir + "bad.preset:4: "), std::string::npos) << bad.message();
    EXPECT_NE(bad.message().find("--buffer-kb"), std::string::npos) << bad.message();
    auto word = presetConfig(*findPreset("word"));
    ASSERT_FALSE(word);
    EXPECT_NE(word.message().find(dir + "word.preset:3: "), std::string::npos) << word.message();
    auto quote = presetConfig(*findPreset("quote"));
    ASSERT_FALSE(quote);
    EXPECT_NE(quote.message().find(dir + "quote.preset:2: unterminated quote"), std::string::npos)
        << quote.message();
    auto after = presetConfig(*findPreset("after"));
    ASSERT_FALSE(after);
    EXPECT_NE(after.message().find(dir + "after.preset:4: "), std::string::npos) << after.message();
    // ktr record says the same, after the option.
    auto cli = parseRecordArgs({"--preset", "bad"});
    ASSERT_FALSE(cli);
    EXPECT_NE(cli.message().find("bad.preset:4: "), std::string::npos) << cli.message();
    EXPECT_FALSE(parseRecordArgs({"--preset", "nosuch"}));
}

TEST_F(Presets, LaterOptionsAddToOrOverrideThePreset) {
    auto c = parseRecordArgs({"--preset", "memory", "-b", "1024", "-e", "irq", "-d", "3"});
    ASSERT_TRUE(c) << c.message();
    EXPECT_EQ(c->bufferKb, 1024u);  // the preset says 16384
    EXPECT_EQ(c->events.back().spec, "irq");
    EXPECT_EQ(c->events.front().spec, eventLines(presetFile("memory")).front());
    EXPECT_EQ(c->durationSec, 3);
    // What a preset asks for is required.
    auto missing = parseRecordArgs({"--preset", "funcgraph"});
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.message().find("-g"), std::string::npos) << missing.message();
    auto graph = parseRecordArgs({"--preset", "funcgraph", "-g", "vfs_read"});
    ASSERT_TRUE(graph) << graph.message();
    EXPECT_EQ(graph->tracer, "function_graph");
    EXPECT_EQ(graph->graphFunction, std::vector<std::string>{"vfs_read"});
    // A launched command gives the pid the syscalls preset asks for: it is traced alone.
    auto sys = parseRecordArgs({"--preset", "syscalls", "--", "ls", "-l"});
    ASSERT_TRUE(sys) << sys.message();
    EXPECT_TRUE(sys->pidOnly);
    EXPECT_EQ(sys->command, (std::vector<std::string>{"ls", "-l"}));
    auto pid = parseRecordArgs({"--preset", "syscalls", "-P", "42"});
    ASSERT_TRUE(pid) << pid.message();
    EXPECT_EQ(pid->pids, std::vector<int>{42});
    EXPECT_FALSE(pid->pidOnly);
}

}  // namespace
}  // namespace kestrel
