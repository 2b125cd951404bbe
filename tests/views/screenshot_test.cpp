// KESTREL_SCREENSHOT's call-view variables: the window, made with them set, opens
// function-graph.dat, sets the flame panel or the function table as asked, draws itself
// into the PNG and quits the event loop (scripts/screenshots.sh takes docs/' pictures so).
#include <gtest/gtest.h>

#include <QApplication>
#include <QFile>
#include <QImage>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <cstdlib>
#include <map>
#include <string>

#include "analysis/flame_tree.h"
#include "fixture_copy.h"
#include "flame/flame_panel.h"
#include "flame/function_table.h"
#include "formats/event_formats.h"
#include "qt_test_app.h"
#include "window/call_views.h"
#include "window/main_window.h"

namespace kestrel {
namespace {

using Variables = std::map<std::string, std::string>;

// Sets the variables for the window's constructor only: later tests see none of them.
class ScopedVariables {
public:
    explicit ScopedVariables(const Variables& vars) : m_vars(vars) {
        for (const auto& [name, value] : m_vars) setenv(name.c_str(), value.c_str(), 1);
    }
    ~ScopedVariables() {
        for (const auto& [name, value] : m_vars) unsetenv(name.c_str());
    }

private:
    Variables m_vars;
};

class ScreenshotTest : public ::testing::Test {
protected:
    // Opens the copy with `vars` set and runs the event loop until the window quits it:
    // the exit code (2 when nothing quit it within a minute).
    int shoot(const test::FixtureCopy& trace, Variables vars) {
        vars["KESTREL_SCREENSHOT"] = m_png.toStdString();
        {
            ScopedVariables set(vars);
            m_window = std::make_unique<MainWindow>();
        }
        if (!m_window->openFile(trace.path())) return 3;
        m_window->show();
        QTimer guard;
        guard.setSingleShot(true);
        QObject::connect(&guard, &QTimer::timeout, [] { QApplication::exit(2); });
        guard.start(60000);
        return QApplication::exec();
    }

    QString currentTab() const {
        QTabWidget* tabs = m_window->bottomArea();
        return tabs->tabText(tabs->currentIndex()).remove(QLatin1Char('&'));
    }

    // The name of a CallTrees function, from an EventFormats of the test's own.
    std::string functionName(uint32_t function) const {
        auto formats = EventFormats::create(m_window->model()->meta());
        if (!formats) return {};
        return m_window->callViews()->trees()->functionName(function, *formats.value());
    }

    QTemporaryDir m_dir;
    QString m_png = m_dir.filePath(QStringLiteral("shot.png"));
    std::unique_ptr<MainWindow> m_window;
};

// A session beside the copy: markers A and B on the first half, the second selected.
void writeSession(const test::FixtureCopy& trace) {
    QFile out(trace.path() + QStringLiteral(".kestrel.json"));
    ASSERT_TRUE(out.open(QIODevice::WriteOnly));
    out.write(R"({"version": 1,
        "visible": {"from": "6408400000", "to": "6586800000"},
        "selection": {"from": "6497600000", "to": "6586800000"},
        "markerA": {"time": "6408400000", "cpu": 1},
        "markerB": {"time": "6497600000", "cpu": 1}})");
}

TEST_F(ScreenshotTest, AFunctionNamedIsSelectedWithItsCallersAndCallees) {
    const test::FixtureCopy trace("function-graph.dat");
    ASSERT_EQ(shoot(trace, {{"KESTREL_SCREENSHOT_TAB", "Functions"},
                            {"KESTREL_SCREENSHOT_FUNCTION", "kmem_cache_alloc"}}),
              0);
    EXPECT_EQ(QImage(m_png).size(), m_window->size());
    EXPECT_EQ(currentTab(), QStringLiteral("Functions"));
    FunctionTable* table = m_window->callViews()->functionTable();
    ASSERT_NE(table, nullptr);
    const FunctionStats* selected = table->selectedStats();
    ASSERT_NE(selected, nullptr);
    EXPECT_EQ(functionName(selected->function), "kmem_cache_alloc");
    EXPECT_GT(table->callersTable()->model()->rowCount(), 0);
    EXPECT_GT(table->calleesTable()->model()->rowCount(), 0);
}

TEST_F(ScreenshotTest, AnUnknownFunctionLeavesTheTableUnselectedAndStillDraws) {
    const test::FixtureCopy trace("function-graph.dat");
    ASSERT_EQ(shoot(trace, {{"KESTREL_SCREENSHOT_TAB", "Functions"},
                            {"KESTREL_SCREENSHOT_FUNCTION", "no_such_function"}}),
              0);
    EXPECT_FALSE(QImage(m_png).isNull());
    EXPECT_EQ(m_window->callViews()->functionTable()->selectedStats(), nullptr);
}

TEST_F(ScreenshotTest, DiffComparesMarkersWithTheSelection) {
    const test::FixtureCopy trace("function-graph.dat");
    writeSession(trace);
    ASSERT_EQ(shoot(trace, {{"KESTREL_SCREENSHOT_TAB", "Flame graph"},
                            {"KESTREL_SCREENSHOT_FLAME", "diff"}}),
              0);
    EXPECT_EQ(currentTab(), QStringLiteral("Flame graph"));
    FlamePanel* panel = m_window->callViews()->flamePanel();
    ASSERT_NE(panel, nullptr);
    EXPECT_FALSE(panel->busy());
    const FlameTree* tree = panel->graph()->tree();
    ASSERT_NE(tree, nullptr);
    EXPECT_TRUE(tree->diff);
    // Both halves of the trace hold calls: each side of the root has time.
    EXPECT_GT(tree->nodes[0].before, 0u);
    EXPECT_GT(tree->nodes[0].total, 0u);
}

TEST_F(ScreenshotTest, IcicleTurnsTheFlameGraphOver) {
    const test::FixtureCopy trace("function-graph.dat");
    ASSERT_EQ(shoot(trace, {{"KESTREL_SCREENSHOT_TAB", "Flame graph"},
                            {"KESTREL_SCREENSHOT_FLAME", "icicle"}}),
              0);
    FlamePanel* panel = m_window->callViews()->flamePanel();
    ASSERT_NE(panel, nullptr);
    EXPECT_TRUE(panel->graph()->icicle());
    ASSERT_NE(panel->graph()->tree(), nullptr);
    EXPECT_FALSE(panel->graph()->tree()->diff);
}

}  // namespace
}  // namespace kestrel
