// RecordRun: `ktr record` as a child process of the GUI. The failure messages for ktr's
// own words; then real runs (root, tracefs mounted when missing): a command that does
// not exist, a disk that fills up (a 1 MB tmpfs) with what was recorded still opening,
// and Stop ending a recording cleanly with figures on the way and no instance left.
#include "record/record_run.h"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <QDir>
#include <QFileInfo>
#include <QSignalSpy>
#include <QTemporaryDir>

#include "decode/trace_model.h"
#include "qt_test_app.h"
#include "support/recording_tracefs.h"
#include "tracefs.h"

namespace kestrel {
namespace {

TEST(RecordRunExplain, NamesTheCauseInWords) {
    EXPECT_TRUE(
        RecordRun::explain("ktr record: cannot run nosuch: No such file or directory\n", 127)
            .contains("nosuch was not found"));
    EXPECT_TRUE(RecordRun::explain("ktr record: cannot run ./x.sh: Permission denied\n", 126)
                    .contains("./x.sh cannot be run"));
    QString full = RecordRun::explain(
        "ktr record: 1.0 s, 5 events\nktr record: write /m/t.ktr: No space left on device\n", 1);
    EXPECT_TRUE(full.contains("disk is full")) << full.toStdString();
    EXPECT_TRUE(full.contains("can be opened")) << full.toStdString();
    EXPECT_TRUE(RecordRun::explain("ktr record: tracefs not found at /sys/kernel/tracing or "
                                   "/sys/kernel/debug/tracing and mounting it failed (x)\n",
                                   1)
                    .contains("tracefs"));
    EXPECT_TRUE(RecordRun::explain("ktr record: recording needs root (tracefs instances)\n", 1)
                    .startsWith("Permission denied"));
    QString busy = RecordRun::explain(
        "ktr record: the top-level buffer is in use (tracer function): --force records there\n", 1);
    EXPECT_TRUE(busy.contains("top-level trace buffer is busy")) << busy.toStdString();
    EXPECT_TRUE(busy.contains("tracer function")) << busy.toStdString();
    EXPECT_TRUE(RecordRun::explain("ktr record: something new\n", 1).contains("something new"));
}

class RecordRunTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto located = test::recordingTracefs();
        if (!located) GTEST_SKIP() << located.message();
        m_fs = std::make_unique<Tracefs>(*located);
        ASSERT_TRUE(m_dir.isValid());
        m_run.setKtrPath(QStringLiteral(KTR_BINARY));
        m_run.setInterval(100);
    }
    bool finish(bool* ok) {
        QSignalSpy spy(&m_run, &RecordRun::finished);
        if (!m_run.running()) return true;
        if (!spy.wait(30000)) return false;
        *ok = spy.takeFirst().at(0).toBool();
        return true;
    }
    // ktr's own instance (kestrel-PID): other recordings may run on this machine.
    bool noKestrelInstance() const {
        const qint64 pid = m_run.pid();
        return pid > 0 && !m_fs->isDir("instances/kestrel-" + std::to_string(pid));
    }
    std::unique_ptr<Tracefs> m_fs;
    QTemporaryDir m_dir;
    RecordRun m_run;
};

TEST_F(RecordRunTest, CommandNotFoundSaysSoAndWritesNothing) {
    const QString out = m_dir.filePath("nosuch.ktr");
    ASSERT_TRUE(m_run.start({"-e", "sched", "-o", out, "--", "kestrel-no-such-command"}));
    bool ok = true;
    ASSERT_TRUE(finish(&ok));
    EXPECT_FALSE(ok);
    EXPECT_EQ(m_run.state(), RecordRun::State::Failed);
    EXPECT_TRUE(m_run.failure().contains("kestrel-no-such-command was not found"))
        << m_run.failure().toStdString();
    EXPECT_EQ(m_run.exitCode(), 127);
    EXPECT_FALSE(QFileInfo::exists(out));
    EXPECT_TRUE(noKestrelInstance());
}

TEST_F(RecordRunTest, StopEndsTheRecordingWithFiguresOnTheWay) {
    const QString out = m_dir.filePath("stopped.ktr");
    ASSERT_TRUE(m_run.start({"-e", "sched", "-o", out, "--", "sleep", "30"}));
    QSignalSpy figures(&m_run, &RecordRun::figuresChanged);
    ASSERT_TRUE(figures.wait(10000)) << m_run.log().toStdString();
    EXPECT_FALSE(m_run.figures().cpus.empty());
    const double before = m_run.figures().elapsedSec;
    ASSERT_TRUE(figures.wait(10000));
    EXPECT_GT(m_run.figures().elapsedSec, before);
    m_run.stop();
    bool ok = false;
    ASSERT_TRUE(finish(&ok));
    EXPECT_TRUE(ok) << m_run.failure().toStdString() << m_run.log().toStdString();
    EXPECT_EQ(m_run.state(), RecordRun::State::Finished);
    EXPECT_EQ(m_run.outputPath(), QFileInfo(out).absoluteFilePath());
    auto model = TraceModel::open(out.toStdString());
    ASSERT_TRUE(model) << model.message();
    EXPECT_FALSE(model.value()->source().recovered());  // ktr finished the file
    EXPECT_TRUE(noKestrelInstance());
}

// A 1 MB file system fills within seconds under sched, irq and timer events and a busy
// command; ktr stops, and the part written opens.
TEST_F(RecordRunTest, DiskFullSaysSoAndKeepsWhatWasRecorded) {
    const QString mnt = m_dir.filePath("small");
    ASSERT_TRUE(QDir().mkpath(mnt));
    if (::mount("tmpfs", qPrintable(mnt), "tmpfs", 0, "size=1m") != 0)
        GTEST_SKIP() << "cannot mount a small tmpfs here";
    const QString out = mnt + "/full.ktr";
    ASSERT_TRUE(m_run.start({"-e", "sched", "-e", "irq", "-e", "timer", "-e", "raw_syscalls",
                             "--frame-pages", "8", "-d", "20", "-o", out, "--", "sh", "-c",
                             "while :; do ls / > /dev/null; done"}));
    bool ok = true;
    const bool ended = finish(&ok);
    if (!ended) m_run.stop();
    EXPECT_TRUE(ended);
    EXPECT_FALSE(ok);
    EXPECT_TRUE(m_run.failure().contains("disk is full"))
        << m_run.failure().toStdString() << m_run.log().toStdString();
    EXPECT_TRUE(m_run.outputExists());
    auto model = TraceModel::open(out.toStdString());
    EXPECT_TRUE(model) << model.message();
    if (model) {
        EXPECT_FALSE(model.value()->frames().empty());
    }
    m_run.waitForFinished(10000);
    ::umount2(qPrintable(mnt), MNT_DETACH);
    EXPECT_TRUE(noKestrelInstance());
}

}  // namespace
}  // namespace kestrel
