// From a function_graph record to its call: every record of the fixture, read here with a
// cursor and paired here by a plain per-task stack, must find a call of its function
// that ends where the exit says (exit) or holds the record (entry), and an entry and its
// exit the same call.
#include "analysis/call_lookup.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <vector>

#include "decode/event_cursor.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

struct Record {
    EventRef event;  // bytes not kept: only the fields below are read afterwards
    bool exit = false;
    int32_t pid = 0;
    uint64_t func = 0, depth = 0, call = 0, ret = 0;
    CallRecord lookup;
};

class CallLookupTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto model = TraceModel::open(test::dataPath("function-graph.dat"));
        ASSERT_TRUE(model) << model.message();
        m_model = std::move(model.value());
        auto formats = EventFormats::create(m_model->meta());
        ASSERT_TRUE(formats) << formats.message();
        m_formats = std::move(formats.value());
        auto trees = buildCallTrees(*m_model, *m_formats, nullptr, 2);
        ASSERT_TRUE(trees) << trees.message();
        m_trees = std::move(trees.value());
        readRecords();
    }

    void readRecords() {
        const EventType* entry = m_formats->find("ftrace", "funcgraph_entry");
        const EventType* exit = m_formats->find("ftrace", "funcgraph_exit");
        ASSERT_TRUE(entry && exit);
        FieldRef entryFunc = m_formats->field(entry->id, "func");
        FieldRef entryDepth = m_formats->field(entry->id, "depth");
        FieldRef exitFunc = m_formats->field(exit->id, "func");
        FieldRef exitDepth = m_formats->field(exit->id, "depth");
        FieldRef call = m_formats->field(exit->id, "calltime");
        FieldRef ret = m_formats->field(exit->id, "rettime");
        CallRecordReader reader(*m_formats);
        EventCursor cursor(*m_model);
        EventRef ev;
        while (cursor.next(ev)) {
            CommonFields c;
            if (!m_formats->common(ev.raw, c)) continue;
            if (c.type != entry->id && c.type != exit->id) continue;
            Record r;
            r.event = ev;
            r.exit = c.type == exit->id;
            r.pid = c.pid;
            r.func = m_formats->readUnsigned(r.exit ? exitFunc : entryFunc, ev.raw);
            r.depth = m_formats->readUnsigned(r.exit ? exitDepth : entryDepth, ev.raw);
            if (r.exit) {
                r.call = m_formats->readUnsigned(call, ev.raw);
                r.ret = m_formats->readUnsigned(ret, ev.raw);
            }
            ASSERT_TRUE(reader.read(ev, r.lookup));
            m_records.push_back(r);
        }
    }

    // Each entry's exit by a stack per task (idle: per CPU) in time order: an exit closes
    // the open entry of its depth and function, entries deeper than it never returned.
    std::map<size_t, size_t> pairByStack() const {
        std::map<size_t, size_t> exitOf;
        std::map<std::pair<int32_t, uint32_t>, std::vector<size_t>> stacks;
        for (size_t i = 0; i < m_records.size(); ++i) {
            const Record& r = m_records[i];
            auto& stack = stacks[{r.pid, r.pid == 0 ? r.event.cpu : 0}];
            if (!r.exit) {
                stack.push_back(i);
                continue;
            }
            while (!stack.empty() && m_records[stack.back()].depth > r.depth) stack.pop_back();
            if (!stack.empty() && m_records[stack.back()].depth == r.depth &&
                m_records[stack.back()].func == r.func) {
                exitOf[stack.back()] = i;
                stack.pop_back();
            }
        }
        return exitOf;
    }

    std::unique_ptr<TraceModel> m_model;
    std::unique_ptr<EventFormats> m_formats;
    CallTrees m_trees;
    std::vector<Record> m_records;
};

TEST_F(CallLookupTest, EveryExitFindsTheCallItEnds) {
    size_t exits = 0;
    for (const Record& r : m_records) {
        if (!r.exit) continue;
        ++exits;
        uint64_t span = findCall(m_trees, r.lookup);
        ASSERT_NE(span, kNoCall) << "exit at " << r.event.ts;
        const CallSpan& s = m_trees.spans[span];
        EXPECT_EQ(m_trees.functions[s.function], r.func) << r.event.ts;
        // The kernel's own measure: the call lasted rettime - calltime and ended at
        // rettime, before its exit record was written (an interrupt can come between).
        EXPECT_EQ(s.duration, r.ret - r.call) << r.event.ts;
        EXPECT_EQ(s.end(), m_model->toTraceTime(r.ret)) << r.event.ts;
        EXPECT_LE(s.end(), r.event.ts);
        EXPECT_LT(r.event.ts - s.end(), 1'000'000u) << r.event.ts;
        EXPECT_FALSE(s.flags & CallSpan::kNoExit);
    }
    EXPECT_GT(exits, 10000u);
}

