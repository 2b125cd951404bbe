// EventPanel as the window uses it: background index, selection signals, showTime,
// filters from the panel, search next/previous, details, and a screenshot.
#include "events/event_panel.h"

#include <gtest/gtest.h>

#include <QApplication>
#include <QCheckBox>
#include <QElapsedTimer>
#include <QFontInfo>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QProgressBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTest>
#include <QThread>
#include <QTreeWidgetItemIterator>
#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "analysis/call_tree.h"
#include "analysis/sched_timeline.h"
#include "decode/trace_model.h"
#include "events/details_pane.h"
#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "events/filter_panel.h"
#include "events/search_bar.h"
#include "support/report_oracle.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

QApplication& app() {
    static int argc = 1;
    static char name[] = "event_panel_test";
    static char* argv[] = {name, nullptr};
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    // Never destroyed: a static QApplication torn down at exit crashes in Qt's own
    // exit-time cleanup; reachable through this pointer, so not a leak to LSan.
    static QApplication* a = new QApplication(argc, argv);
    return *a;
}

// Runs the event loop until `pred` holds (background passes report through it).
template <class Pred>
bool waitFor(Pred pred, int ms = 30000) {
    QElapsedTimer timer;
    timer.start();
    while (!pred()) {
        if (timer.elapsed() > ms) return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
        QThread::msleep(2);
    }
    return true;
}

class EventPanelTest : public ::testing::Test {
protected:
    void open(const char* name) { openPath(test::dataPath(name)); }
    void openPath(const std::string& path) {
        app();
        m_path = path;
        m_model = std::move(TraceModel::open(m_path).value());
        m_formats = std::move(EventFormats::create(m_model->meta()).value());
        m_panel = std::make_unique<EventPanel>(*m_model, *m_formats);
        // The window hands the panel the counts of its sched analysis.
        auto timeline = analyzeSched(*m_model, *m_formats);
        ASSERT_TRUE(timeline.ok()) << timeline.message();
        m_panel->setScan(timeline->counts);
        m_panel->resize(1200, 700);
        ASSERT_TRUE(waitFor([&] { return m_panel->indexReady(); }));
    }
    void TearDown() override { m_panel.reset(); }
    QString cell(int row, Column c) const {
        auto* m = m_panel->tableModel();
        return m->data(m->index(row, static_cast<int>(c))).toString();
    }
    int rows() const { return m_panel->tableModel()->totalRows(); }
    // The table column whose header reads `name`, or -1.
    int columnNamed(const QString& name) const {
        auto* m = m_panel->tableModel();
        for (int c = 0; c < m->columnCount(); ++c) {
            if (m->headerData(c, Qt::Horizontal, Qt::DisplayRole).toString() == name) return c;
        }
        return -1;
    }
    void uncheckAllBut(QListWidget* list, const QString& prefix) {
        for (int i = 0; i < list->count(); ++i) {
            bool keep = list->item(i)->text().startsWith(prefix);
            list->item(i)->setCheckState(keep ? Qt::Checked : Qt::Unchecked);
        }
    }

    std::string m_path;
    std::unique_ptr<TraceModel> m_model;
    std::unique_ptr<EventFormats> m_formats;
    std::unique_ptr<EventPanel> m_panel;
};

TEST_F(EventPanelTest, SelectingARowEmitsItsTimeAndCpu) {
    open("sched-irq-timer.dat");
    QSignalSpy spy(m_panel.get(), &EventPanel::eventSelected);
    m_panel->table()->selectRow(10);
    ASSERT_EQ(spy.count(), 1);
    uint64_t ts = spy.at(0).at(0).value<uint64_t>();
    EXPECT_EQ(ts, m_panel->tableModel()->timestampOf(10));
    int cpu = spy.at(0).at(1).toInt();
    EXPECT_EQ(QString::number(m_model->meta().cpus[static_cast<size_t>(cpu)].cpu),
              cell(10, Column::Cpu));
}

TEST_F(EventPanelTest, ShowTimeSelectsTheNearestRowWithoutEchoing) {
    open("sched-irq-timer.dat");
    QSignalSpy spy(m_panel.get(), &EventPanel::eventSelected);
    uint64_t t = m_panel->tableModel()->timestampOf(5000);
    uint64_t next = m_panel->tableModel()->timestampOf(5001);
    ASSERT_LT(t, next);
    m_panel->showTime(t + (next - t) / 3);
    EXPECT_EQ(m_panel->tableModel()->timestampOf(m_panel->selectedRow()), t);
    m_panel->showTime(next - (next - t) / 3);
    EXPECT_EQ(m_panel->tableModel()->timestampOf(m_panel->selectedRow()), next);
    EXPECT_EQ(spy.count(), 0);
}

TEST_F(EventPanelTest, FilterPanelListsRestrictTheTable) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("sched-irq-timer.dat");
    auto lines = test::reportLines(m_path);
    ASSERT_EQ(static_cast<size_t>(rows()), lines.size());
    ASSERT_TRUE(waitFor([&] { return m_panel->filterPanel()->tasks()->count() > 0; }));
    QSignalSpy changed(m_panel.get(), &EventPanel::filterChanged);
    uncheckAllBut(m_panel->filterPanel()->events(), QStringLiteral("sched:sched_switch"));
    ASSERT_TRUE(waitFor([&] { return changed.count() > 0 && m_panel->indexReady(); }));
    auto want = std::count_if(lines.begin(), lines.end(),
                              [](const auto& l) { return l.event == "sched_switch"; });
    EXPECT_EQ(rows(), want);
    EXPECT_EQ(m_panel->filter().eventIds.size(), 1u);
    // Then one task too.
    uncheckAllBut(m_panel->filterPanel()->tasks(), QStringLiteral("bash-5782 "));
    ASSERT_TRUE(waitFor([&] { return changed.count() > 1 && m_panel->indexReady(); }));
    want = std::count_if(lines.begin(), lines.end(),
                         [](const auto& l) { return l.event == "sched_switch" && l.pid == 5782; });
    EXPECT_GT(want, 0);
    EXPECT_EQ(rows(), want);
}

