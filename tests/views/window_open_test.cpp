// Opening files in the window when they do not open: what the status bar says (the file
// and the problem in words, the reader's text apart), what Open Recent keeps, and that
// the trace on screen stays.
#include <gtest/gtest.h>

#include <QAction>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QSignalSpy>

#include "fixture_copy.h"
#include "qt_test_app.h"
#include "support/test_data.h"
#include "window/main_window.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

QStringList actionTexts(const QMenu* menu) {
    QStringList texts;
    for (const QAction* a : menu->actions()) {
        if (!a->isSeparator()) texts << a->text().remove('&');
    }
    return texts;
}

// What Open Recent offers when the user opens it.
QStringList recentOffered(MainWindow& w) {
    QMenu* recent = nullptr;
    for (QMenu* menu : w.findChildren<QMenu*>()) {
        if (menu->title().remove('&') == QStringLiteral("Open Recent")) recent = menu;
    }
    if (!recent) return {QStringLiteral("<no Open Recent menu>")};
    emit recent->aboutToShow();
    return actionTexts(recent);
}

TEST(WindowOpen, AMissingPathIsSaidToBeMissing) {
    MainWindow w;
    w.setQuiet(true);
    const QString missing = QString::fromStdString(test::tempDir("open-missing") + "/gone.dat");
    EXPECT_FALSE(w.openFile(missing));
    EXPECT_EQ(w.statusText(),
              QStringLiteral("Cannot open %1: there is no such file.").arg(missing));
}

TEST(WindowOpen, AFolderIsSaidToBeAFolder) {
    MainWindow w;
    w.setQuiet(true);
    const QString dir = QString::fromStdString(test::tempDir("open-folder"));
    EXPECT_FALSE(w.openFile(dir));
    EXPECT_EQ(w.statusText(),
              QStringLiteral("Cannot open %1: it is a folder, not a trace file.").arg(dir));
}

// A trace.dat cut inside its header: the sentence says what happened in words; the
// reader's offsets and sizes are kept for the details.
TEST(WindowOpen, AFileCutInItsHeaderIsSaidInWordsWithTheReadersTextApart) {
    const QString cut = QString::fromStdString(test::tempDir("open-cut") + "/cut.dat");
    {
        QFile in(QString::fromStdString(test::dataPath("sched-irq-timer.dat")));
        QFile out(cut);
        ASSERT_TRUE(in.open(QIODevice::ReadOnly) && out.open(QIODevice::WriteOnly));
        out.write(in.read(300));
    }
    MainWindow w;
    w.setQuiet(true);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    ASSERT_TRUE(w.openFile(cut));
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_FALSE(opened.first().at(0).toBool());
    const QString status = w.statusText();
    EXPECT_TRUE(status.startsWith(QStringLiteral("Cannot open %1: ").arg(cut)))
        << qPrintable(status);
    EXPECT_TRUE(status.contains(QStringLiteral("cut short"))) << qPrintable(status);
    EXPECT_FALSE(status.contains(QStringLiteral("offset"))) << qPrintable(status);
    EXPECT_TRUE(w.statusDetails().startsWith(QStringLiteral("offset ")))
        << qPrintable(w.statusDetails());
}

// A file that does not open while a trace is loaded: the status bar names both.
TEST(WindowOpen, AFailedOpenSaysWhichTraceStaysOpen) {
    const test::FixtureCopy trace("markers.dat"), bad("pages/header_page");
    MainWindow w;
    w.setQuiet(true);
    ASSERT_TRUE(w.openFile(trace.path()));
    ASSERT_TRUE(test::waitForAnalysis(w));
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    ASSERT_TRUE(w.openFile(bad.path()));
    ASSERT_TRUE(opened.wait(30000));
    EXPECT_EQ(w.statusText(),
              QStringLiteral("Cannot open %1: it is not a trace Kestrel reads (a .ktr file, or a "
                             "trace.dat of trace-cmd, versions 6 and 7). markers.dat stays open.")
                  .arg(bad.path()));
    EXPECT_NE(w.statusDetails().indexOf(QStringLiteral("not a .ktr or trace-cmd trace.dat file")),
              -1)
        << qPrintable(w.statusDetails());
}

// A recent trace deleted since is not offered, and opening it (a stale entry, a script)
// says it is missing.
TEST(WindowOpen, ADeletedRecentFileLeavesOpenRecent) {
    const test::FixtureCopy kept("markers.dat"), deleted("two-buffers.dat");
    MainWindow w;
    w.setQuiet(true);
    for (const auto* trace : {&deleted, &kept}) {
        QSignalSpy opened(&w, &MainWindow::fileOpened);
        ASSERT_TRUE(w.openFile(trace->path()));
        ASSERT_TRUE(opened.wait(30000));
    }
    EXPECT_TRUE(recentOffered(w).contains(deleted.path()))
        << qPrintable(recentOffered(w).join(' '));
    ASSERT_TRUE(QFile::remove(deleted.path()));
    const QStringList offered = recentOffered(w);
    EXPECT_FALSE(offered.contains(deleted.path())) << qPrintable(offered.join(' '));
    EXPECT_TRUE(offered.contains(kept.path())) << qPrintable(offered.join(' '));
    EXPECT_FALSE(w.openFile(deleted.path()));
    EXPECT_TRUE(w.statusText().contains(QStringLiteral("there is no such file")))
        << qPrintable(w.statusText());
    test::waitForAnalysis(w);
}

TEST(WindowOpen, TheFileMenuOpensAndMovesSessions) {
    MainWindow w;
    auto* file = w.findChild<QMenu*>(QStringLiteral("fileMenu"));
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(actionTexts(file),
              QStringList({"Open...", "Record...", "Open Recent", "Compare with...",
                           "Remove comparison", "Export session...", "Import session...",
                           "Quit"}));
}

}  // namespace
}  // namespace kestrel
