// Row painters on hand-made timelines, painted into a QImage. Painting at the deepest
// zoom runs under a watchdog: a painter that stops advancing must fail the test, not
// hang it.
#include "timeline/track_painters.h"

#include <gtest/gtest.h>

#include <QDeadlineTimer>
#include <QImage>
#include <QPainter>
#include <QThread>
#include <memory>

#include "qt_test_app.h"

namespace kestrel {
namespace {

constexpr int kWatchdogMs = 20000;  // the painting takes well under 1 ms

// Runs `paint` on a thread of its own and waits for it up to kWatchdogMs. A paint that
// never returns is left running (its thread leaked, `paint` owning what it paints) so
// the test can fail. A QThread, not a std::thread: Qt keeps font caches per thread and
// frees them when a QThread ends.
template <class Paint>
bool returnsInTime(Paint paint) {
    QThread* thread = QThread::create(std::move(paint));
    thread->start();
    if (!thread->wait(QDeadlineTimer(kWatchdogMs))) return false;
    delete thread;
    return true;
}

struct Canvas {
    QImage image{400, 40, QImage::Format_RGB32};
    QRectF row{0, 0, 400, 40};
    Canvas() { image.fill(Qt::white); }
};

// Two trace_marker writes of one task on one CPU with the same timestamp (the kernel
// stamps events that close together alike), drawn at 1/100 ns per pixel.
std::shared_ptr<SchedTimeline> twoPrintsAtOneTime(uint64_t ts) {
    auto t = std::make_shared<SchedTimeline>();
    t->prints.push_back({ts, 42, 0, "first"});
    t->prints.push_back({ts, 42, 0, "second"});
    return t;
}

TEST(TrackPainters, PrintFlagsSharingATimestampAtSubNanosecondZoomReturn) {
    const uint64_t ts = 1403842536297ULL;
    auto timeline = twoPrintsAtOneTime(ts);
    const TimeScale scale{ts - 1, 0.01, 400};  // the prints at x = 100
    for (int pass = 0; pass < 2; ++pass) {     // a CPU row, then a task row
        auto canvas = std::make_shared<Canvas>();
        const int cpu = pass == 0 ? 0 : -1, pid = pass == 0 ? -1 : 42;
        ASSERT_TRUE(returnsInTime([=] {
            QPainter p(&canvas->image);
            paintPrintFlags(p, canvas->row, *timeline, cpu, pid, scale);
        })) << "paintPrintFlags did not return (row "
            << pass << ")";
        const int x = static_cast<int>(scale.toX(ts)) + 1;  // the flag, right of its line
        EXPECT_EQ(QColor(canvas->image.pixel(x, 2)), QColor(30, 90, 200)) << "row " << pass;
    }
}

}  // namespace
}  // namespace kestrel
