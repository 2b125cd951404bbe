// Sessions as the window keeps them: in the user's state directory, written only when
// something changed, never for another file at the same path, pruned when the trace is
// gone, migrated from beside the trace, exported and imported as files; the event panel's
// filter and the table's row come back with them.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QSignalSpy>
#include <ostream>

#include "decode/trace_model.h"
#include "events/event_panel.h"
#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "events/filter_panel.h"
#include "fixture_copy.h"
#include "formats/event_formats.h"
#include "qt_test_app.h"
#include "support/test_data.h"
#include "window/main_window.h"
#include "window_helpers.h"

namespace kestrel {

// gtest shows a failed comparison of filters as what they select, not as bytes.
void PrintTo(const EventFilter& f, std::ostream* os) {
    *os << "{pids " << ::testing::PrintToString(f.pids) << ", events "
        << ::testing::PrintToString(f.eventIds) << ", cpus " << ::testing::PrintToString(f.cpus)
        << ", from " << f.from << ", to " << f.to << ", advanced \"" << f.advanced << "\"}";
}

namespace {

QString sessionsDir() {
    return qEnvironmentVariable("XDG_STATE_HOME") + QStringLiteral("/kestrel/sessions");
}

QStringList sessionFiles() {
    return QDir(sessionsDir()).entryList({QStringLiteral("*.json")}, QDir::Files);
}

// Everything in the trace's folder but the trace.
QStringList besideTheTrace(const test::FixtureCopy& trace) {
    QStringList files = QDir(trace.dir()).entryList(QDir::Files | QDir::Hidden);
    files.removeAll(QFileInfo(trace.path()).fileName());
    return files;
}

// Each test starts with no session from an earlier one.
class WindowSession : public ::testing::Test {
protected:
    void SetUp() override { QDir(sessionsDir()).removeRecursively(); }
};

// Opens `path`, lets `change` act on the window once the analysis has landed, closes.
template <class Change>
void openChangeAndClose(const QString& path, Change change) {
    MainWindow w;
    w.setQuiet(true);
    ASSERT_TRUE(w.openFile(path));
    ASSERT_TRUE(test::waitForAnalysis(w));
    change(w);
    w.close();
}

QVector<int> tasksOnReopen(const QString& path) {
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    if (!w.openFile(path) || !opened.wait(30000)) return {-1};
    const QVector<int> tasks = w.state()->tasks();
    test::waitForAnalysis(w);
    return tasks;
}

TEST_F(WindowSession, OpeningAndClosingWithoutAChangeWritesNoSession) {
    const test::FixtureCopy trace("markers.dat");
    openChangeAndClose(trace.path(), [](MainWindow&) {});
    EXPECT_EQ(sessionFiles(), QStringList());
    EXPECT_EQ(besideTheTrace(trace), QStringList());
}

TEST_F(WindowSession, ASessionIsKeptInTheStateDirectoryNotBesideTheTrace) {
    const test::FixtureCopy trace("markers.dat");
    openChangeAndClose(trace.path(), [](MainWindow& w) { w.state()->setTasks({8691}); });
    EXPECT_EQ(besideTheTrace(trace), QStringList());
    ASSERT_EQ(sessionFiles().size(), 1);
    EXPECT_TRUE(sessionFiles().first().startsWith(QStringLiteral("markers.dat-")));
    EXPECT_EQ(tasksOnReopen(trace.path()), QVector<int>{8691});
}

// The session is of the file, not of its name: another trace copied over it starts afresh.
TEST_F(WindowSession, AnotherFileAtTheSamePathGetsNoOldSession) {
    const test::FixtureCopy trace("markers.dat");
    openChangeAndClose(trace.path(), [](MainWindow& w) { w.state()->setTasks({8691}); });
    ASSERT_TRUE(QFile::remove(trace.path()));
    ASSERT_TRUE(
        QFile::copy(QString::fromStdString(test::dataPath("sched-irq-timer.dat")), trace.path()));
    EXPECT_EQ(tasksOnReopen(trace.path()), QVector<int>());
}

TEST_F(WindowSession, SessionsOfTracesThatAreGoneArePruned) {
    const test::FixtureCopy kept("markers.dat");
    {
        const test::FixtureCopy gone("two-buffers.dat");
        openChangeAndClose(gone.path(), [](MainWindow& w) { w.state()->setTasks({1}); });
        ASSERT_EQ(sessionFiles().size(), 1);
    }  // its folder and the trace are deleted
    openChangeAndClose(kept.path(), [](MainWindow& w) { w.state()->setTasks({8691}); });
    ASSERT_EQ(sessionFiles().size(), 1);
    EXPECT_TRUE(sessionFiles().first().startsWith(QStringLiteral("markers.dat-")));
}

TEST_F(WindowSession, AReadOnlyTraceFolderKeepsItsSession) {
    if (geteuid() == 0) GTEST_SKIP() << "root writes into read-only folders";
    const test::FixtureCopy trace("markers.dat");
    ASSERT_EQ(chmod(qPrintable(trace.dir()), 0555), 0);
    openChangeAndClose(trace.path(), [](MainWindow& w) { w.state()->setTasks({8691}); });
    chmod(qPrintable(trace.dir()), 0755);
    EXPECT_EQ(tasksOnReopen(trace.path()), QVector<int>{8691});
}

// Sessions saved beside the trace by earlier versions are read once; the next one goes
// to the state directory and the old file is left as it was.
TEST_F(WindowSession, ASessionBesideTheTraceIsReadButNotWritten) {
    const test::FixtureCopy trace("markers.dat");
    const QString legacy = trace.path() + QStringLiteral(".kestrel.json");
    const QByteArray old =
        QJsonDocument(
            QJsonObject{{"version", 1}, {"visible", QJsonObject()}, {"tasks", QJsonArray{8691}}})
            .toJson();
    {
        QFile f(legacy);
        ASSERT_TRUE(f.open(QIODevice::WriteOnly));
        f.write(old);
    }
    openChangeAndClose(trace.path(), [](MainWindow& w) {
        EXPECT_EQ(w.state()->tasks(), QVector<int>{8691});
        w.state()->addTask(1);
    });
    QFile f(legacy);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    EXPECT_EQ(f.readAll(), old);
    EXPECT_EQ(sessionFiles().size(), 1);
    EXPECT_EQ(tasksOnReopen(trace.path()), QVector<int>({8691, 1}));
}

TEST_F(WindowSession, ExportThenImportBringsTheViewBack) {
    const test::FixtureCopy trace("markers.dat");
    const QString file = trace.dir() + QStringLiteral("/exported.json");
    MainWindow w;
    w.setQuiet(true);
    ASSERT_TRUE(w.openFile(trace.path()));
    ASSERT_TRUE(test::waitForAnalysis(w));
    w.state()->setTasks({8691});
    w.state()->setMarkerA(Marker{w.model()->startTime() + 1000, 0});
    ASSERT_TRUE(w.exportSession(file)) << qPrintable(w.statusText());
    EXPECT_EQ(w.statusText(), QStringLiteral("Session exported to %1.").arg(file));

    w.state()->setTasks({});
    w.state()->setMarkerA(std::nullopt);
    ASSERT_TRUE(w.importSession(file)) << qPrintable(w.statusText());
    EXPECT_EQ(w.state()->tasks(), QVector<int>{8691});
    ASSERT_TRUE(w.state()->markerA().has_value());
    EXPECT_EQ(w.state()->markerA()->time, w.model()->startTime() + 1000);

    EXPECT_FALSE(w.importSession(trace.path()));  // a trace is no session
    EXPECT_TRUE(w.statusText().startsWith(QStringLiteral("Cannot import %1: ").arg(trace.path())))
        << qPrintable(w.statusText());
    EXPECT_EQ(w.state()->tasks(), QVector<int>{8691});
}

// The event panel's filter (tasks, events, CPUs, advanced text) comes back, in the
// table and in the panel's controls, and the table at the row the cursor was on.
TEST_F(WindowSession, TheFilterAndTheTablesRowComeBack) {
    const test::FixtureCopy trace("sched-irq-timer.dat");
    EventFilter chosen;
    uint64_t cursor = 0;
    {
        MainWindow w;
        EventPanel* panel = test::openWithPanel(w, trace);
        ASSERT_NE(panel, nullptr);
        ASSERT_TRUE(test::waitForIndex(*panel));
        const TraceModel& model = *w.model();
        chosen.cpus.assign(model.cpuCount(), false);
        for (size_t c = 0; c < model.cpuCount(); ++c) {
            if (!model.cpu(c).frames.empty()) {
                chosen.cpus[c] = true;  // the first CPU with data only
                break;
            }
        }
        auto formats = std::move(*EventFormats::create(model.meta()));
        const EventType* wakeup = formats->find("sched", "sched_waking");
        const EventType* sw = formats->find("sched", "sched_switch");
        ASSERT_TRUE(wakeup && sw);
        chosen.eventIds = {std::min(wakeup->id, sw->id), std::max(wakeup->id, sw->id)};
        chosen.advanced = "sched_switch: prev_prio < 200";
        panel->setFilter(chosen);
        ASSERT_TRUE(test::waitForIndex(*panel));
        ASSERT_GT(panel->tableModel()->totalRows(), 100);
        panel->table()->selectRow(60);
        cursor = w.state()->cursorTime();
        ASSERT_EQ(cursor, panel->tableModel()->timestampOf(60));
        w.close();
    }
    MainWindow w;
    EventPanel* panel = test::openWithPanel(w, trace);
    ASSERT_NE(panel, nullptr);
    ASSERT_TRUE(test::waitForIndex(*panel));
    EventFilter restored = panel->filter();
    restored.from = chosen.from;
    restored.to = chosen.to;
    EXPECT_EQ(restored, chosen);
    EventFilter shown = panel->filterPanel()->filter();
    EXPECT_EQ(shown.cpus, chosen.cpus);
    EXPECT_EQ(shown.eventIds, chosen.eventIds);
    EXPECT_EQ(shown.advanced, chosen.advanced);
    for (uint32_t c = 0; c < w.model()->cpuCount(); ++c)
        EXPECT_EQ(w.timelineView()->eventFilter().selectsCpu(c), chosen.selectsCpu(c)) << c;
    EXPECT_EQ(w.state()->cursorTime(), cursor);
    ASSERT_GE(panel->selectedRow(), 0);
    EXPECT_EQ(panel->tableModel()->timestampOf(panel->selectedRow()), cursor);
}

}  // namespace
}  // namespace kestrel
