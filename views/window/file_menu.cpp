#include "window/file_menu.h"

#include <QFileDialog>
#include <QFileInfo>
#include <QMenu>
#include <QSettings>

#include "window/latency_views.h"
#include "window/main_window.h"

namespace kestrel {
namespace {

constexpr int kMaxRecent = 10;
const char* kRecentKey = "recentFiles";

QStringList storedRecent() {
    return QSettings().value(kRecentKey).toStringList();
}

void storeRecent(const QStringList& files) {
    QSettings().setValue(kRecentKey, files);
}

}  // namespace

FileMenu::FileMenu(MainWindow* window) : QObject(window), m_window(window) {
    m_menu = new QMenu(tr("&File"), window);
    m_menu->setObjectName(QStringLiteral("fileMenu"));
    m_open = m_menu->addAction(tr("&Open..."), QKeySequence::Open, this, &FileMenu::chooseTrace);
    m_recent = m_menu->addMenu(tr("Open &Recent"));
    m_recent->setObjectName(QStringLiteral("openRecentMenu"));
    // Refilled each time it opens: a file deleted since is not offered.
    connect(m_recent, &QMenu::aboutToShow, this, &FileMenu::fillRecent);
    m_menu->addSeparator();
    m_compare = m_menu->addAction(tr("&Compare with..."), this, &FileMenu::chooseComparison);
    m_compare->setObjectName(QStringLiteral("compareWith"));
    m_compare->setToolTip(tr("Another trace's latencies of the same kind, over the histogram"));
    m_uncompare = m_menu->addAction(tr("Remove comparison"), this,
                                    [this] { m_window->latencyViews()->removeComparison(); });
    m_uncompare->setObjectName(QStringLiteral("removeComparison"));
    m_menu->addSeparator();
    m_export = m_menu->addAction(tr("&Export session..."), this, &FileMenu::chooseExport);
    m_import = m_menu->addAction(tr("&Import session..."), this, &FileMenu::chooseImport);
    m_menu->addSeparator();
    m_menu->addAction(tr("&Quit"), QKeySequence::Quit, window, &QWidget::close);
    setTraceLoaded(false);
    fillRecent();
}

void FileMenu::addRecent(const QString& path) {
    QStringList files = storedRecent();
    const QString abs = QFileInfo(path).absoluteFilePath();
    files.removeAll(abs);
    files.prepend(abs);
    while (files.size() > kMaxRecent) files.removeLast();
    storeRecent(files);
    fillRecent();
}

void FileMenu::forgetRecent(const QString& path) {
    QStringList files = storedRecent();
    if (files.removeAll(QFileInfo(path).absoluteFilePath()) > 0) storeRecent(files);
    fillRecent();
}

QStringList FileMenu::recentFiles() {
    const QStringList stored = storedRecent();
    QStringList files;
    for (const QString& f : stored) {
        if (QFileInfo::exists(f)) files << f;
    }
    if (files != stored) storeRecent(files);
    return files;
}

void FileMenu::fillRecent() {
    m_recent->clear();
    const QStringList files = recentFiles();
    for (const QString& f : files)
        m_recent->addAction(f, this, [this, f] { m_window->openFile(f); });
    m_recent->setEnabled(!files.isEmpty());
}

void FileMenu::setTraceLoaded(bool loaded) {
    m_export->setEnabled(loaded);
    m_import->setEnabled(loaded);
    m_compare->setEnabled(loaded);
    m_uncompare->setEnabled(loaded);
}

void FileMenu::chooseTrace() {
    const QString path = QFileDialog::getOpenFileName(m_window, tr("Open trace"), QString(),
                                                      tr("Traces (*.ktr *.dat);;All files (*)"));
    if (!path.isEmpty()) m_window->openFile(path);
}

void FileMenu::chooseComparison() {
    const QString path = QFileDialog::getOpenFileName(
        m_window, tr("Compare with"), QFileInfo(m_window->tracePath()).absolutePath(),
        tr("Traces (*.ktr *.dat);;All files (*)"));
    if (!path.isEmpty()) m_window->latencyViews()->compareWith(path);
}

// The trace's own folder is offered first; it may be read-only, and the dialog says so.
// Not "<trace>.kestrel.json": that name is where older versions kept sessions, read when
// the state directory has none.
void FileMenu::chooseExport() {
    const QFileInfo trace(m_window->tracePath());
    const QString suggested =
        trace.absolutePath() + '/' + trace.completeBaseName() + QStringLiteral("-session.json");
    const QString file = QFileDialog::getSaveFileName(
        m_window, tr("Export session"), suggested, tr("Kestrel sessions (*.json);;All files (*)"));
    if (!file.isEmpty()) m_window->exportSession(file);
}

void FileMenu::chooseImport() {
    const QString file = QFileDialog::getOpenFileName(
        m_window, tr("Import session"), QFileInfo(m_window->tracePath()).absolutePath(),
        tr("Kestrel sessions (*.json);;All files (*)"));
    if (!file.isEmpty()) m_window->importSession(file);
}

}  // namespace kestrel