TEST_F(EventPanelTest, FilterListsShowTheCountsOfAScan) {
    open("sched-irq-timer.dat");
    EXPECT_TRUE(m_panel->scanReady());
    auto fields = EventFormats::create(m_model->meta(), EventFormats::Use::kFields);
    ASSERT_TRUE(fields.ok());
    auto scan = scanTrace(*m_model, fields->get());
    ASSERT_TRUE(scan.ok()) << scan.message();
    QListWidget* tasks = m_panel->filterPanel()->tasks();
    ASSERT_EQ(static_cast<size_t>(tasks->count()), scan->eventsByPid.size());
    for (int i = 0; i < tasks->count(); ++i) {
        const PidCount& p = scan->eventsByPid[static_cast<size_t>(i)];
        EXPECT_EQ(tasks->item(i)->text(), QStringLiteral("%1-%2  (%3)")
                                              .arg(QString::fromStdString(scan->tasks.comm(p.pid)))
                                              .arg(p.pid)
                                              .arg(p.events));
        EXPECT_EQ(tasks->item(i)->checkState(), Qt::Checked);
        EXPECT_TRUE(tasks->item(i)->flags() & Qt::ItemIsUserCheckable);
    }
    EXPECT_TRUE(m_panel->filter().pids.empty());  // everything checked: no filter
    QListWidget* events = m_panel->filterPanel()->events();
    int listed = 0;
    for (uint64_t n : scan->eventsByType) listed += n > 0;
    EXPECT_EQ(events->count(), listed);
    // A second scan handed over keeps the filter and emits scanFinished again.
    QSignalSpy finished(m_panel.get(), &EventPanel::scanFinished);
    m_panel->setScan(*scan);
    EXPECT_EQ(finished.count(), 1);
    EXPECT_EQ(static_cast<size_t>(tasks->count()), scan->eventsByPid.size());
}

// The filter lists take the room their rows need: a list of two CPUs is two rows high (it
// was as tall as the list of tasks), and the panel is wide enough for the event names
// (they were cut at a fixed 240 pixels).
TEST_F(EventPanelTest, FilterListsAreSizedToTheirContent) {
    open("sched-irq-timer.dat");
    m_panel->resize(1400, 900);
    m_panel->show();
    QCoreApplication::processEvents();
    FilterPanel* filters = m_panel->filterPanel();
    QListWidget* cpus = filters->cpus();
    ASSERT_GE(cpus->count(), 1);
    const int rowsHigh = cpus->count() * cpus->sizeHintForRow(0) + 2 * cpus->frameWidth();
    EXPECT_LE(cpus->height(), rowsHigh + cpus->sizeHintForRow(0)) << cpus->count() << " CPUs";
    QListWidget* events = filters->events();
    ASSERT_GT(events->count(), 0);
    EXPECT_GE(events->viewport()->width(), events->sizeHintForColumn(0));
    // What the small lists leave goes to the list of tasks.
    EXPECT_GT(filters->tasks()->height(), cpus->height());
}

TEST_F(EventPanelTest, CpuListRestrictsTheTable) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("sched-irq-timer.dat");
    auto lines = test::reportLines(m_path);
    QListWidget* cpus = m_panel->filterPanel()->cpus();
    ASSERT_EQ(cpus->count(), 2);  // only CPUs that hold data
    cpus->item(0)->setCheckState(Qt::Unchecked);
    ASSERT_TRUE(waitFor([&] { return !m_panel->filter().cpus.empty() && m_panel->indexReady(); }));
    auto want = std::count_if(lines.begin(), lines.end(), [](const auto& l) { return l.cpu == 1; });
    EXPECT_EQ(rows(), want);
}

TEST_F(EventPanelTest, AdvancedFilterAppliesAndBadTextIsReported) {
    open("sched-irq-timer.dat");
    int all = rows();
    QLineEdit* edit = m_panel->filterPanel()->advanced();
    edit->setText(QStringLiteral("sched_switch: prev_prio <"));
    emit edit->returnPressed();
    QCoreApplication::processEvents();
    EXPECT_EQ(rows(), all);  // refused: nothing rebuilt
    EXPECT_TRUE(m_panel->filter().advanced.empty());
    const QString error = m_panel->filterPanel()->advancedError();
    EXPECT_TRUE(error.contains(QStringLiteral("ends with '<'"))) << error.toStdString();
    edit->setText(QStringLiteral("sched_switch: next_pid == 0"));
    emit edit->returnPressed();
    ASSERT_TRUE(
        waitFor([&] { return !m_panel->filter().advanced.empty() && m_panel->indexReady(); }));
    EXPECT_EQ(m_panel->filterPanel()->advancedError(), QString());
    EXPECT_GT(rows(), 0);
    EXPECT_LT(rows(), all);
    for (int r = 0; r < rows(); r += 50)
        ASSERT_TRUE(cell(r, Column::Info).endsWith(QStringLiteral(":0 [120]")));
}

