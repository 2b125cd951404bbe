// repeat-trace against what the model reads back: the events of each copy are the input's,
// their times (record times, and the calltime and rettime funcgraph_exit holds) moved by
// the copy's shift, which the test takes from the input's own time range.
#include "repeat_trace.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <vector>

#include "analysis/call_tree.h"
#include "base/byte_order.h"
#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "support/page_writer.h"
#include "support/test_data.h"

namespace kestrel::bench {
namespace {

struct Decoded {
    uint64_t ts;
    std::vector<uint8_t> payload;
    bool operator==(const Decoded&) const = default;
};

std::vector<Decoded> decodePage(const std::vector<uint8_t>& page, const PageFormat& format,
                                PageHeader& header) {
    PageReader reader;
    EXPECT_TRUE(reader.load(page.data(), static_cast<uint32_t>(page.size()), format).ok());
    header = reader.header();
    std::vector<Decoded> out;
    RawEvent ev;
    while (reader.next(ev)) out.push_back({ev.ts, {ev.data, ev.data + ev.size}});
    EXPECT_EQ(reader.error(), "");
    return out;
}

// Every kind of time a page holds: the header's, deltas, a time extend, an absolute stamp,
// a padding's delta; and a missed-event count after the data, which must not move.
void checkShiftedPage(test::PageLayout layout) {
    test::PageWriter writer(layout);
    const bool big = layout.bigEndian;
    writer.timestamp(5'000'000'000ull)
        .event(10, test::PageWriter::payload(7, 1, 16, big))
        .timeExtend(1ull << 30)
        .event(3, test::PageWriter::payload(7, 2, 200, big))
        .absoluteStamp(9'000'000'000ull)
        .event(0, test::PageWriter::payload(8, 3, 24, big))
        .padding(5, 12)
        .longEvent(6, test::PageWriter::payload(8, 4, 32, big))
        .missed(77);
    ASSERT_TRUE(writer.ok());
    std::vector<uint8_t> page = writer.bytes();
    PageFormat format;
    format.dataOffset = layout.dataOffset();
    format.commitSize = layout.longSize;
    format.pageSize = layout.pageSize;
    format.bigEndian = big;
    PageHeader before, after;
    std::vector<Decoded> expected = decodePage(page, format, before);
    ASSERT_EQ(expected.size(), 4u);
    const uint64_t shift = 3'000'000'123ull;
    for (Decoded& d : expected) d.ts += shift;

    ASSERT_TRUE(shiftPage(page.data(), format, shift, RecordTimes{}).ok());
    EXPECT_EQ(decodePage(page, format, after), expected);
    EXPECT_EQ(after.timestamp, before.timestamp + shift);
    EXPECT_EQ(after.length, before.length);
    EXPECT_TRUE(after.missedStored);
    EXPECT_EQ(after.missedCount, 77u);
}

TEST(RepeatTrace, ShiftPageMovesEveryTimeOfALittleEndianPage) {
    checkShiftedPage({});
}

TEST(RepeatTrace, ShiftPageMovesEveryTimeOfABigEndianPage) {
    checkShiftedPage({.pageSize = 4096, .longSize = 4, .bigEndian = true});
}

TEST(RepeatTrace, ShiftPageRefusesAStampPast59Bits) {
    test::PageWriter writer;
    writer.timestamp(1)
        .absoluteStamp((1ull << 59) - 10)
        .event(1, test::PageWriter::payload(7, 1, 16));
    std::vector<uint8_t> page = writer.bytes();
    EXPECT_FALSE(shiftPage(page.data(), PageFormat{}, 100, RecordTimes{}).ok());
}

struct Event {
    uint32_t cpu;
    uint64_t ts;
    std::vector<uint8_t> payload;
};

std::vector<Event> allEvents(const TraceModel& model) {
    std::vector<Event> out;
    EventCursor cursor(model);
    EventRef ev;
    while (cursor.next(ev))
        out.push_back({ev.cpu, ev.ts, {ev.raw.data, ev.raw.data + ev.raw.size}});
    return out;
}

struct Opened {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
};

Opened open(const std::string& path) {
    Opened o;
    auto model = TraceModel::open(path);
    EXPECT_TRUE(model.ok()) << path;
    if (!model) return o;
    o.model = std::move(model.value());
    auto formats = EventFormats::create(o.model->meta());
    EXPECT_TRUE(formats.ok());
    if (formats) o.formats = std::move(formats.value());
    return o;
}

// function-graph.dat repeated twice, once per test binary run.
class RepeatFunctionGraph : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const std::string in = test::dataPath("function-graph.dat");
        const std::string out = test::tempDir("repeat_trace") + "/twice.ktr";
        auto source = openTrace(in);
        ASSERT_TRUE(source.ok()) << source.message();
        auto stats = repeatTrace(*source.value(), out, 2);
        ASSERT_TRUE(stats.ok()) << stats.message();
        s_stats = new RepeatStats(stats.value());
        s_in = new Opened(open(in));
        s_out = new Opened(open(out));
    }
    static void TearDownTestSuite() {
        delete s_in;
        delete s_out;
        delete s_stats;
    }
    // The input's duration plus the gap, from the model's time range.
    static uint64_t expectedShift() {
        return s_in->model->endTime() - s_in->model->startTime() + kDefaultGap;
    }
    static inline Opened* s_in = nullptr;
    static inline Opened* s_out = nullptr;
    static inline RepeatStats* s_stats = nullptr;
};

TEST_F(RepeatFunctionGraph, EachCopyHoldsTheInputsEventsShifted) {
    ASSERT_TRUE(s_out && s_out->model && s_in->formats);
    EXPECT_EQ(s_stats->shift, expectedShift());
    EXPECT_TRUE(s_stats->skipped.empty());
    const EventFormats& f = *s_in->formats;
    const EventType* exit = f.find("ftrace", "funcgraph_exit");
    ASSERT_NE(exit, nullptr);
    const FieldRef callTime = f.field(exit->id, "calltime");
    const FieldRef retTime = f.field(exit->id, "rettime");
    ASSERT_EQ(callTime.size, 8u);
    ASSERT_EQ(retTime.size, 8u);

    std::vector<Event> in = allEvents(*s_in->model);
    std::vector<Event> out = allEvents(*s_out->model);
    ASSERT_EQ(out.size(), 2 * in.size());
    size_t exits = 0, mismatches = 0;
    for (unsigned copy = 0; copy < 2; ++copy) {
        const uint64_t shift = copy * expectedShift();
        for (size_t i = 0; i < in.size(); ++i) {
            // The expected record: the input's, its times moved.
            Event want = in[i];
            want.ts += shift;
            CommonFields common;
            ASSERT_TRUE(f.common(
                RawEvent{0, want.payload.data(), static_cast<uint32_t>(want.payload.size())},
                common));
            if (common.type == exit->id) {
                exits += copy == 0;
                for (const FieldRef* field : {&callTime, &retTime}) {
                    uint8_t* p = want.payload.data() + field->offset;
                    store64(p, load64(p, false) + shift, false);
                }
            }
            const Event& got = out[copy * in.size() + i];
            if (got.cpu != want.cpu || got.ts != want.ts || got.payload != want.payload) {
                if (++mismatches <= 3) ADD_FAILURE() << "copy " << copy << " event " << i;
            }
        }
    }
    EXPECT_EQ(mismatches, 0u);
    EXPECT_GT(exits, 1000u);  // the fixture is a function_graph trace
}

// Each copy's calls are the input's, a shift later. A call the input leaves open at its end
// (kNoExit, ending at the trace's end) stays open in every copy, but in the first copy the
// task's records of the next one prove it returned before them: it ends later there.
TEST_F(RepeatFunctionGraph, CallTreesHoldEachCallOncePerCopy) {
    ASSERT_TRUE(s_out && s_out->model && s_out->formats);
    auto in = buildCallTrees(*s_in->model, *s_in->formats);
    auto out = buildCallTrees(*s_out->model, *s_out->formats);
    ASSERT_TRUE(in.ok() && out.ok());
    ASSERT_GT(in->spans.size(), 1000u);
    EXPECT_EQ(out->spans.size(), 2 * in->spans.size());
    EXPECT_EQ(out->records, 2 * in->records);
    EXPECT_EQ(out->cutSpans, 2 * in->cutSpans);
    std::vector<std::pair<uint64_t, uint64_t>> want, got;  // start, duration
    std::map<uint64_t, uint64_t> leftOpen;                 // first copy: start -> duration
    for (const CallSpan& s : in->spans) {
        want.emplace_back(s.start + expectedShift(), s.duration);
        if (s.flags & CallSpan::kNoExit)
            leftOpen[s.start] = s.duration;
        else
            want.emplace_back(s.start, s.duration);
    }
    size_t open = 0;
    for (const CallSpan& s : out->spans) {
        auto it = leftOpen.find(s.start);
        if (it != leftOpen.end() && (s.flags & CallSpan::kNoExit)) {
            EXPECT_GT(s.duration, it->second) << "call at " << s.start;
            ++open;
        } else {
            got.emplace_back(s.start, s.duration);
        }
    }
    EXPECT_EQ(open, leftOpen.size());
    std::sort(want.begin(), want.end());
    std::sort(got.begin(), got.end());
    EXPECT_TRUE(got == want);
}

}  // namespace
}  // namespace kestrel::bench
