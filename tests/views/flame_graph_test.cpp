// The flame graph view on hand-made trees (where frames are, what a click zooms, what the
// breadcrumb and the tooltip say) and the flame panel on the fixtures, checked against
// sums the test takes from the spans itself.
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>
#include <map>

#include "analysis/folded_stacks.h"
#include "analysis/stack_samples.h"
#include "call_trees_fixture.h"
#include "flame/flame_graph_view.h"
#include "flame/flame_panel.h"
#include "qt_test_app.h"
#include "timeline/time_scale.h"
#include "timeline/timeline_state.h"

namespace kestrel {
namespace {

uint32_t childNamed(const FlameTree& t, uint32_t node, const std::string& name) {
    const FlameTree::Node& n = t.nodes[node];
    for (uint32_t c = n.firstChild; c < n.firstChild + n.children; ++c)
        if (t.nameOf(c) == name) return c;
    return 0;
}

class FlameViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_tree =
            std::make_shared<FlameTree>(flameFromFolded({{"a;b", 60}, {"a;c", 30}, {"d", 10}}));
        m_a = childNamed(*m_tree, 0, "a");
        m_b = childNamed(*m_tree, m_a, "b");
        m_c = childNamed(*m_tree, m_a, "c");
        m_view.resize(1000, 300);
        m_view.setTree(m_tree, FlameUnit::kSamples);
        m_view.show();
        QCoreApplication::processEvents();
    }
    void click(uint32_t node) {
        const QRect r = m_view.frameRect(node);
        ASSERT_FALSE(r.isEmpty());
        QTest::mouseClick(m_view.canvas(), Qt::LeftButton, {}, r.center());
    }
    std::shared_ptr<FlameTree> m_tree;
    uint32_t m_a = 0, m_b = 0, m_c = 0;
    FlameGraphView m_view;
};

TEST_F(FlameViewTest, WidthsFollowTotals) {
    const int width = m_view.canvas()->width();
    EXPECT_NEAR(m_view.frameRect(0).width(), width, 1);
    EXPECT_NEAR(m_view.frameRect(m_a).width(), width * 0.9, 1);
    EXPECT_NEAR(m_view.frameRect(m_c).width(), width * 0.3, 1);
    EXPECT_EQ(m_view.frameRect(m_b).x(), 0);
    EXPECT_NEAR(m_view.frameRect(m_c).x(), width * 0.6, 1);
    EXPECT_EQ(m_view.frameAt(m_view.frameRect(m_c).center()), m_c);
    // Flame: the root at the bottom; icicle: at the top.
    EXPECT_GT(m_view.frameRect(0).y(), m_view.frameRect(m_a).y());
    m_view.setIcicle(true);
    EXPECT_LT(m_view.frameRect(0).y(), m_view.frameRect(m_a).y());
    EXPECT_EQ(m_view.frameAt(m_view.frameRect(m_b).center()), m_b);
}

TEST_F(FlameViewTest, ClickZoomsAndBreadcrumbGoesBack) {
    EXPECT_EQ(m_view.breadcrumb(), "all");
    click(m_c);
    EXPECT_EQ(m_view.zoomed(), m_c);
    EXPECT_EQ(m_view.breadcrumb(), "all > a > c");
    const int width = m_view.canvas()->width();
    EXPECT_EQ(m_view.frameRect(m_c).width(), width);  // the zoomed frame: full width
    EXPECT_EQ(m_view.frameRect(m_a).width(), width);  // its ancestors too
    EXPECT_TRUE(m_view.frameRect(m_b).isEmpty());     // beside it: gone
    auto* crumbs = m_view.findChild<QLabel*>("flameBreadcrumb");
    ASSERT_TRUE(crumbs);
    EXPECT_TRUE(crumbs->text().contains(QString("href=\"%1\"").arg(m_a)));
    emit crumbs->linkActivated(QString::number(m_a));
    EXPECT_EQ(m_view.breadcrumb(), "all > a");
    EXPECT_NEAR(m_view.frameRect(m_b).width(), width * 60 / 90.0, 1);
    click(m_b);
    EXPECT_EQ(m_view.breadcrumb(), "all > a > b");
    QTest::keyClick(&m_view, Qt::Key_Escape);
    EXPECT_EQ(m_view.breadcrumb(), "all");
    EXPECT_EQ(m_view.zoomed(), 0u);
}