// A filter that does not compile leaves the table as it was: it says so (the table is
// greyed and the status names the previous filter's rows), the error is one line in
// words, and a caret line in a fixed-width font points at the problem.
TEST_F(EventPanelTest, ABadAdvancedFilterMarksTheTableStaleAndPointsAtTheProblem) {
    open("sched-irq-timer.dat");
    m_panel->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_panel.get()));
    QLineEdit* edit = m_panel->filterPanel()->advanced();
    edit->setText(QStringLiteral("sched_switch: next_pid == 0"));
    emit edit->returnPressed();
    ASSERT_TRUE(
        waitFor([&] { return !m_panel->filter().advanced.empty() && m_panel->indexReady(); }));
    const int applied = rows();
    auto* status = m_panel->findChild<QLabel*>(QStringLiteral("eventStatus"));
    ASSERT_NE(status, nullptr);
    EXPECT_TRUE(m_panel->table()->isEnabled());

    const QString bad = QStringLiteral("sched_switch: next_pid == 0 && nosuchfield == 1");
    edit->setText(bad);
    emit edit->returnPressed();
    QCoreApplication::processEvents();
    EXPECT_EQ(rows(), applied);  // nothing rebuilt
    EXPECT_FALSE(m_panel->table()->isEnabled()) << "the previous results are not marked stale";
    EXPECT_TRUE(status->text().contains(QLocale().toString(applied)))
        << status->text().toStdString();
    EXPECT_TRUE(status->text().contains(QStringLiteral("not applied")))
        << status->text().toStdString();
    const QString error = m_panel->filterPanel()->advancedError();
    EXPECT_TRUE(error.contains(QStringLiteral("no field \"nosuchfield\""))) << error.toStdString();

    QFontInfo editFont(edit->font());
    EXPECT_TRUE(editFont.fixedPitch()) << editFont.family().toStdString();
    auto* where = m_panel->filterPanel()->findChild<QLabel*>(QStringLiteral("advancedErrorWhere"));
    ASSERT_NE(where, nullptr);
    EXPECT_TRUE(where->isVisibleTo(m_panel.get()));
    EXPECT_TRUE(QFontInfo(where->font()).fixedPitch());
    const QStringList lines = where->text().split(u'\n');
    ASSERT_EQ(lines.size(), 2) << where->text().toStdString();
    const qsizetype caret = lines[1].indexOf(u'^');
    ASSERT_GE(caret, 0);
    EXPECT_EQ(lines[1].left(caret).trimmed(), QString());
    // The line may be cut to the label's width ("..." at a cut end): what stands from the
    // caret on is the text from the problem on.
    QString fromCaret = lines[0].mid(caret);
    if (fromCaret.endsWith(QStringLiteral("..."))) fromCaret.chop(3);
    EXPECT_GE(fromCaret.size(), 3);
    EXPECT_TRUE(bad.mid(bad.indexOf(QStringLiteral("nosuchfield"))).startsWith(fromCaret))
        << lines[0].toStdString() << "\n"
        << lines[1].toStdString();
    EXPECT_EQ(edit->cursorPosition(), bad.indexOf(QStringLiteral("nosuchfield")));

    // The applied text again: nothing to rebuild, and the table is current again.
    edit->setText(QStringLiteral("sched_switch: next_pid == 0"));
    emit edit->returnPressed();
    QCoreApplication::processEvents();
    EXPECT_TRUE(m_panel->table()->isEnabled());
    EXPECT_EQ(m_panel->filterPanel()->advancedError(), QString());
    EXPECT_FALSE(where->isVisibleTo(m_panel.get()));
    EXPECT_FALSE(status->text().contains(QStringLiteral("not applied")));
}

TEST_F(EventPanelTest, SearchNextAndPreviousSelectTheRightRows) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("sched-irq-timer.dat");
    auto lines = test::reportLines(m_path);
    std::vector<int> hits;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].info.find("==> kworker/0") != std::string::npos)
            hits.push_back(static_cast<int>(i));
    }
    ASSERT_GE(hits.size(), 3u);
    SearchBar* bar = m_panel->searchBar();
    bar->setQuery({Column::Info, "==> kworker/0", false, true});
    m_panel->table()->selectRow(hits[0] + 1);
    bar->findNext();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    QCoreApplication::processEvents();
    EXPECT_EQ(m_panel->selectedRow(), hits[1]);
    bar->findNext();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits[2]);
    bar->findPrevious();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits[1]);
    QSignalSpy none(bar, &SearchBar::notFound);
    bar->setQuery({Column::Info, "text that is nowhere", false, true});
    bar->findNext();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(none.count(), 1);
    EXPECT_EQ(m_panel->selectedRow(), hits[1]);
}

// Search wraps like an editor: Next from the last match continues at the top, Previous
// from the first one at the bottom, and the status says so (it said "not found").
TEST_F(EventPanelTest, SearchWrapsAroundAndSaysSo) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("sched-irq-timer.dat");
    auto lines = test::reportLines(m_path);
    std::vector<int> hits;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].info.find("==> kworker/0") != std::string::npos)
            hits.push_back(static_cast<int>(i));
    }
    ASSERT_GE(hits.size(), 2u);
    SearchBar* bar = m_panel->searchBar();
    auto* status = bar->findChild<QLabel*>(QStringLiteral("searchStatus"));
    ASSERT_NE(status, nullptr);
    bar->setQuery({Column::Info, "==> kworker/0", false, true});
    QSignalSpy none(bar, &SearchBar::notFound);
    m_panel->table()->selectRow(rows() - 1);
    bar->findNext();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits.front());
    EXPECT_TRUE(status->text().contains(QStringLiteral("wrapped"))) << status->text().toStdString();
    bar->findPrevious();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits.back());
    EXPECT_TRUE(status->text().contains(QStringLiteral("wrapped"))) << status->text().toStdString();
    bar->findPrevious();  // an ordinary step back: no wrap
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits[hits.size() - 2]);
    EXPECT_FALSE(status->text().contains(QStringLiteral("wrapped")));
    EXPECT_EQ(none.count(), 0);
}