TEST_F(CallLookupTest, EveryEntryFindsTheCallItBegins) {
    const std::map<size_t, size_t> exitOf = pairByStack();
    size_t entries = 0, paired = 0, unclosed = 0;
    for (size_t i = 0; i < m_records.size(); ++i) {
        const Record& r = m_records[i];
        if (r.exit) continue;
        ++entries;
        uint64_t span = findCall(m_trees, r.lookup);
        ASSERT_NE(span, kNoCall) << "entry at " << r.event.ts;
        const CallSpan& s = m_trees.spans[span];
        EXPECT_EQ(m_trees.functions[s.function], r.func) << r.event.ts;
        auto it = exitOf.find(i);
        if (it == exitOf.end()) {
            // No exit in the trace: the call begins at its entry record.
            ++unclosed;
            EXPECT_TRUE(s.flags & CallSpan::kNoExit) << r.event.ts;
            EXPECT_EQ(s.start, r.event.ts);
            continue;
        }
        ++paired;
        // calltime, where the call began, is taken just before the entry is written.
        const Record& exit = m_records[it->second];
        EXPECT_EQ(s.start, m_model->toTraceTime(exit.call)) << r.event.ts;
        EXPECT_LE(s.start, r.event.ts);
        EXPECT_EQ(span, findCall(m_trees, exit.lookup)) << r.event.ts;
    }
    EXPECT_GT(paired, 10000u);
    EXPECT_GT(unclosed, 0u);
    EXPECT_GT(entries, paired);
}

// The details of a call against its callees counted here from the spans that follow it.
TEST_F(CallLookupTest, DetailsCountTheDirectCallees) {
    size_t checked = 0;
    for (uint64_t span = 0; span < m_trees.spans.size(); span += 97) {
        const CallSpan& s = m_trees.spans[span];
        CallDetails d = callDetails(m_trees, span, 1000);
        const CallLane& lane = laneOf(m_trees, span);
        ASSERT_GE(span, lane.first);
        ASSERT_LT(span, lane.first + lane.count);
        // Direct callees: later calls of the lane one level down that began before this
        // call ended, up to the first call back at this call's level or above.
        uint64_t callees = 0, time = 0;
        std::map<uint32_t, uint64_t> calls;
        for (uint64_t i = span + 1; i < lane.first + lane.count; ++i) {
            const CallSpan& c = m_trees.spans[i];
            if (c.depth <= s.depth) break;
            if (c.depth != s.depth + 1) continue;
            ++callees;
            time += c.duration;
            ++calls[c.function];
        }
        EXPECT_EQ(d.callees, callees) << span;
        EXPECT_EQ(d.self, time < s.duration ? s.duration - time : 0) << span;
        EXPECT_EQ(d.topCallees.size(), calls.size());
        uint64_t listed = 0, listedTime = 0;
        for (size_t k = 0; k < d.topCallees.size(); ++k) {
            listed += d.topCallees[k].calls;
            listedTime += d.topCallees[k].time;
            EXPECT_EQ(d.topCallees[k].calls, calls[d.topCallees[k].function]);
            if (k > 0) {
                EXPECT_GE(d.topCallees[k - 1].time, d.topCallees[k].time);
            }
        }
        EXPECT_EQ(listed, callees);
        EXPECT_EQ(listedTime, time);
        if (callees > 1) ++checked;
    }
    EXPECT_GT(checked, 20u);
}

// Hand-made calls of one task: f runs [0, 100]; an interrupt at 5 calls g [5, 8], which
// calls f [6, 7]. f's entry record written at 10 (an interrupt came between calltime and
// the record) belongs to the outer f: the inner f ended before the record.
TEST(CallLookup, AnEntryBelongsToTheCallRunningAtIt) {
    CallTrees trees;
    trees.functions = {0xf0, 0x90};
    trees.spans = {{0, 100, 0, 0, 0, 0}, {5, 3, 1, 0, 1, 0}, {6, 1, 0, 0, 2, 0}};
    trees.lanes = {{1, -1, 0, 3}};
    CallRecord entry;
    entry.pid = 1;
    entry.function = 0xf0;
    entry.ts = 10;
    EXPECT_EQ(findCall(trees, entry), 0u);
    entry.ts = 6;  // the inner f's own entry
    EXPECT_EQ(findCall(trees, entry), 2u);
    entry.function = 0x90;
    entry.ts = 5;
    EXPECT_EQ(findCall(trees, entry), 1u);
    entry.pid = 2;  // no lane
    EXPECT_EQ(findCall(trees, entry), kNoCall);
    CallDetails d = callDetails(trees, 0);
    EXPECT_EQ(d.callees, 1u);  // g; the inner f is g's
    EXPECT_EQ(d.self, 97u);
    ASSERT_EQ(d.topCallees.size(), 1u);
    EXPECT_EQ(d.topCallees[0].function, 1u);
}

}  // namespace
}  // namespace kestrel
