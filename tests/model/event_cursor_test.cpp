// EventCursor over traces whose frames lie: a frame that does not read, a page stamped 0.
#include "decode/event_cursor.h"

#include <gtest/gtest.h>

#include "base/byte_order.h"
#include "decode/trace_model.h"
#include "ring/page_walk.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

// A real trace whose frame `m_frame` starts with a page stamped 0: its header timestamp
// (and so the frame's start time in the index) is 0, as a damaged page header gives.
class ZeroStampedFrame : public TraceSource {
public:
    ZeroStampedFrame(std::unique_ptr<TraceSource> real, size_t frame)
        : m_real(std::move(real)), m_frames(m_real->frames()), m_frame(frame) {
        m_frames[frame].tFirst = 0;
    }
    const std::string& path() const override { return m_real->path(); }
    std::string formatName() const override { return m_real->formatName(); }
    const TraceMeta& meta() const override { return m_real->meta(); }
    const FrameIndex& frames() const override { return m_frames; }
    Status readFrame(size_t index, std::vector<uint8_t>& out) const override {
        Status st = m_real->readFrame(index, out);
        if (st.ok() && index == m_frame) store64(out.data(), 0, meta().bigEndian);
        return st;
    }
    uint64_t fileSize() const override { return m_real->fileSize(); }

private:
    std::unique_ptr<TraceSource> m_real;
    FrameIndex m_frames;
    size_t m_frame;
};

uint64_t countWithCursor(const TraceModel& model, uint64_t from = 0) {
    CursorOptions options;
    options.from = from;
    EventCursor cursor(model, options);
    EventRef ev;
    uint64_t n = 0;
    while (cursor.next(ev)) ++n;
    return n;
}

// Seeking binary-searched the frames' start times, which a zero stamp puts out of order:
// the cursor started a CPU at the wrong frame and left out the frames before it.
TEST(EventCursor, APageStampedZeroLosesNoEventOfItsCpu) {
    auto plain = TraceModel::open(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(plain);
    const TraceModel& p = **plain;
    size_t cpu = 0;
    for (size_t c = 0; c < p.cpuCount(); ++c) {
        if (p.cpu(c).frames.size() > p.cpu(cpu).frames.size()) cpu = c;
    }
    ASSERT_GE(p.cpu(cpu).frames.size(), 4u);
    const uint64_t all = countWithCursor(p);
    const uint64_t mid = (p.startTime() + p.endTime()) / 2;
    const uint64_t fromMid = countWithCursor(p, mid);
    // Wherever the zero stamp falls, every event is found; a binary search probes some
    // frames and not others, so each position is tried.
    for (size_t k = 1; k < p.cpu(cpu).frames.size(); ++k) {
        auto source = openTrace(test::dataPath("sched-irq-timer.dat"));
        ASSERT_TRUE(source);
        auto model = TraceModel::fromSource(
            std::make_unique<ZeroStampedFrame>(std::move(source.value()), p.cpu(cpu).frames[k]));
        ASSERT_TRUE(model) << model.message();
        EXPECT_EQ((*model)->cpu(cpu).framesOutOfOrder, 1u) << "frame " << k;
        EXPECT_EQ(countWithCursor(**model), all) << "frame " << k;
        // Seeking into the middle finds every later event too.
        EXPECT_EQ(countWithCursor(**model, mid), fromMid) << "frame " << k;
    }
}

// Unreadable bytes in one frame of a CPU: the cursor reads every other frame of that CPU
// and notes the one it skipped in the model (the first frame's damage used to end the
// whole CPU's stream, silently).
class UnreadableFrame : public TraceSource {
public:
    UnreadableFrame(std::unique_ptr<TraceSource> real, size_t frame)
        : m_real(std::move(real)), m_frame(frame) {}
    const std::string& path() const override { return m_real->path(); }
    std::string formatName() const override { return m_real->formatName(); }
    const TraceMeta& meta() const override { return m_real->meta(); }
    const FrameIndex& frames() const override { return m_real->frames(); }
    Status readFrame(size_t index, std::vector<uint8_t>& out) const override {
        if (index == m_frame) return Status::error("damaged on purpose");
        return m_real->readFrame(index, out);
    }
    uint64_t fileSize() const override { return m_real->fileSize(); }

private:
    std::unique_ptr<TraceSource> m_real;
    size_t m_frame;
};

// The events of one frame, counted from its bytes.
uint64_t eventsIn(const TraceModel& model, uint32_t frame) {
    std::vector<uint8_t> bytes;
    EXPECT_TRUE(model.source().readFrame(frame, bytes));
    uint64_t n = 0;
    walkPages(
        bytes.data(), bytes.size(), model.cpu(model.frames()[frame].cpu).format,
        [](const PageHeader&, size_t) { return true; }, [&](const RawEvent&) { ++n; },
        [](size_t, const std::string&) { ADD_FAILURE(); });
    return n;
}

TEST(EventCursor, AnUnreadableFirstFrameOfACpuSkipsOnlyThatFrame) {
    auto plain = TraceModel::open(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(plain);
    const TraceModel& p = **plain;
    size_t cpu = p.cpuCount() - 1;
    while (cpu > 0 && p.cpu(cpu).frames.empty()) --cpu;
    const uint32_t first = p.cpu(cpu).frames.front();
    auto source = openTrace(test::dataPath("sched-irq-timer.dat"));
    ASSERT_TRUE(source);
    auto model =
        TraceModel::fromSource(std::make_unique<UnreadableFrame>(std::move(source.value()), first));
    ASSERT_TRUE(model);
    EXPECT_EQ(countWithCursor(**model), countWithCursor(p) - eventsIn(p, first));
    auto damage = (*model)->damage();
    ASSERT_EQ(damage.size(), 1u);
    EXPECT_EQ(damage[0].frame, first);
    EXPECT_EQ(damage[0].cpu, cpu);
    EXPECT_EQ(damage[0].reason, "damaged on purpose");
    EXPECT_NE((*model)->describe(damage[0]).find(p.cpuLabel(cpu) + ": frame at offset "),
              std::string::npos);
}

}  // namespace
}  // namespace kestrel
