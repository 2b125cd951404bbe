// Recording from the window (root, real tracefs, mounted when missing): the timeline shows
// the growing file before ktr ends, the finished trace replaces it and holds the traced
// command's sched_switch events (its pid and comm), no kestrel-* instance stays behind,
// and a command that does not exist fails with a message in the status bar.
#include <gtest/gtest.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "decode/event_cursor.h"
#include "decode/trace_model.h"
#include "formats/event_formats.h"
#include "qt_test_app.h"
#include "record/record_dialog.h"
#include "record/record_run.h"
#include "support/recording_tracefs.h"
#include "tracefs.h"
#include "window/live_recording.h"
#include "window/main_window.h"
#include "window_helpers.h"

namespace kestrel {
namespace {

class WindowRecord : public ::testing::Test {
protected:
    void SetUp() override {
        auto located = test::recordingTracefs();
        if (!located) GTEST_SKIP() << located.message();
        m_fs = std::make_unique<Tracefs>(*located);
        ASSERT_TRUE(m_dir.isValid());
        m_window.setQuiet(true);
        m_window.liveRecording()->run()->setKtrPath(QStringLiteral(KTR_BINARY));
        m_window.resize(1200, 700);
        m_window.show();
    }
    // ktr's own instance (kestrel-PID): other recordings may run on this machine.
    bool noKestrelInstance() const {
        const qint64 pid = m_window.liveRecording()->run()->pid();
        return pid > 0 && !m_fs->isDir("instances/kestrel-" + std::to_string(pid));
    }
    std::unique_ptr<Tracefs> m_fs;
    QTemporaryDir m_dir;
    MainWindow m_window;
};

// sched_switch events leaving `pid` while its comm was `comm`, counted in the model.
size_t switchesAway(const TraceModel& model, int pid, const std::string& comm) {
    auto formats = EventFormats::create(model.meta());
    if (!formats) return 0;
    const EventType* sw = formats.value()->find("sched", "sched_switch");
    if (!sw) return 0;
    FieldRef prevPid = formats.value()->field(sw->id, "prev_pid");
    FieldRef prevComm = formats.value()->field(sw->id, "prev_comm");
    EventCursor cursor(model);
    EventRef ev;
    size_t n = 0;
    while (cursor.next(ev)) {
        CommonFields common;
        if (!formats.value()->common(ev.raw, common) || common.type != sw->id) continue;
        if (formats.value()->readInt(prevPid, ev.raw) == pid &&
            formats.value()->readString(prevComm, ev.raw) == comm)
            ++n;
    }
    return n;
}

TEST_F(WindowRecord, TimelineGrowsThenTheFinishedTraceOpens) {
    const QString out = m_dir.filePath("live.ktr");
    const QString pidFile = m_dir.filePath("pid");
    // What the window showed while ktr was still recording.
    int liveWithFrames = 0;
    bool liveFromGrowingFile = false;
    QObject::connect(&m_window, &MainWindow::liveModelShown, &m_window, [&] {
        if (!m_window.recording() || !m_window.model()) return;
        if (!m_window.model()->frames().empty()) ++liveWithFrames;
        if (m_window.model()->source().recovered()) liveFromGrowingFile = true;
    });
    QSignalSpy opened(&m_window, &MainWindow::fileOpened);
    ASSERT_TRUE(m_window.startRecording(
        {"-e", "sched", "-o", out, "--", "sh", "-c",
         "echo $$ > " + pidFile + "; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 0.1; done"}));
    EXPECT_TRUE(m_window.recording());
    ASSERT_TRUE(opened.wait(30000)) << m_window.statusText().toStdString();
    EXPECT_TRUE(opened.takeFirst().at(0).toBool());
    EXPECT_GT(liveWithFrames, 0) << "no live model with frames before ktr ended";
    EXPECT_TRUE(liveFromGrowingFile);
    EXPECT_FALSE(m_window.recording());
    ASSERT_NE(m_window.model(), nullptr);
    EXPECT_EQ(m_window.tracePath(), QFileInfo(out).absoluteFilePath());
    EXPECT_FALSE(m_window.model()->source().recovered());  // the finished file, with its footer
    ASSERT_TRUE(test::waitForAnalysis(m_window));
    QFile f(pidFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const int pid = QString::fromLatin1(f.readAll()).trimmed().toInt();
    EXPECT_GT(switchesAway(*m_window.model(), pid, "sh"), 0u) << "pid " << pid;
    EXPECT_TRUE(noKestrelInstance());
}

// The whole way a user goes: Ctrl+R, the "sched" preset, a launched command, Record; the
// dialog shows figures and the end, the window the growing file and then the trace.
TEST_F(WindowRecord, DialogRecordsALaunchedCommandShownLive) {
    ASSERT_TRUE(QTest::qWaitForWindowActive(&m_window));
    QTest::keyClick(&m_window, Qt::Key_R, Qt::ControlModifier);
    RecordDialog* dialog = m_window.recordDialog();
    ASSERT_NE(dialog, nullptr) << "Ctrl+R opened no record dialog";
    EXPECT_TRUE(dialog->isVisible());
    if (!dialog->capabilitiesReady()) {
        QSignalSpy probed(dialog, &RecordDialog::capabilitiesProbed);
        ASSERT_TRUE(probed.wait(60000));
    }
    ASSERT_TRUE(dialog->applyPreset("sched"));
    const QString out = m_dir.filePath("dialog.ktr");
    const QString pidFile = m_dir.filePath("pid");
    RecordForm* form = dialog->form();
    form->setTarget(RecordForm::Target::Command);
    form->setCommand("sh -c 'echo $$ > " + pidFile +
                         "; for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 0.1; done'",
                     m_dir.path());
    form->setStop(RecordForm::Stop::CommandExit);
    form->setOutputPath(out);
    ASSERT_TRUE(form->problem().isEmpty()) << form->problem().toStdString();

    int liveWithFrames = 0;
    int figuresSeen = 0;
    QObject::connect(&m_window, &MainWindow::liveModelShown, &m_window, [&] {
        if (m_window.recording() && m_window.model() && !m_window.model()->frames().empty())
            ++liveWithFrames;
    });
    QObject::connect(m_window.liveRecording()->run(), &RecordRun::figuresChanged, &m_window,
                     [&] { figuresSeen += dialog->isRecording(); });
    QSignalSpy opened(&m_window, &MainWindow::fileOpened);
    QTest::mouseClick(dialog->recordButton(), Qt::LeftButton);
    EXPECT_TRUE(m_window.recording()) << m_window.statusText().toStdString();
    EXPECT_TRUE(dialog->isRecording());
    ASSERT_TRUE(opened.wait(30000)) << m_window.statusText().toStdString();
    EXPECT_TRUE(opened.takeFirst().at(0).toBool());
    EXPECT_GT(liveWithFrames, 0) << "no live model with frames before ktr ended";
    EXPECT_GT(figuresSeen, 0) << "the dialog was given no figures while recording";
    EXPECT_FALSE(dialog->isRecording());
    EXPECT_EQ(m_window.tracePath(), QFileInfo(out).absoluteFilePath());
    ASSERT_TRUE(test::waitForAnalysis(m_window));
    QFile f(pidFile);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly));
    const int pid = QString::fromLatin1(f.readAll()).trimmed().toInt();
    EXPECT_GT(switchesAway(*m_window.model(), pid, "sh"), 0u) << "pid " << pid;
    EXPECT_TRUE(noKestrelInstance());
}

TEST_F(WindowRecord, MissingCommandFailsInTheStatusBar) {
    QSignalSpy failed(&m_window, &MainWindow::recordingFailed);
    ASSERT_TRUE(m_window.startRecording(
        {"-e", "sched", "-o", m_dir.filePath("none.ktr"), "--", "kestrel-no-such-command"}));
    ASSERT_TRUE(failed.wait(30000));
    EXPECT_TRUE(m_window.statusText().contains("kestrel-no-such-command was not found"))
        << m_window.statusText().toStdString();
    EXPECT_FALSE(m_window.recording());
    EXPECT_EQ(m_window.model(), nullptr);
    EXPECT_TRUE(noKestrelInstance());
}

}  // namespace
}  // namespace kestrel