// The search bar counts the matches in the background ("N matches"), says which one is
// selected ("n of N") and counts again when the filter changes the rows.
TEST_F(EventPanelTest, SearchShowsTheMatchCountAndTheNumberOfTheMatch) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("sched-irq-timer.dat");
    auto lines = test::reportLines(m_path);
    std::vector<int> hits;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].info.find("==> kworker/0") != std::string::npos)
            hits.push_back(static_cast<int>(i));
    }
    ASSERT_GE(hits.size(), 3u);
    SearchBar* bar = m_panel->searchBar();
    auto* count = bar->findChild<QLabel*>(QStringLiteral("searchCount"));
    ASSERT_NE(count, nullptr);
    const auto total = static_cast<qulonglong>(hits.size());
    bar->setQuery({Column::Info, "==> kworker/0", false, true});
    ASSERT_TRUE(waitFor([&] { return !bar->busy() && count->text().contains(u'm'); }));
    EXPECT_EQ(count->text(), QStringLiteral("%L1 matches").arg(total));
    m_panel->table()->selectRow(hits[0] + 1);
    bar->findNext();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits[1]);
    EXPECT_EQ(count->text(), QStringLiteral("2 of %L1").arg(total));
    bar->findPrevious();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(count->text(), QStringLiteral("1 of %L1").arg(total));
    // Under a filter that keeps the switches on CPU 1 only, the count is of the rows shown.
    uint64_t onCpu1 = 0;
    for (int h : hits) onCpu1 += lines[static_cast<size_t>(h)].cpu == 1;  // all are switches
    ASSERT_LT(onCpu1, hits.size());
    const QString want =
        onCpu1 == 0 ? QStringLiteral("no matches") : QStringLiteral("%L1 matches").arg(onCpu1);
    EventFilter f;
    f.advanced = "sched_switch: CPU == 1";
    m_panel->setFilter(f);
    ASSERT_TRUE(waitFor([&] {
        return m_panel->indexReady() && !bar->busy() && count->text() == want;
    })) << count->text().toStdString();
}

// F3 and Shift+F3 find next and previous with the focus in the table, Ctrl+F puts it in the
// search text: the keys work anywhere in the window, not only in the search field.
TEST_F(EventPanelTest, SearchKeysWorkFromTheTable) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("sched-irq-timer.dat");
    auto lines = test::reportLines(m_path);
    std::vector<int> hits;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].info.find("==> kworker/0") != std::string::npos)
            hits.push_back(static_cast<int>(i));
    }
    ASSERT_GE(hits.size(), 3u);
    m_panel->show();
    m_panel->activateWindow();
    ASSERT_TRUE(QTest::qWaitForWindowActive(m_panel.get()));
    SearchBar* bar = m_panel->searchBar();
    bar->setQuery({Column::Info, "==> kworker/0", false, true});
    m_panel->table()->selectRow(hits[0] + 1);
    m_panel->table()->setFocus();
    QTest::keyClick(m_panel->table(), Qt::Key_F3);
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits[1]);
    QTest::keyClick(m_panel->table(), Qt::Key_F3, Qt::ShiftModifier);
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    EXPECT_EQ(m_panel->selectedRow(), hits[0]);
    EXPECT_FALSE(bar->textEdit()->hasFocus());
    QTest::keyClick(m_panel->table(), Qt::Key_F, Qt::ControlModifier);
    EXPECT_TRUE(bar->textEdit()->hasFocus());
    EXPECT_EQ(bar->textEdit()->selectedText(), bar->textEdit()->text());
}

// The case box says what it does in words ("Aa" told nothing), for the eye and for a
// screen reader.
TEST_F(EventPanelTest, TheCaseBoxSaysWhatItDoes) {
    open("sched-irq-timer.dat");
    const auto boxes = m_panel->searchBar()->findChildren<QCheckBox*>();
    ASSERT_EQ(boxes.size(), 1);
    EXPECT_EQ(boxes[0]->text().remove(u'&'), QStringLiteral("Match case"));
    EXPECT_FALSE(boxes[0]->toolTip().isEmpty());
    EXPECT_FALSE(boxes[0]->accessibleName().isEmpty());
}

// A long error (a bad regular expression) wraps inside the search bar instead of running
// past the window's edge, and all of it stays readable.
TEST_F(EventPanelTest, ALongSearchErrorStaysInsideTheWindow) {
    open("sched-irq-timer.dat");
    m_panel->resize(900, 500);
    m_panel->show();
    QCoreApplication::processEvents();
    SearchBar* bar = m_panel->searchBar();
    bar->setQuery({Column::Info, "(unclosed [bracket and more text to make it long", true, true});
    QCoreApplication::processEvents();
    const int minimum = bar->minimumSizeHint().width();
    const int width = m_panel->width();
    bar->findNext();
    ASSERT_TRUE(waitFor([&] { return !bar->busy(); }));
    QCoreApplication::processEvents();
    auto* status = bar->findChild<QLabel*>(QStringLiteral("searchStatus"));
    ASSERT_NE(status, nullptr);
    ASSERT_TRUE(status->text().startsWith(QStringLiteral("bad regular expression")));
    // The error does not widen the bar, nor the panel (a window keeps its size and cuts
    // what does not fit).
    EXPECT_LE(bar->minimumSizeHint().width(), minimum);
    EXPECT_EQ(m_panel->width(), width);
    EXPECT_EQ(status->toolTip(), status->text());
    EXPECT_LE(status->geometry().right(), bar->width());
    const QRect need = status->fontMetrics().boundingRect(QRect(0, 0, status->width(), 10000),
                                                          Qt::TextWordWrap, status->text());
    EXPECT_LE(need.width(), status->width()) << status->text().toStdString();
    EXPECT_LE(need.height(), status->height())
        << status->width() << "x" << status->height() << " of " << bar->width();
}

// Progress bars draw no text over their fill; the percentage is in the words beside them.
TEST_F(EventPanelTest, ProgressBarsDrawNoTextOverTheFill) {
    open("sched-irq-timer.dat");
    const auto bars = m_panel->findChildren<QProgressBar*>();
    ASSERT_GE(bars.size(), 2);  // the index's and the search's
    for (const QProgressBar* b : bars) EXPECT_FALSE(b->isTextVisible());
}

