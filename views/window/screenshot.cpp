#include "window/screenshot.h"

#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QTabWidget>
#include <QTableView>
#include <QTimer>
#include <cstdio>

#include "events/event_panel.h"
#include "flame/flame_panel.h"
#include "flame/function_table.h"
#include "latency/latency_chart_panel.h"
#include "latency/latency_panel.h"
#include "window/call_views.h"
#include "window/latency_views.h"
#include "window/main_window.h"

namespace kestrel {

void Screenshot::armFromEnvironment(MainWindow* window) {
    const QString path = qEnvironmentVariable("KESTREL_SCREENSHOT");
    if (path.isEmpty()) return;
    auto* shot = new Screenshot(window, path, qEnvironmentVariable("KESTREL_SCREENSHOT_MENU"));
    shot->m_tab = qEnvironmentVariable("KESTREL_SCREENSHOT_TAB");
    shot->m_flame = qEnvironmentVariable("KESTREL_SCREENSHOT_FLAME");
    shot->m_function = qEnvironmentVariable("KESTREL_SCREENSHOT_FUNCTION");
    shot->m_latency = qEnvironmentVariable("KESTREL_SCREENSHOT_LATENCY");
    shot->m_worst = qEnvironmentVariableIntValue("KESTREL_SCREENSHOT_LATENCY_WORST");
    shot->m_compare = qEnvironmentVariable("KESTREL_SCREENSHOT_COMPARE");
    shot->m_breakdown = qEnvironmentVariable("KESTREL_SCREENSHOT_BREAKDOWN");
}

Screenshot::Screenshot(MainWindow* window, const QString& path, const QString& menu)
    : QObject(window), m_window(window), m_path(path), m_menu(menu) {
    window->setQuiet(true);
    connect(window, &MainWindow::analysisFinished, this, &Screenshot::analysed);
    connect(window, &MainWindow::fileOpened, this, [](bool ok) {
        if (!ok) QTimer::singleShot(0, qApp, [] { QApplication::exit(1); });
    });
}

void Screenshot::analysed(bool ok) {
    if (!ok) {
        std::fprintf(stderr, "kestrel: no screenshot: %s\n", qPrintable(m_window->statusText()));
        QApplication::exit(1);
        return;
    }
    if (auto a = m_window->state()->markerA()) {
        m_window->setCursorTime(a->time);
        if (m_window->eventPanel()) m_window->eventPanel()->showTime(a->time);
    }
    whenPanelReady();
}

void Screenshot::whenPanelReady() {
    EventPanel* panel = m_window->eventPanel();
    if (panel && !panel->indexReady()) {
        connect(panel, &EventPanel::indexBuilt, this, &Screenshot::whenPanelReady,
                Qt::SingleShotConnection);
        return;
    }
    if (m_window->callViews()->running()) {  // the flame chart and graph wait for them
        connect(m_window, &MainWindow::callTreesBuilt, this, &Screenshot::whenPanelReady,
                Qt::SingleShotConnection);
        return;
    }
    showTab();
    setFlameMode();
    whenViewsReady();
}

void Screenshot::setFlameMode() {
    FlamePanel* flame = m_window->callViews()->flamePanel();
    if (!flame || m_flame.isEmpty()) return;
    if (m_flame == QLatin1String("diff")) flame->setCompare(FlamePanel::kCompareMarkers);
    if (m_flame == QLatin1String("icicle")) flame->setIcicle(true);
}

// By the name the table shows: the table holds the names the call trees give.
bool Screenshot::selectFunction() {
    FunctionTable* table = m_window->callViews()->functionTable();
    QAbstractItemModel* rows = table->table()->model();
    for (int r = 0; r < rows->rowCount(); ++r) {
        const QModelIndex index = rows->index(r, FunctionTable::kName);
        if (index.data().toString() != m_function) continue;
        table->table()->selectionModel()->setCurrentIndex(
            index, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
        table->table()->scrollTo(index, QAbstractItemView::PositionAtCenter);
        return true;
    }
    return false;
}

void Screenshot::whenViewsReady() {
    FlamePanel* flame = m_window->callViews()->flamePanel();
    if (flame && flame->busy()) {
        connect(flame, &FlamePanel::treeShown, this, &Screenshot::whenViewsReady,
                Qt::SingleShotConnection);
        return;
    }
    FunctionTable* table = m_window->callViews()->functionTable();
    if (table && !m_function.isEmpty() && !selectFunction()) {
        // A big trace's statistics come from a thread: the table is empty until then.
        if (table->table()->model()->rowCount() == 0 && m_window->callViews()->trees()) {
            connect(table, &FunctionTable::statsShown, this, &Screenshot::whenViewsReady,
                    Qt::SingleShotConnection);
            return;
        }
        std::fprintf(stderr, "kestrel: no function %s in the table\n", qPrintable(m_function));
    }
    if (!m_latency.isEmpty()) return runLatency();
    // A few turns of the event loop for the layout and the table's rows to settle.
    QTimer::singleShot(300, this, &Screenshot::take);
}

// The kind by the name `ktr latency` and the tab's title give it.
void Screenshot::runLatency() {
    LatencyViews* views = m_window->latencyViews();
    LatencyPanel* panel = views->panel();
    std::optional<LatencyKind> kind;
    for (size_t k = 0; k < kLatencyKinds; ++k) {
        if (m_latency == QLatin1String(latencyKindName(LatencyKind(k)))) kind = LatencyKind(k);
    }
    if (!panel || !kind) {
        std::fprintf(stderr, "kestrel: no latency kind %s\n", qPrintable(m_latency));
        QApplication::exit(1);
        return;
    }
    m_tab = tr("Latency");
    showTab();
    auto pending = std::make_shared<int>(1 + !m_compare.isEmpty());
    auto one = [this, pending] {
        if (--*pending == 0) whenLatencyReady();
    };
    connect(views, &LatencyViews::finished, this, one, Qt::SingleShotConnection);
    if (!m_compare.isEmpty()) {
        connect(views, &LatencyViews::comparisonFinished, this, one, Qt::SingleShotConnection);
    }
    panel->setKind(*kind);
    if (!m_compare.isEmpty()) views->compareWith(m_compare);
}

void Screenshot::whenLatencyReady() {
    LatencyPanel* panel = m_window->latencyViews()->panel();
    if (!m_breakdown.isEmpty()) {
        const LatencyField field = m_breakdown == QLatin1String("task")  ? LatencyField::Task
                                   : m_breakdown == QLatin1String("cpu") ? LatencyField::Cpu
                                                                         : LatencyField::Key;
        panel->chart()->setBreakdownField(field);
        panel->chart()->setBreakdown(LatencyChartPanel::Breakdown::Stacked);
    }
    QTableView* table = panel->instanceTable();
    if (m_worst > 0 && m_worst <= table->model()->rowCount()) {
        table->selectRow(m_worst - 1);
        table->scrollTo(table->model()->index(m_worst - 1, 0));
    }
    QTimer::singleShot(500, this, &Screenshot::take);
}

void Screenshot::showTab() {
    QTabWidget* tabs = m_window->bottomArea();
    for (int i = 0; i < tabs->count(); ++i) {
        if (tabs->tabText(i).remove(QLatin1Char('&')) == m_tab) tabs->setCurrentIndex(i);
    }
}

void Screenshot::take() {
    QImage image = m_window->grab().toImage();
    QMenu* open = nullptr;
    for (QAction* a : m_window->menuBar()->actions()) {
        if (a->menu() && a->text().remove(QLatin1Char('&')) == m_menu) open = a->menu();
    }
    if (open) {  // a menu is a window of its own: drawn over the grab where it would drop
        const QRect title = m_window->menuBar()->actionGeometry(open->menuAction());
        const QPoint at = m_window->menuBar()->mapTo(m_window, title.bottomLeft());
        open->popup(m_window->mapToGlobal(at));
        QCoreApplication::processEvents();
        QPainter p(&image);
        p.drawPixmap(at, open->grab());
        open->hide();
    }
    const bool saved = image.save(m_path);
    if (!saved) std::fprintf(stderr, "kestrel: cannot write %s\n", qPrintable(m_path));
    QApplication::exit(saved ? 0 : 1);
}

}  // namespace kestrel