TEST_F(FlameViewTest, NewTreeKeepsTheZoomedPath) {
    m_view.zoomTo(m_c);
    auto next = std::make_shared<FlameTree>(flameFromFolded({{"x", 5}, {"a;c;e", 7}}));
    m_view.setTree(next, FlameUnit::kSamples);
    EXPECT_EQ(m_view.breadcrumb(), "all > a > c");
    m_view.setTree(std::make_shared<FlameTree>(flameFromFolded({{"a;b", 1}})), FlameUnit::kSamples);
    EXPECT_EQ(m_view.breadcrumb(), "all > a");  // c is gone: its caller stays zoomed
}

TEST_F(FlameViewTest, TooltipSharesOfRootAndZoomedFrame) {
    EXPECT_TRUE(m_view.toolTipFor(m_b).contains("60.0 % of all"));
    m_view.zoomTo(m_a);
    const QString tip = m_view.toolTipFor(m_b);
    EXPECT_TRUE(tip.contains("60 samples")) << tip.toStdString();
    EXPECT_TRUE(tip.contains("66.7 % of a")) << tip.toStdString();
}

TEST_F(FlameViewTest, HoverShowsTheFrameUnderTheMouse) {
    const QPoint at = m_view.frameRect(m_c).center();
    QHelpEvent help(QEvent::ToolTip, at, m_view.canvas()->mapToGlobal(at));
    QCoreApplication::sendEvent(m_view.canvas(), &help);
    ASSERT_TRUE(QToolTip::isVisible());
    EXPECT_TRUE(QToolTip::text().startsWith("<b>c</b>")) << QToolTip::text().toStdString();
    EXPECT_TRUE(QToolTip::text().contains("Total: 30 samples")) << QToolTip::text().toStdString();
    QToolTip::hideText();
}

TEST_F(FlameViewTest, SearchSaysTheMatchedShare) {
    QSignalSpy spy(&m_view, &FlameGraphView::searchChanged);
    m_view.setSearch("C");
    EXPECT_EQ(m_view.matchedText(), "Matched: 30.0 % (30 samples)");
    ASSERT_EQ(spy.count(), 1);
    EXPECT_EQ(spy.at(0).at(0).toString(), "C");
}

TEST(FlameView, FramesUnderAPixelAreNotDrawn) {
    std::vector<FoldedLine> lines{{"wide", 1'000'000}};
    for (int i = 0; i < 5000; ++i) lines.push_back({"tiny" + std::to_string(i), 1});
    auto tree = std::make_shared<FlameTree>(flameFromFolded(lines));
    FlameGraphView view;
    view.resize(800, 200);
    view.setTree(tree, FlameUnit::kTime);
    view.show();
    QCoreApplication::processEvents();
    EXPECT_FALSE(view.frameRect(childNamed(*tree, 0, "wide")).isEmpty());
    EXPECT_TRUE(view.frameRect(childNamed(*tree, 0, "tiny7")).isEmpty());
    const QRect wide = view.frameRect(childNamed(*tree, 0, "wide"));
    EXPECT_EQ(view.frameAt(QPoint(view.canvas()->width() - 1, wide.center().y())),
              FlameGraphView::kNoFrame);
}

class FlamePanelTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        s_calls = new test::LoadedCalls(test::loadCalls("function-graph.dat"));
    }
    static void TearDownTestSuite() { delete s_calls; }

    void SetUp() override {
        m_panel = std::make_unique<FlamePanel>(&m_state);
        m_panel->resize(1200, 500);
        m_panel->setTrace(s_calls->model);
        m_panel->setCallTrees(s_calls->trees, s_calls->formats.get(), false);
        m_panel->show();
        ASSERT_TRUE(test::waitFor([&] { return !m_panel->busy(); }));
    }
    const FlameTree& tree() const { return *m_panel->graph()->tree(); }

    // Per root function, the time of the outermost calls inside [from, to].
    static std::map<std::string, uint64_t> rootTimes(uint64_t from = 0, uint64_t to = UINT64_MAX) {
        std::map<std::string, uint64_t> out;
        for (uint64_t i = 0; i < s_calls->trees->spans.size(); ++i) {
            if (s_calls->trees->spans[i].depth != 0) continue;
            const uint64_t t = test::measured(*s_calls, i, from, to);
            if (t) out[s_calls->names[s_calls->trees->spans[i].function]] += t;
        }
        return out;
    }

    static test::LoadedCalls* s_calls;
    TimelineState m_state;
    std::unique_ptr<FlamePanel> m_panel;
};
test::LoadedCalls* FlamePanelTest::s_calls = nullptr;

TEST_F(FlamePanelTest, RootFramesHoldTheOutermostCalls) {
    ASSERT_TRUE(m_panel->graph()->tree());
    const auto expected = rootTimes();
    ASSERT_GT(expected.size(), 3u);
    uint64_t sum = 0;
    for (const auto& [name, total] : expected) {
        const uint32_t node = childNamed(tree(), 0, name);
        ASSERT_NE(node, 0u) << name;
        EXPECT_EQ(tree().nodes[node].total, total) << name;
        sum += total;
    }
    EXPECT_EQ(tree().nodes[0].total, sum);
    EXPECT_EQ(tree().nodes[0].children, expected.size());
}

TEST_F(FlamePanelTest, SearchShareIsThatOfTheMatchingPaths) {
    // Each folded line (a path and its own time) counts once if any frame matches.
    const std::vector<FoldedLine> lines = foldedLines(aggregateCalls(*s_calls->trees, CallFilter{}),
                                                      *s_calls->trees, *s_calls->formats);
    uint64_t all = 0, matched = 0;
    for (const FoldedLine& l : lines) {
        all += l.value;
        QString stack = QString::fromStdString(l.stack);
        if (stack.contains("rcu", Qt::CaseInsensitive)) matched += l.value;
    }
    ASSERT_GT(matched, 0u);
    QSignalSpy spy(m_panel.get(), &FlamePanel::searchChanged);
    m_panel->graph()->setSearch("RCU");
    EXPECT_EQ(spy.count(), 1);
    const QString expected = QString("Matched: %1 % (%2)")
                                 .arg(100.0 * double(matched) / double(all), 0, 'f', 1)
                                 .arg(QString::fromStdString(formatDuration(matched)));
    EXPECT_EQ(m_panel->graph()->matchedText(), expected);
}

TEST_F(FlamePanelTest, SelectedRangeAndMarkersComparedWithIt) {
    const uint64_t start = s_calls->model->startTime(), end = s_calls->model->endTime();
    const uint64_t third = (end - start) / 3;
    m_state.setSelection({start + third, start + 2 * third});
    m_panel->setScope(FlamePanel::kSelection);
    ASSERT_TRUE(test::waitFor([&] { return !m_panel->busy(); }));
    auto inSelection = rootTimes(start + third, start + 2 * third);
    for (const auto& [name, total] : inSelection)
        EXPECT_EQ(tree().nodes[childNamed(tree(), 0, name)].total, total) << name;

    m_state.setMarkerA(Marker{start, -1});
    m_state.setMarkerB(Marker{start + third, -1});
    m_panel->setCompare(FlamePanel::kCompareMarkers);
    ASSERT_TRUE(test::waitFor([&] { return !m_panel->busy(); }));
    ASSERT_TRUE(tree().diff);
    auto inMarkers = rootTimes(start, start + third);
    std::map<std::string, uint64_t> names;
    for (const auto& [name, t] : inMarkers) names[name] = 0;
    for (const auto& [name, t] : inSelection) names[name] = 0;
    for (const auto& [name, unused] : names) {
        const uint32_t node = childNamed(tree(), 0, name);
        ASSERT_NE(node, 0u) << name;
        EXPECT_EQ(tree().nodes[node].before, inMarkers[name]) << name;
        EXPECT_EQ(tree().nodes[node].total, inSelection[name]) << name;
    }
    EXPECT_TRUE(m_panel->graph()
                    ->toolTipFor(childNamed(tree(), 0, names.begin()->first))
                    .contains("Change:"));
}

