#include "window/menus.h"

#include <QAction>
#include <QActionGroup>
#include <QLineEdit>
#include <QListWidget>
#include <QMenuBar>
#include <QToolBar>

#include "events/event_panel.h"
#include "events/filter_panel.h"
#include "timeline/timeline_actions.h"
#include "timeline/timeline_legend.h"
#include "window/help_dialogs.h"
#include "window/main_window.h"

namespace kestrel {

WindowMenus::WindowMenus(MainWindow* window, QAction* open) : QObject(window), m_window(window) {
    buildView();
    buildFilter();
    buildHelp();
    buildToolBar(open);
}

void WindowMenus::buildView() {
    const TimelineActions& t = *m_window->timelineView()->keyActions();
    QMenu* view = m_window->menuBar()->addMenu(tr("&View"));
    view->addActions({t.zoomIn, t.zoomOut, t.zoomFit, t.zoomSelection, t.zoomMarkers});
    view->addSeparator();
    view->addActions({t.panLeft, t.panRight, t.toStart, t.toEnd});
    QMenu* markers = view->addMenu(tr("&Markers"));
    markers->addActions({t.markerA, t.markerB, t.goToA, t.goToB, t.clearMarkers});
    view->addAction(t.clearSelection);
    view->addSeparator();
    m_tasks = view->addAction(tr("&Tasks..."), QKeySequence(Qt::CTRL | Qt::Key_T), m_window,
                              &MainWindow::showTaskList);
    m_tasks->setStatusTip(tr("Choose the tasks that get rows on the timeline"));
    m_legend = view->addAction(tr("Colour &legend"));
    m_legend->setCheckable(true);
    m_legend->setChecked(true);
    m_legend->setStatusTip(tr("Show what the timeline's colours and marks mean"));
    connect(m_legend, &QAction::toggled, m_window->legend(), &QWidget::setVisible);
    m_fullScreen = view->addAction(tr("F&ull screen"));
    m_fullScreen->setShortcut(QKeySequence::FullScreen);
    m_fullScreen->setCheckable(true);
    connect(m_fullScreen, &QAction::toggled, m_window, [w = m_window](bool on) {
        w->setWindowState(on ? w->windowState() | Qt::WindowFullScreen
                             : w->windowState() & ~Qt::WindowFullScreen);
    });
}

// What the timeline does with what the event panel's filter leaves out; KernelShark
// calls it applying the filters to the graph.
void WindowMenus::buildFilter() {
    using Mode = TimelineView::GraphFilter;
    QMenu* filter = m_window->menuBar()->addMenu(tr("F&ilter"));
    m_graphFilter = new QActionGroup(this);
    const std::pair<Mode, QString> modes[] = {
        {Mode::Off, tr("Graph shows &everything")},
        {Mode::Dim, tr("Graph &dims what the filter leaves out")},
        {Mode::Hide, tr("Graph &hides what the filter leaves out")},
    };
    TimelineView* view = m_window->timelineView();
    for (const auto& [mode, text] : modes) {
        QAction* a = filter->addAction(text);
        a->setCheckable(true);
        a->setChecked(mode == view->graphFilter());
        a->setData(static_cast<int>(mode));
        a->setStatusTip(tr("The event panel's task, event and CPU filters on the timeline's rows"));
        m_graphFilter->addAction(a);
        connect(a, &QAction::triggered, view, [view, mode = mode] { view->setGraphFilter(mode); });
    }
    filter->addSeparator();
    m_clearFilters =
        filter->addAction(tr("&Clear all filters"), this, &WindowMenus::clearAllFilters);
    m_clearFilters->setStatusTip(tr("Every task, event and CPU again, no advanced filter"));
}

QAction* WindowMenus::graphFilter(TimelineView::GraphFilter mode) const {
    for (QAction* a : m_graphFilter->actions()) {
        if (a->data().toInt() == static_cast<int>(mode)) return a;
    }
    return nullptr;
}

// The filter panel's lists all ticked and its advanced text cleared; the time range
// (the timeline's selection) stays, being a selection rather than a filter.
void WindowMenus::clearAllFilters() {
    EventPanel* panel = m_window->eventPanel();
    if (!panel) return;
    FilterPanel* controls = panel->filterPanel();
    for (QListWidget* list : {controls->tasks(), controls->events(), controls->cpus()}) {
        QSignalBlocker block(list);
        for (int i = 0; i < list->count(); ++i) list->item(i)->setCheckState(Qt::Checked);
    }
    controls->advanced()->clear();
    controls->setAdvancedError({});
    EventFilter all;
    all.from = panel->filter().from;
    all.to = panel->filter().to;
    panel->setFilter(all);
}

void WindowMenus::buildHelp() {
    QMenu* help = m_window->menuBar()->addMenu(tr("&Help"));
    m_keys =
        help->addAction(tr("&Keys and mouse..."), m_window, [w = m_window] { showKeysDialog(w); });
    m_keys->setShortcut(QKeySequence::HelpContents);
    m_about =
        help->addAction(tr("&About Kestrel..."), m_window, [w = m_window] { showAboutDialog(w); });
}

void WindowMenus::buildToolBar(QAction* open) {
    const TimelineActions& t = *m_window->timelineView()->keyActions();
    m_toolBar = m_window->addToolBar(tr("Tools"));
    m_toolBar->setObjectName(QStringLiteral("toolBar"));
    m_toolBar->setMovable(false);
    m_toolBar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    if (open) m_toolBar->addAction(open);
    m_toolBar->addSeparator();
    m_toolBar->addActions({t.zoomIn, t.zoomOut, t.zoomFit, t.zoomSelection});
    m_toolBar->addSeparator();
    m_toolBar->addActions({t.goToA, t.goToB, t.zoomMarkers, t.clearMarkers});
}

}  // namespace kestrel