TEST_F(EventPanelTest, DetailsShowFieldsOfTheSelectedEvent) {
    open("sched-irq-timer.dat");
    // Row 4 is the first sched_switch: bash:5782 [120] R ==> memfd:sealed-91:1534 [120]
    ASSERT_EQ(cell(4, Column::Event), QStringLiteral("sched_switch"));
    m_panel->table()->selectRow(4);
    DetailsPane* d = m_panel->details();
    EXPECT_EQ(d->fieldValue(QStringLiteral("prev_comm")), QStringLiteral("bash"));
    EXPECT_EQ(d->fieldValue(QStringLiteral("next_comm")), QStringLiteral("memfd:sealed-91"));
    EXPECT_EQ(d->fieldValue(QStringLiteral("next_pid")), QStringLiteral("1534"));
    EXPECT_EQ(d->fieldType(QStringLiteral("next_pid")), QStringLiteral("pid_t"));
    EXPECT_EQ(d->fieldValue(QStringLiteral("common_pid")), QStringLiteral("5782"));
    EXPECT_TRUE(d->stackLines().isEmpty());
}

TEST_F(EventPanelTest, DetailsShowKernelStackWithSymbols) {
    open("function-stacks.dat");
    int row = -1;
    for (int r = 0; r < rows() && row < 0; ++r) {
        if (cell(r, Column::Event) == QStringLiteral("kernel_stack")) row = r;
    }
    ASSERT_GE(row, 0);
    m_panel->table()->selectRow(row);
    QStringList stack = m_panel->details()->stackLines();
    ASSERT_GE(stack.size(), 3);
    EXPECT_TRUE(stack[1].startsWith(QStringLiteral("=> vfs_open+0x"))) << stack[1].toStdString();
}

TEST_F(EventPanelTest, TimeRangeLimitsRows) {
    open("sched-irq-timer.dat");
    auto* m = m_panel->tableModel();
    uint64_t from = m->timestampOf(1000), to = m->timestampOf(2000);
    int first = 1000;  // the first event at `from` (ties)
    while (first > 0 && m->timestampOf(first - 1) == from) --first;
    m_panel->setTimeRange(from, to);
    ASSERT_TRUE(waitFor([&] { return m_panel->indexReady() && m_panel->filter().from == from; }));
    EXPECT_GE(rows(), 1001);  // ties at either end may add a few
    EXPECT_LE(rows(), 1010);
    EXPECT_EQ(m->timestampOf(0), from);
    EXPECT_EQ(m->timestampOf(rows() - 1), to);
    // Rows keep their event numbers: "#" does not restart at 0.
    EXPECT_EQ(cell(0, Column::Index), QString::number(first));
    EXPECT_EQ(cell(rows() - 1, Column::Index), QString::number(first + rows() - 1));
}

// Two buffers recording the same events: a Buffer column tells their rows apart (as the
// buffer names trace-cmd report prints), and the details name the buffer.
TEST_F(EventPanelTest, TwoBuffersGetABufferColumnAndTheBufferInTheDetails) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("two-buffers.dat");
    auto lines = test::reportLines(m_path);
    ASSERT_EQ(static_cast<size_t>(rows()), lines.size());
    const int column = columnNamed(QStringLiteral("Buffer"));
    ASSERT_GE(column, 0) << "no Buffer column";
    EXPECT_FALSE(m_panel->table()->table()->isColumnHidden(column));
    auto* m = m_panel->tableModel();
    std::set<std::string> names;
    for (int r = 0; r < rows(); ++r) {
        const auto& l = lines[static_cast<size_t>(r)];
        ASSERT_EQ(m->data(m->index(r, column)).toString().toStdString(), l.buffer) << r;
        names.insert(l.buffer);
    }
    EXPECT_EQ(names, (std::set<std::string>{"irq", "sched"}));
    // Rows 0 and 1 are the same sched_switch, recorded by "sched" and by "irq".
    ASSERT_EQ(lines[0].buffer, "sched");
    ASSERT_EQ(lines[1].buffer, "irq");
    for (int r : {0, 1}) {
        m_panel->table()->selectRow(r);
        const QString title = m_panel->details()->topLevelItem(0)->text(0);
        const QString want = QString::fromStdString(lines[static_cast<size_t>(r)].buffer) +
                             QStringLiteral(" CPU ") + QString::number(lines[0].cpu);
        EXPECT_TRUE(title.contains(want)) << title.toStdString();
    }
}

// One buffer with events (the fixture's top buffer is empty): no Buffer column to read.
TEST_F(EventPanelTest, OneBufferShowsNoBufferColumn) {
    open("sched-irq-timer.dat");
    const int column = columnNamed(QStringLiteral("Buffer"));
    if (column >= 0) {
        EXPECT_TRUE(m_panel->table()->table()->isColumnHidden(column));
    }
    m_panel->table()->selectRow(4);
    const QString title = m_panel->details()->topLevelItem(0)->text(0);
    EXPECT_TRUE(title.contains(QStringLiteral("   CPU 0   "))) << title.toStdString();
}

// Pixels of `r` that differ clearly from its most common colour: text drawn on the
// background, not the background itself.
int inkIn(const QImage& image, const QRect& r) {
    std::map<QRgb, int> colours;
    for (int y = r.top(); y <= r.bottom(); ++y)
        for (int x = r.left(); x <= r.right(); ++x) ++colours[image.pixel(x, y)];
    if (colours.empty()) return 0;
    const QColor back(std::max_element(colours.begin(), colours.end(), [](auto& a, auto& b) {
                          return a.second < b.second;
                      })->first);
    int ink = 0;
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x) {
            const QColor c(image.pixel(x, y));
            ink += std::abs(c.red() - back.red()) + std::abs(c.green() - back.green()) +
                       std::abs(c.blue() - back.blue()) >
                   150;
        }
    }
    return ink;
}

