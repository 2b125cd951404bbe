#pragma once
// The window's View, Filter and Help menus and its tool bar. The timeline's commands
// are the timeline's own actions (timeline_actions.h), whose keys act while the
// timeline has focus; the window-wide keys here (Ctrl+T, F11, F1) mean the same
// wherever the focus is. The File menu is built with the code that opens files.
#include <QObject>

#include "timeline/timeline_view.h"

class QAction;
class QActionGroup;
class QMenu;
class QToolBar;

namespace kestrel {

class MainWindow;

class WindowMenus : public QObject {
    Q_OBJECT
public:
    // `open` is File > Open, which the tool bar shows first.
    WindowMenus(MainWindow* window, QAction* open);

    QToolBar* toolBar() const { return m_toolBar; }
    QAction* tasks() const { return m_tasks; }
    QAction* fullScreen() const { return m_fullScreen; }
    QAction* legend() const { return m_legend; }
    QAction* graphFilter(TimelineView::GraphFilter mode) const;
    QAction* clearFilters() const { return m_clearFilters; }
    QAction* keys() const { return m_keys; }
    QAction* about() const { return m_about; }

private:
    void buildView();
    void buildFilter();
    void buildHelp();
    void buildToolBar(QAction* open);
    void clearAllFilters();

    MainWindow* m_window;
    QToolBar* m_toolBar = nullptr;
    QAction* m_tasks = nullptr;
    QAction* m_fullScreen = nullptr;
    QAction* m_legend = nullptr;
    QActionGroup* m_graphFilter = nullptr;
    QAction* m_clearFilters = nullptr;
    QAction* m_keys = nullptr;
    QAction* m_about = nullptr;
};

}  // namespace kestrel
