// The banner above the timeline that says what is missing from a trace: a file cut short
// (what its reader found on opening), frames that do not read (what the passes skip).
#include "window/damage_banner.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QLabel>
#include <QPlainTextEdit>
#include <QSignalSpy>
#include <QToolButton>

#include "decode/trace_model.h"
#include "ktr/ktr_convert.h"
#include "qt_test_app.h"
#include "support/test_data.h"
#include "timeline/timeline_view.h"
#include "window/main_window.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

QString copyOf(const char* fixture, const char* tag, qint64 keep = -1) {
    const QString path = QString::fromStdString(test::tempDir(tag) + "/" + fixture);
    QFile in(QString::fromStdString(test::dataPath(fixture)));
    QFile out(path);
    if (!in.open(QIODevice::ReadOnly) || !out.open(QIODevice::WriteOnly)) return {};
    out.write(keep < 0 ? in.readAll() : in.read(keep));
    return path;
}

QString bannerText(const MainWindow& w) {
    const auto* banner = w.findChild<QWidget*>(QStringLiteral("damageBanner"));
    const auto* summary = w.findChild<QLabel*>(QStringLiteral("damageSummary"));
    if (!banner || !summary || !banner->isVisibleTo(&w)) return {};
    return summary->text();
}

QString bannerDetails(const MainWindow& w) {
    const auto* details = w.findChild<QPlainTextEdit*>(QStringLiteral("damageDetails"));
    return details ? details->toPlainText() : QString();
}

bool open(MainWindow& w, const QString& path) {
    w.setQuiet(true);
    QSignalSpy opened(&w, &MainWindow::fileOpened);
    return w.openFile(path) && opened.wait(30000) && opened.first().at(0).toBool();
}

// sched-irq-v6.dat cut at 4,000,000 bytes keeps 1,017 of its 2,847 events: CPU 1's data
// runs past the end of the file.
TEST(DamageBanner, ATraceCutShortSaysSoAsItOpens) {
    const QString cut = copyOf("sched-irq-v6.dat", "banner-cut", 4000000);
    MainWindow w;
    ASSERT_TRUE(open(w, cut));
    const QString text = bannerText(w);
    const size_t found = w.model()->source().warnings().size();
    ASSERT_GT(found, 0u);
    EXPECT_TRUE(text.startsWith(QStringLiteral("Data is missing from this trace: the file is cut "
                                               "short (%1 problems found on opening): cpu1's "
                                               "events stop at ")
                                    .arg(found)))
        << qPrintable(text);
    EXPECT_TRUE(bannerDetails(w).contains(QStringLiteral("CPU 1"))) << qPrintable(bannerDetails(w));
    EXPECT_FALSE(bannerDetails(w).contains(cut));  // the file is named once, in the title
    ASSERT_TRUE(test::waitForAnalysis(w));
    EXPECT_FALSE(bannerText(w).isEmpty());
}

TEST(DamageBanner, AWholeTraceHasNone) {
    MainWindow w;
    ASSERT_TRUE(open(w, copyOf("sched-irq-v6.dat", "banner-whole")));
    ASSERT_TRUE(test::waitForAnalysis(w));
    EXPECT_EQ(bannerText(w), QString());
}

// A .ktr frame whose bytes fail their checksum opens (the index is whole) but does not
// read: the analysis skips it, the banner says where and how much once the analysis has
// run, and the CPU row gets a gap there.
TEST(DamageBanner, AFrameThatDoesNotReadIsSaidAfterTheAnalysis) {
    const QString path = QString::fromStdString(test::tempDir("banner-frame") + "/damaged.ktr");
    FrameRef bad;
    {
        auto source = TraceModel::open(test::dataPath("sched-irq-timer.dat"));
        ASSERT_TRUE(source.ok());
        ASSERT_TRUE(convertToKtr(source.value()->source(), path.toStdString()).ok());
        auto model = TraceModel::open(path.toStdString());
        ASSERT_TRUE(model.ok());
        const FrameIndex& frames = model.value()->frames();
        ASSERT_GT(frames.size(), 2u);
        bad = frames[1];
    }
    {
        QFile f(path);
        ASSERT_TRUE(f.open(QIODevice::ReadWrite));
        f.seek(static_cast<qint64>(bad.offset + bad.csize / 2));
        f.write(QByteArray(100, '\x5a'));
    }
    MainWindow w;
    ASSERT_TRUE(open(w, path));
    ASSERT_TRUE(test::waitForAnalysis(w));
    ASSERT_TRUE(w.model()->damaged());
    const QString label = QString::fromStdString(w.model()->cpuLabel(bad.cpu));
    const QString text = bannerText(w);
    EXPECT_TRUE(text.contains(
        QStringLiteral("1 piece could not be read on %1 (%L2 events, ").arg(label).arg(bad.events)))
        << qPrintable(text);
    EXPECT_TRUE(bannerDetails(w).contains(QStringLiteral("offset %1").arg(bad.offset)))
        << qPrintable(bannerDetails(w));
    const SchedTimeline* timeline = w.timelineView()->timeline();
    ASSERT_NE(timeline, nullptr);
    EXPECT_TRUE(std::any_of(timeline->gaps.begin(), timeline->gaps.end(),
                            [&](const LostGap& g) { return g.cpu == bad.cpu; }));

    // Dismissed, it stays away while there is nothing new to say.
    auto* dismiss = w.findChild<QToolButton*>(QStringLiteral("damageDismiss"));
    ASSERT_NE(dismiss, nullptr);
    dismiss->click();
    EXPECT_EQ(bannerText(w), QString());
    w.damageBanner()->showProblems(w.model());
    EXPECT_EQ(bannerText(w), QString());
}

}  // namespace
}  // namespace kestrel