// The share of `r`'s pixels painted in the palette's selection colour (active or not:
// whether the offscreen window is active is the platform's business).
double highlightShare(const QImage& image, const QRect& r, const QPalette& palette) {
    const QRgb active = palette.color(QPalette::Active, QPalette::Highlight).rgb();
    const QRgb inactive = palette.color(QPalette::Inactive, QPalette::Highlight).rgb();
    int n = 0;
    for (int y = r.top(); y <= r.bottom(); ++y) {
        for (int x = r.left(); x <= r.right(); ++x)
            n += image.pixel(x, y) == active || image.pixel(x, y) == inactive;
    }
    return r.isEmpty() ? 0 : double(n) / (r.width() * r.height());
}

// The picture of the panel against the panel's own state: every cell of every visible
// table row that has text shows text, the selected row and only it is highlighted, and
// the details pane shows a line for each of its visible items and nothing below them.
TEST_F(EventPanelTest, Screenshot) {
    open("sched-irq-timer.dat");
    ASSERT_TRUE(waitFor([&] { return m_panel->filterPanel()->tasks()->count() > 0; }));
    m_panel->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_panel.get()));
    m_panel->table()->selectRow(4);
    QCoreApplication::processEvents();
    const QImage shot = m_panel->grab().toImage().convertToFormat(QImage::Format_RGB32);
    QString out =
        QString::fromStdString(test::tempDir("event_panel")) + QStringLiteral("/event_panel.png");
    EXPECT_TRUE(shot.save(out));
    std::printf("screenshot: %s\n", out.toStdString().c_str());
    ASSERT_EQ(shot.size(), m_panel->size());  // one image pixel per widget pixel

    QTableView* table = m_panel->table()->table();
    EventTableModel* model = m_panel->tableModel();
    const QRect viewport(table->viewport()->mapTo(m_panel.get(), QPoint(0, 0)),
                         table->viewport()->size());
    const int selected = 4 - model->windowStart();
    ASSERT_EQ(table->currentIndex().row(), selected);
    int rowsSeen = 0, cellsWithText = 0;
    for (int row = table->rowAt(0); row >= 0 && row < model->rowCount(); ++row) {
        QRect band = table->visualRect(model->index(row, 0));
        band = QRect(viewport.left(), viewport.top() + band.top(), viewport.width(), band.height());
        if (!viewport.contains(band)) break;  // the last row is cut by the viewport's edge
        ++rowsSeen;
        const double share = highlightShare(shot, band, table->palette());
        if (row == selected)
            EXPECT_GT(share, 0.5) << "the selected row " << row << " is not highlighted";
        else
            EXPECT_EQ(share, 0.0) << "row " << row << " is highlighted";
        for (int col = 0; col < model->columnCount(); ++col) {
            if (table->isColumnHidden(col)) continue;
            const QModelIndex index = model->index(row, col);
            const QString text = model->data(index).toString();
            QRect cell = table->visualRect(index).translated(viewport.topLeft());
            cell = cell.intersected(viewport).adjusted(2, 1, -2, -1);
            if (text.isEmpty()) {
                EXPECT_EQ(inkIn(shot, cell), 0) << "row " << row << " column " << col;
            } else {
                EXPECT_GT(inkIn(shot, cell), 5) << "row " << row << " column " << col << " ("
                                                << text.toStdString() << ") shows no text";
                ++cellsWithText;
            }
        }
    }
    EXPECT_GT(rowsSeen, 10);
    EXPECT_GT(cellsWithText, 5 * rowsSeen);

    DetailsPane* details = m_panel->details();
    const QPoint detailsAt = details->viewport()->mapTo(m_panel.get(), QPoint(0, 0));
    int itemsSeen = 0, lastBottom = detailsAt.y() - 1;
    bool allShown = true;
    for (QTreeWidgetItemIterator it(details, QTreeWidgetItemIterator::NotHidden); *it; ++it) {
        QRect r = details->visualItemRect(*it);
        if (r.isEmpty()) continue;  // in a collapsed group
        if (r.bottom() >= details->viewport()->height()) {
            allShown = false;  // below the pane's edge
            continue;
        }
        r = r.translated(detailsAt).intersected(QRect(detailsAt, details->viewport()->size()));
        EXPECT_GT(inkIn(shot, r.adjusted(0, 1, 0, -1)), 5)
            << "details line " << (*it)->text(0).toStdString() << " shows no text";
        lastBottom = std::max(lastBottom, r.bottom());
        ++itemsSeen;
    }
    EXPECT_GE(itemsSeen, 4);  // the title, the two groups, fields of the open one
    const QRect below(detailsAt.x(), lastBottom + 2, details->viewport()->width(),
                      detailsAt.y() + details->viewport()->height() - lastBottom - 3);
    if (allShown && below.height() > 0) {
        EXPECT_EQ(inkIn(shot, below), 0) << "text below the last detail line";
    }
}

// A duration as the report prints it ("+ 24.026 us ") or the details pane does
// ("24.026 us", "1.234567 ms", "1.234567890 s"), in ns.
uint64_t nsOf(const std::string& text) {
    size_t digit = text.find_first_of("0123456789");
    size_t end = text.find(' ', digit);
    std::string number = text.substr(digit, end - digit);
    std::string unit = text.substr(end + 1, 2);
    size_t dot = number.find('.');
    std::string whole = number.substr(0, dot);
    std::string frac = dot == std::string::npos ? "" : number.substr(dot + 1);
    int scale = unit == "us" ? 3 : unit == "ms" ? 6 : 9;
    frac.resize(static_cast<size_t>(scale), '0');
    uint64_t ns = std::stoull(whole);
    for (int i = 0; i < scale; ++i) ns *= 10;
    return ns + std::stoull(frac);
}

