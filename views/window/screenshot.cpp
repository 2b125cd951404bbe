#include "window/screenshot.h"

#include <QApplication>
#include <QMenu>
#include <QMenuBar>
#include <QPainter>
#include <QTabWidget>
#include <QTimer>
#include <cstdio>

#include "events/event_panel.h"
#include "window/call_views.h"
#include "window/main_window.h"

namespace kestrel {

void Screenshot::armFromEnvironment(MainWindow* window) {
    const QString path = qEnvironmentVariable("KESTREL_SCREENSHOT");
    if (path.isEmpty()) return;
    auto* shot = new Screenshot(window, path, qEnvironmentVariable("KESTREL_SCREENSHOT_MENU"));
    shot->m_tab = qEnvironmentVariable("KESTREL_SCREENSHOT_TAB");
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
    // A few turns of the event loop for the layout and the table's rows to settle.
    QTimer::singleShot(300, this, &Screenshot::take);
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
