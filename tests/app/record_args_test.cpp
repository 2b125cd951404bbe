// `ktr record` argument parsing (app/ktr/record_args): what each option sets, and errors
// that name the option and the value.
#include "record_args.h"

#include <gtest/gtest.h>

namespace kestrel {
namespace {

using cli::parseRecordArgs;

TEST(RecordArgs, EventsFiltersAndCommand) {
    auto c = parseRecordArgs({"-e", "sched", "-f", "prev_pid > 0", "--event=irq:*", "-e",
                              "sched_wakeup", "-o", "out.ktr", "-b", "2048", "-C", "mono",
                              "--pid-only", "--", "ls", "-l", "-e"});
    ASSERT_TRUE(c) << c.message();
    ASSERT_EQ(c->events.size(), 3u);
    EXPECT_EQ(c->events[0].spec, "sched");
    EXPECT_EQ(c->events[0].filter, "prev_pid > 0");
    EXPECT_EQ(c->events[1].spec, "irq:*");
    EXPECT_EQ(c->events[1].filter, "");
    EXPECT_EQ(c->events[2].spec, "sched_wakeup");
    EXPECT_EQ(c->output, "out.ktr");
    EXPECT_EQ(c->bufferKb, 2048u);
    EXPECT_EQ(c->clock, "mono");
    EXPECT_TRUE(c->pidOnly);
    // Everything after "--" belongs to the command, options included.
    EXPECT_EQ(c->command, (std::vector<std::string>{"ls", "-l", "-e"}));
}

TEST(RecordArgs, CommandStartsAtTheFirstWordThatIsNotAnOption) {
    auto c = parseRecordArgs({"-e", "sched", "make", "-j2", "-e", "--", "x"});
    ASSERT_TRUE(c) << c.message();
    ASSERT_EQ(c->events.size(), 1u);
    EXPECT_EQ(c->command, (std::vector<std::string>{"make", "-j2", "-e", "--", "x"}));
}

TEST(RecordArgs, TracerOptionsPidsAndProbes) {
    auto c = parseRecordArgs({"-p",
                              "function_graph",
                              "-g",
                              "vfs_read",
                              "--graph-notrace",
                              "schedule_idle",
                              "--max-graph-depth",
                              "3",
                              "-l",
                              "vfs_*",
                              "-n",
                              "schedule",
                              "-O",
                              "stacktrace",
                              "-O",
                              "nofunc_stack_trace",
                              "-P",
                              "42",
                              "--no-follow-fork",
                              "-M",
                              "3",
                              "--kprobe",
                              "p:myopen do_sys_openat2",
                              "--uprobe",
                              "p:mymain /bin/true:0x10",
                              "-d",
                              "1.5",
                              "--strict"});
    ASSERT_TRUE(c) << c.message();
    EXPECT_EQ(c->tracer, "function_graph");
    EXPECT_EQ(c->graphFunction, std::vector<std::string>{"vfs_read"});
    EXPECT_EQ(c->graphNotrace, std::vector<std::string>{"schedule_idle"});
    EXPECT_EQ(c->maxGraphDepth, 3);
    EXPECT_EQ(c->ftraceFilter, std::vector<std::string>{"vfs_*"});
    EXPECT_EQ(c->ftraceNotrace, std::vector<std::string>{"schedule"});
    EXPECT_EQ(c->options, (std::vector<std::string>{"stacktrace", "nofunc_stack_trace"}));
    EXPECT_EQ(c->pids, std::vector<int>{42});
    EXPECT_FALSE(c->followFork);
    EXPECT_EQ(c->cpumask, "3");
    EXPECT_EQ(c->kprobes, std::vector<std::string>{"p:myopen do_sys_openat2"});
    EXPECT_EQ(c->uprobes, std::vector<std::string>{"p:mymain /bin/true:0x10"});
    EXPECT_DOUBLE_EQ(c->durationSec, 1.5);
    EXPECT_TRUE(c->strict);
    EXPECT_EQ(c->output, "trace.ktr");
    EXPECT_TRUE(c->command.empty());
}

TEST(RecordArgs, OutputLevelFramePagesAndQuiet) {
    auto c = parseRecordArgs({"-e", "sched", "--output=a.ktr", "-o", "b.ktr", "--level", "19",
                              "--frame-pages", "64", "-q"});
    ASSERT_TRUE(c) << c.message();
    EXPECT_EQ(c->output, "b.ktr");  // the last one given
    EXPECT_EQ(c->zstdLevel, 19);
    EXPECT_EQ(c->pagesPerFrame, 64u);
    EXPECT_TRUE(c->quiet);
    auto d = parseRecordArgs({"--event",
                              "sched",
                              "--quiet",
                              "--buffer-kb",
                              "64",
                              "--clock",
                              "global",
                              "--cpumask",
                              "f",
                              "--duration",
                              "2",
                              "--pid",
                              "7",
                              "--tracer",
                              "function",
                              "--option",
                              "stacktrace",
                              "--ftrace-filter",
                              "a",
                              "--ftrace-notrace",
                              "b",
                              "--graph-function",
                              "c",
                              "--filter",
                              "common_pid != 0"});
    ASSERT_TRUE(d) << d.message();
    EXPECT_TRUE(d->quiet);
    EXPECT_EQ(d->bufferKb, 64u);
    EXPECT_EQ(d->clock, "global");
    EXPECT_EQ(d->cpumask, "f");
    EXPECT_DOUBLE_EQ(d->durationSec, 2);
    EXPECT_EQ(d->pids, std::vector<int>{7});
    EXPECT_EQ(d->tracer, "function");
    EXPECT_EQ(d->options, std::vector<std::string>{"stacktrace"});
    EXPECT_EQ(d->ftraceFilter, std::vector<std::string>{"a"});
    EXPECT_EQ(d->ftraceNotrace, std::vector<std::string>{"b"});
    EXPECT_EQ(d->graphFunction, std::vector<std::string>{"c"});
    ASSERT_EQ(d->events.size(), 1u);
    EXPECT_EQ(d->events[0].filter, "common_pid != 0");
}

TEST(RecordArgs, ErrorsNameTheArgument) {
    auto expectError = [](std::vector<std::string> args, std::vector<std::string> parts) {
        auto c = parseRecordArgs(args);
        ASSERT_FALSE(c) << ::testing::PrintToString(args);
        for (const std::string& part : parts)
            EXPECT_NE(c.message().find(part), std::string::npos) << c.message();
    };
    expectError({}, {"nothing to record"});
    expectError({"-f", "x"}, {"--filter", "needs a preceding -e"});
    expectError({"-e", "sched", "-b", "lots"}, {"--buffer-kb", "'lots'"});
    expectError({"-e", "sched", "-d", "-1"}, {"--duration", "'-1'"});
    expectError({"-e", "sched", "--bogus"}, {"--bogus"});
    expectError({"-e", "sched", "-o"}, {"--output", "required"});
    expectError({"-e", "sched", "--pid-only"}, {"--pid-only needs a command"});
    expectError({"-e", "sched", "--"}, {"followed by a command"});
    expectError({"-e", "sched", "-M", "xyz"}, {"--cpumask", "'xyz'"});
    expectError({"-e", "sched", "--level", "23"}, {"--level", "'23'"});
    expectError({"-e", "sched", "-P", "0"}, {"--pid", "'0'"});
    expectError({"-e", "sched", "--strict=maybe"}, {"--strict"});
}

}  // namespace
}  // namespace kestrel