TEST_F(FlamePanelTest, TraceAgainstItselfChangesNothing) {
    m_panel->compareWithFile(QString::fromStdString(test::dataPath("function-graph.dat")));
    ASSERT_TRUE(test::waitFor([&] { return !m_panel->busy() && tree().diff; }));
    ASSERT_GT(tree().nodes.size(), 10u);
    for (uint32_t n = 0; n < tree().nodes.size(); ++n) {
        ASSERT_EQ(tree().nodes[n].before, tree().nodes[n].total) << tree().nameOf(n);
    }
}

TEST_F(FlamePanelTest, TaskScopeHoldsThatTasksCalls) {
    const CallLane* busiest = nullptr;
    for (const CallLane& lane : s_calls->trees->lanes) {
        if (lane.pid != 0 && (!busiest || lane.count > busiest->count)) busiest = &lane;
    }
    ASSERT_TRUE(busiest);
    std::map<std::string, uint64_t> expected;
    for (uint64_t i = busiest->first; i < busiest->first + busiest->count; ++i) {
        const CallSpan& s = s_calls->trees->spans[i];
        if (s.depth == 0) expected[s_calls->names[s.function]] += test::measured(*s_calls, i);
    }
    m_panel->setScope(FlamePanel::kTasks, {busiest->pid});
    ASSERT_TRUE(test::waitFor([&] { return !m_panel->busy(); }));
    EXPECT_EQ(tree().nodes[0].children, expected.size());
    for (const auto& [name, total] : expected)
        EXPECT_EQ(tree().nodes[childNamed(tree(), 0, name)].total, total) << name;
}

TEST_F(FlamePanelTest, AnotherTraceWithoutCallsIsSaid) {
    m_panel->compareWithFile(QString::fromStdString(test::dataPath("sched-irq-timer.dat")));
    ASSERT_TRUE(test::waitFor([&] { return !m_panel->busy() && !m_panel->status().isEmpty(); }));
    EXPECT_TRUE(m_panel->status().startsWith("Cannot compare with sched-irq-timer.dat"))
        << m_panel->status().toStdString();
    EXPECT_FALSE(tree().diff);
}

TEST(FlamePanelSamples, StackSamplesCountTheirRecords) {
    test::LoadedCalls l = test::loadCalls("function-stacks.dat");
    auto samples = foldStackSamples(*l.model, *l.formats, CallFilter{});
    ASSERT_TRUE(samples);
    ASSERT_GT(samples.value().samples, 0u);
    TimelineState state;
    FlamePanel panel(&state);
    panel.setTrace(l.model);
    panel.setCallTrees(l.trees, l.formats.get(), true);
    panel.setSource(FlamePanel::kStackSamples);
    ASSERT_TRUE(test::waitFor([&] { return !panel.busy() && panel.graph()->tree(); }));
    EXPECT_EQ(panel.graph()->tree()->nodes[0].total, samples.value().samples);
    EXPECT_TRUE(panel.status().contains("stack samples")) << panel.status().toStdString();
}

}  // namespace
}  // namespace kestrel