// What the report says of the call that opens at line `open`: read back by its
// indentation (callees one step in, up to the brace that closes it at its own).
struct ReportCall {
    uint64_t total = 0;
    uint64_t callees = 0;
    uint64_t calleeTime = 0;
    std::map<std::string, std::pair<uint64_t, uint64_t>> byName;  // calls, time
};

size_t indentOf(const std::string& info) {
    size_t bar = info.find("|  ");
    return info.find_first_not_of(' ', bar + 3) - (bar + 3);
}

ReportCall readCall(const std::vector<test::ReportLine>& lines, size_t open) {
    ReportCall call;
    const size_t indent = indentOf(lines[open].info);
    std::vector<std::pair<std::string, size_t>> nested;  // open callees: name, indent
    for (size_t i = open + 1; i < lines.size(); ++i) {
        const test::ReportLine& l = lines[i];
        if (l.pid != lines[open].pid || l.event.compare(0, 10, "funcgraph_") != 0) continue;
        const size_t at = indentOf(l.info);
        std::string text = l.info.substr(l.info.find("|  ") + 3 + at);
        if (text == "}") {
            uint64_t ns = nsOf(l.info.substr(0, l.info.find('|')));
            if (at == indent) {
                call.total = ns;
                return call;
            }
            if (at == indent + 2 && !nested.empty()) {
                auto& [n, t] = call.byName[nested.back().first];
                ++n;
                t += ns;
                ++call.callees;
                call.calleeTime += ns;
            }
            if (!nested.empty()) nested.pop_back();
            continue;
        }
        if (text.size() > 4 && text.compare(text.size() - 4, 4, "() {") == 0) {
            nested.push_back({text.substr(0, text.size() - 4), at});
            continue;
        }
        if (at == indent + 2 && text.size() > 3 && text.compare(text.size() - 3, 3, "();") == 0) {
            uint64_t ns = nsOf(l.info.substr(0, l.info.find('|')));
            auto& [n, t] = call.byName[text.substr(0, text.size() - 3)];
            ++n;
            t += ns;
            ++call.callees;
            call.calleeTime += ns;
        }
    }
    return call;
}

// The details pane on a function_graph row: the call of the selected record, looked up in
// call trees that arrive after the selection, against the report's own text of that call.
TEST_F(EventPanelTest, DetailsShowTheCallOfAFunctionGraphRow) {
    if (!test::haveTraceCmd()) GTEST_SKIP() << "trace-cmd is not installed";
    open("function-graph.dat");
    const auto lines = test::reportLines(m_path);
    const std::string name = "__check_object_size";
    size_t open = 0;
    while (open < lines.size() && !(lines[open].event == "funcgraph_entry" &&
                                    lines[open].info.ends_with("|        " + name + "() {"))) {
        ++open;
    }
    ASSERT_LT(open, lines.size());
    const ReportCall want = readCall(lines, open);
    ASSERT_GT(want.callees, 2u);
    // The table row of that line: the same time, task and text.
    int row = 0;
    while (row < rows() && !(cell(row, Column::Time).toStdString() == lines[open].time &&
                             cell(row, Column::Info).toStdString() == lines[open].info)) {
        ++row;
    }
    ASSERT_LT(row, rows());

    m_panel->table()->selectRow(row);
    DetailsPane* details = m_panel->details();
    EXPECT_EQ(details->shownCall(), kNoCall);  // no call trees yet
    EXPECT_TRUE(details->callValue(QStringLiteral("function")).isNull());

    auto trees = buildCallTrees(*m_model, *m_formats);
    ASSERT_TRUE(trees) << trees.message();
    auto shared = std::make_shared<const CallTrees>(std::move(trees.value()));
    m_panel->setCallTrees(shared);
    ASSERT_NE(details->shownCall(), kNoCall);
    EXPECT_EQ(details->callValue(QStringLiteral("function")).toStdString(), name);
    EXPECT_EQ(nsOf(details->callValue(QStringLiteral("total")).toStdString()), want.total);
    EXPECT_EQ(nsOf(details->callValue(QStringLiteral("self")).toStdString()),
              want.total - want.calleeTime);
    EXPECT_EQ(details->callValue(QStringLiteral("callees")).toULongLong(), want.callees);
    EXPECT_EQ(details->callValue(QStringLiteral("task")),
              cell(row, Column::Task) + u'-' + cell(row, Column::Pid));
    EXPECT_EQ(details->callValue(QStringLiteral("state")), QStringLiteral("complete"));
    const QStringList top = details->topCalleeLines();
    ASSERT_EQ(static_cast<size_t>(top.size()), want.byName.size());
    uint64_t previous = ~0ull;
    for (const QString& line : top) {
        QStringList parts = line.split(u'|');
        ASSERT_EQ(parts.size(), 3);
        auto it = want.byName.find(parts[0].toStdString());
        ASSERT_NE(it, want.byName.end()) << line.toStdString();
        EXPECT_EQ(parts[1].split(u' ')[0].toULongLong(), it->second.first) << line.toStdString();
        uint64_t ns = nsOf(parts[2].toStdString());
        EXPECT_EQ(ns, it->second.second) << line.toStdString();
        EXPECT_LE(ns, previous);  // most time first
        previous = ns;
    }

    // The link asks for that call on the timeline.
    QSignalSpy show(m_panel.get(), &EventPanel::showCallRequested);
    auto* link = details->findChild<QLabel*>(QStringLiteral("showCallLink"));
    ASSERT_TRUE(link);
    emit link->linkActivated(QStringLiteral("show"));
    ASSERT_EQ(show.count(), 1);
    const uint64_t span = show.at(0).at(0).value<uint64_t>();
    EXPECT_EQ(span, details->shownCall());
    EXPECT_EQ(shared->functionName(shared->spans[span].function, *m_formats), name);

    // The row of the brace that closes the call shows the same call; a leaf callee's
    // exit row shows that callee.
    int close = row + 1;
    while (close < rows() && !(cell(close, Column::Info).endsWith(QStringLiteral("|        }")) &&
                               cell(close, Column::Pid) == cell(row, Column::Pid))) {
        ++close;
    }
    ASSERT_LT(close, rows());
    m_panel->table()->selectRow(close);
    EXPECT_EQ(details->shownCall(), span);
    int leafExit = row + 1;
    while (leafExit < close && !cell(leafExit, Column::Info).contains(QStringLiteral("} /* ")))
        ++leafExit;
    ASSERT_LT(leafExit, close);
    m_panel->table()->selectRow(leafExit);
    const QString info = cell(leafExit, Column::Info);
    const qsizetype from = info.indexOf(QStringLiteral("/* ")) + 3;
    EXPECT_EQ(details->callValue(QStringLiteral("function")),
              info.mid(from, info.indexOf(QStringLiteral(" */")) - from));

    // Forgetting the trees takes the call away; a row of another event shows none.
    m_panel->setCallTrees(nullptr);
    EXPECT_EQ(details->shownCall(), kNoCall);
    EXPECT_TRUE(details->callValue(QStringLiteral("function")).isNull());
}

