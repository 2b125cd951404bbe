// How the timeline draws what no sched_switch recorded (SpanOrigin::Inferred and Tail):
// lighter, under stripes, and said in the tooltip. sched-irq-timer.dat's demo cpu1 has
// no switch back from idle: dd-5788's own events show it running there from 1404.984890
// (sched_process_exec) to its next switch; idle's events before that say it was idle.
#include <gtest/gtest.h>

#include <QImage>
#include <QPainter>
#include <set>

#include "qt_test_app.h"
#include "support/test_data.h"
#include "timeline/timeline_view.h"
#include "timeline/track_colors.h"

namespace kestrel {
namespace {

struct Loaded {
    std::unique_ptr<TraceModel> model;
    std::unique_ptr<EventFormats> formats;
    std::shared_ptr<SchedTimeline> timeline;
};

Loaded& fixture() {
    static Loaded l = [] {
        Loaded x;
        x.model = std::move(*TraceModel::open(test::dataPath("sched-irq-timer.dat")));
        x.formats = std::move(*EventFormats::create(x.model->meta()));
        x.timeline =
            std::make_shared<SchedTimeline>(std::move(*analyzeSched(*x.model, *x.formats)));
        return x;
    }();
    return l;
}

class InferredSpansTest : public ::testing::Test {
protected:
    void SetUp() override {
        view = std::make_unique<TimelineView>(&state);
        view->resize(1200, 400);
        view->setModel(fixture().model.get());
        view->setTimeline(fixture().timeline);
        for (size_t i = 0; i < fixture().model->cpuCount(); ++i) {
            if (fixture().model->cpuLabel(i) == "demo cpu1") cpu1 = i;
        }
        state.addTask(5788);
        state.setVisibleRange({1404984000000ULL, 1404988000000ULL});
    }
    QImage render() {
        QImage image(view->size(), QImage::Format_RGB32);
        QPainter p(&image);
        view->paintTo(p, view->size());
        return image;
    }
    // The colours of a row's pixels from x to x + 12: a striped fill holds two.
    static std::set<QRgb> coloursAt(const QImage& image, int x, int y) {
        std::set<QRgb> out;
        for (int dx = 0; dx < 12; ++dx) out.insert(image.pixel(x + dx, y));
        return out;
    }

    TimelineState state;
    std::unique_ptr<TimelineView> view;
    size_t cpu1 = 0;
};

TEST_F(InferredSpansTest, CpuAndTaskRowsDrawInferredRunningLighterWithStripes) {
    const QImage image = render();
    const int x = int(view->xForTime(1404986000000ULL));
    const QColor dd = taskColor(5788);
    const QRectF cpuRow = view->cpuRowRect(cpu1), taskRow = view->taskRowRect(5788);
    const std::set<QRgb> want = {inferredFill(dd, SpanOrigin::Inferred).rgb(),
                                 dd.darker(115).rgb()};
    EXPECT_EQ(coloursAt(image, x, int(cpuRow.top()) + 4), want);
    EXPECT_EQ(coloursAt(image, x, int(taskRow.top()) + 4), want);
}

TEST_F(InferredSpansTest, TooltipSaysNoSchedSwitchRecordedIt) {
    const int x = int(view->xForTime(1404986000000ULL));
    const QString cpu = view->describeAt(QPoint(x, int(view->cpuRowRect(cpu1).center().y())));
    EXPECT_TRUE(cpu.contains("dd-5788 running")) << cpu.toStdString();
    EXPECT_TRUE(cpu.contains(spanOriginText(SpanOrigin::Inferred))) << cpu.toStdString();
    const QString task = view->describeAt(QPoint(x, int(view->taskRowRect(5788).center().y())));
    EXPECT_TRUE(task.contains("dd-5788: running on demo cpu1")) << task.toStdString();
    EXPECT_TRUE(task.contains("no sched_switch recorded it")) << task.toStdString();
}

// The tooltip of a span sched_switch recorded says nothing more.
TEST_F(InferredSpansTest, RecordedSpansCarryNoNote) {
    state.setVisibleRange({1403842500000ULL, 1403842700000ULL});
    size_t cpu0 = 0;
    for (size_t i = 0; i < fixture().model->cpuCount(); ++i) {
        if (fixture().model->cpuLabel(i) == "demo cpu0") cpu0 = i;
    }
    const int x = int(view->xForTime(1403842550000ULL));
    const QString cpu = view->describeAt(QPoint(x, int(view->cpuRowRect(cpu0).center().y())));
    EXPECT_TRUE(cpu.contains("memfd:sealed-91-1534 running")) << cpu.toStdString();
    EXPECT_FALSE(cpu.contains("sched_switch")) << cpu.toStdString();
}

}  // namespace
}  // namespace kestrel