// The panel on function-graph.dat with a call selected and its call trees given: the
// picture is written for a look; the call's group is seen first in the details pane.
TEST_F(EventPanelTest, ScreenshotOfAFunctionGraphCall) {
    open("function-graph.dat");
    auto trees = buildCallTrees(*m_model, *m_formats);
    ASSERT_TRUE(trees) << trees.message();
    m_panel->setCallTrees(std::make_shared<const CallTrees>(std::move(trees.value())));
    m_panel->resize(1400, 900);
    m_panel->show();
    ASSERT_TRUE(QTest::qWaitForWindowExposed(m_panel.get()));
    int row = 0;
    while (row < rows() &&
           !cell(row, Column::Info).endsWith(QStringLiteral("__check_object_size() {")))
        ++row;
    ASSERT_LT(row, rows());
    m_panel->table()->selectRow(row);
    QCoreApplication::processEvents();
    const QImage shot = m_panel->grab().toImage().convertToFormat(QImage::Format_RGB32);
    QString out = QString::fromStdString(test::tempDir("event_panel")) +
                  QStringLiteral("/function_graph_call.png");
    EXPECT_TRUE(shot.save(out));
    std::printf("screenshot: %s\n", out.toStdString().c_str());
    DetailsPane* details = m_panel->details();
    ASSERT_NE(details->shownCall(), kNoCall);
    const QPoint at = details->viewport()->mapTo(m_panel.get(), QPoint(0, 0));
    const int height = details->viewport()->height();
    // The call's first lines (which function, how long, where the time went) and its link
    // are seen without scrolling; every line in view shows text.
    QStringList seen;
    for (QTreeWidgetItemIterator it(details); *it; ++it) {
        QTreeWidgetItem* group = *it;
        while (group->parent()) group = group->parent();
        if (group != details->topLevelItem(1)) continue;
        QRect r = details->visualItemRect(*it);
        ASSERT_FALSE(r.isEmpty()) << (*it)->text(0).toStdString();
        if (r.bottom() >= height) continue;
        EXPECT_GT(inkIn(shot, r.translated(at).adjusted(0, 1, 0, -1)), 5)
            << (*it)->text(0).toStdString();
        seen << (*it)->text(0);
    }
    for (const char* label : {"function_graph call", "function", "total", "self", "callees"})
        EXPECT_TRUE(seen.contains(QLatin1String(label))) << label;
    auto* link = details->findChild<QLabel*>(QStringLiteral("showCallLink"));
    ASSERT_TRUE(link);
    const QRect linkAt(link->mapTo(m_panel.get(), QPoint(0, 0)), link->size());
    EXPECT_TRUE(QRect(at, details->viewport()->size()).contains(linkAt));
    EXPECT_GT(inkIn(shot, linkAt), 5);
}

// A look at any trace: KESTREL_PANEL_TRACE=/tmp/big.ktr views_event_panel_test
// --gtest_filter=*AnyTrace* writes a PNG with the middle row selected (a function_graph
// trace: the first call opening from the middle on, with its call trees).
TEST_F(EventPanelTest, ScreenshotOfAnyTrace) {
    const char* path = std::getenv("KESTREL_PANEL_TRACE");
    if (!path) GTEST_SKIP() << "set KESTREL_PANEL_TRACE to a trace";
    openPath(path);
    m_panel->resize(1400, 900);
    int row = rows() / 2;
    if (hasCallRecords(*m_formats)) {
        auto trees = buildCallTrees(*m_model, *m_formats);
        ASSERT_TRUE(trees) << trees.message();
        m_panel->setCallTrees(std::make_shared<const CallTrees>(std::move(trees.value())));
        auto* model = m_panel->tableModel();
        while (row < rows() && !model->cellText(row, Column::Info).endsWith(QStringLiteral("() {")))
            ++row;
    }
    m_panel->show();
    QElapsedTimer timer;
    timer.start();
    m_panel->table()->selectRow(row);
    QCoreApplication::processEvents();
    std::printf("rows %d, select+paint middle row: %lld ms\n", rows(),
                static_cast<long long>(timer.elapsed()));
    QString out = QString::fromStdString(test::tempDir("event_panel")) + QStringLiteral("/any.png");
    ASSERT_TRUE(m_panel->grab().save(out));
    std::printf("screenshot: %s\n", out.toStdString().c_str());
}

}  // namespace
}  // namespace kestrel
