#include "window/main_window.h"

#include <time.h>

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDragEnterEvent>
#include <QFileInfo>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QStatusBar>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QVBoxLayout>
#include <algorithm>
#include <cstdio>
#include <utility>

#include "decode/trace_model.h"
#include "events/event_panel.h"
#include "events/filter_panel.h"
#include "formats/event_formats.h"
#include "jobs/background_pass.h"
#include "jobs/worker_priority.h"
#include "record/record_dialog.h"
#include "record/record_run.h"
#include "timeline/time_scale.h"
#include "timeline/timeline_legend.h"
#include "timeline/timeline_view.h"
#include "window/call_views.h"
#include "window/damage_banner.h"
#include "window/file_menu.h"
#include "window/latency_views.h"
#include "window/live_recording.h"
#include "window/menus.h"
#include "window/open_error.h"
#include "window/progress_label.h"
#include "window/screenshot.h"
#include "window/session.h"
#include "window/session_filters.h"
#include "window/stall_probe.h"
#include "window/status_text.h"
#include "window/task_list_dialog.h"

namespace kestrel {
namespace {

// Runs `fn` on the window's UI thread later, if the window still exists then. The window
// joins every thread of its own before it is destroyed, so `self` is alive when posting.
template <class Fn>
void post(QPointer<MainWindow> self, Fn fn) {
    QMetaObject::invokeMethod(
        self.data(),
        [self, fn] {
            if (self) fn(*self);
        },
        Qt::QueuedConnection);
}

}  // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent),
      m_analysis([](const TraceModel& model, const EventFormats& formats, Progress* progress) {
          return analyzeSched(model, formats, progress);
      }) {
    setWindowTitle("Kestrel");
    resize(1400, 860);
    setAcceptDrops(true);
    m_state = new TimelineState(this);
    m_view = new TimelineView(m_state, this);
    m_legend = new TimelineLegend(this);
    m_legend->followCalls(m_view);  // the functions on screen, when rows show calls
    auto* top = new QWidget(this);
    auto* topLayout = new QVBoxLayout(top);
    topLayout->setContentsMargins(0, 0, 0, 0);
    topLayout->setSpacing(0);
    topLayout->addWidget(m_view, 1);
    topLayout->addWidget(m_legend);
    m_bottom = new QTabWidget(this);
    m_bottom->setDocumentMode(true);
    m_bottom->tabBar()->setAutoHide(true);  // one view shows without a tab bar
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(top);
    m_splitter->addWidget(m_bottom);
    m_splitter->setStretchFactor(0, 0);  // the timeline keeps its rows' height,
    m_splitter->setStretchFactor(1, 1);  // the event panel takes what the window adds
    m_splitter->setChildrenCollapsible(false);
    m_bottom->hide();  // shown once a widget is plugged in
    m_banner = new DamageBanner(this);
    auto* central = new QWidget(this);
    auto* column = new QVBoxLayout(central);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(0);
    column->addWidget(m_banner);
    column->addWidget(m_splitter, 1);
    setCentralWidget(central);
    connect(m_view, &TimelineView::rowsChanged, this, &MainWindow::fitTimelineToRows);

    m_status =
        new QLabel(tr("Open a .ktr or trace.dat file (File > Open, or drop it here)."), this);
    m_markers = new QLabel(this);
    m_progress = new QProgressBar(this);
    m_progress->setMaximumWidth(160);
    m_cancel = new QPushButton(tr("Cancel"), this);
    m_progress->setObjectName(QStringLiteral("analysisProgress"));
    m_cancel->setObjectName(QStringLiteral("cancelAnalysis"));
    m_restart = new QPushButton(tr("Restart analysis"), this);
    m_restart->setObjectName(QStringLiteral("restartAnalysis"));
    m_restart->setToolTip(
        tr("Run the scheduling analysis again: it colours the CPU rows by "
           "task and fills the task list and the filter lists"));
    auto* progressText = new ProgressLabel(m_progress, tr("analysing %p%"), this);
    progressText->setObjectName(QStringLiteral("analysisProgressText"));
    statusBar()->addWidget(m_status, 1);
    statusBar()->addPermanentWidget(m_markers);
    statusBar()->addPermanentWidget(progressText);
    statusBar()->addPermanentWidget(m_progress);
    statusBar()->addPermanentWidget(m_cancel);
    statusBar()->addPermanentWidget(m_restart);
    m_progress->hide();
    m_cancel->hide();
    m_restart->hide();
    connect(m_cancel, &QPushButton::clicked, this, &MainWindow::cancelAnalysis);
    m_calls = new CallViews(this);
    watchPass(m_calls->pass());
    m_latency = new LatencyViews(this);
    watchPass(m_latency->pass());
    watchPass(m_latency->comparePass());
    connect(m_calls, &CallViews::built, this, &MainWindow::showCallTrees);
    connect(m_restart, &QPushButton::clicked, this, &MainWindow::restartAnalysis);
    m_poll = new QTimer(this);
    m_poll->setInterval(100);
    connect(m_poll, &QTimer::timeout, this, &MainWindow::pollProgress);

    connect(m_state, &TimelineState::markersChanged, this, &MainWindow::updateStatus);
    connect(m_state, &TimelineState::selectionChanged, this, &MainWindow::updateStatus);
    connect(m_state, &TimelineState::cursorTimeChanged, this, &MainWindow::selectedTimeChanged);
    connect(m_view, &TimelineView::firstPainted, this, [this] {
        if (m_exitWhenIdle) std::fprintf(stderr, "kestrel: first-draw-ms=%.1f\n", msSinceLaunch());
        setPhase("first draw done");
    });
    m_recording = new LiveRecording(this);
    connect(m_recording, &LiveRecording::liveModel, this, &MainWindow::showLiveModel);
    connect(m_recording, &LiveRecording::finalModel, this, &MainWindow::showFinalRecording);
    connect(m_recording, &LiveRecording::failed, this, &MainWindow::recordingStopped);
    buildMenus();
    Screenshot::armFromEnvironment(this);
}

// A pass of the views (call trees, latencies) shows its progress and Cancel in the status
// bar while it runs.
void MainWindow::watchPass(BackgroundPass* pass) {
    connect(pass, &BackgroundPass::progress, this, [this](qint64 done, qint64 total) {
        m_progress->setValue(total ? int(done * 100 / total) : 0);
    });
    connect(pass, &BackgroundPass::started, this, [this] {
        m_progress->setValue(0);
        m_progress->show();
        m_cancel->show();
    });
    connect(pass, &BackgroundPass::stopped, this, [this] {
        if (analysisRunning() || m_calls->running() || m_latency->running()) return;
        m_progress->hide();
        m_cancel->hide();
    });
}

MainWindow::~MainWindow() {
    delete m_recording;  // stops ktr and waits for it and for its opens
    m_recording = nullptr;
    m_latency->clear();
    m_calls->clear();
    removeEventPanel();  // its passes read the model, which goes before child widgets do
    stopWorker();
    stopOpening();
    for (std::thread& t : m_retired) t.join();
}

void MainWindow::buildMenus() {
    m_fileMenu = new FileMenu(this);
    menuBar()->addMenu(m_fileMenu->menu());
    m_menus = new WindowMenus(this, m_fileMenu->openAction());  // View, Filter, Help, tool bar
    buildRecordAction();
}

// After Open in the File menu and on the tool bar.
void MainWindow::buildRecordAction() {
    m_recordAction = new QAction(tr("&Record..."), this);
    m_recordAction->setObjectName(QStringLiteral("recordAction"));
    m_recordAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_recordAction->setToolTip(
        tr("Record kernel events into a .ktr file, shown here as it grows (Ctrl+R)"));
    connect(m_recordAction, &QAction::triggered, this, &MainWindow::showRecordDialog);
    auto insertAfterOpen = [this](QWidget* where) {
        const QList<QAction*> actions = where->actions();
        const qsizetype open = actions.indexOf(m_fileMenu->openAction());
        if (open >= 0 && open + 1 < actions.size())
            where->insertAction(actions[open + 1], m_recordAction);
        else
            where->addAction(m_recordAction);
    };
    insertAfterOpen(m_fileMenu->menu());
    insertAfterOpen(m_menus->toolBar());
}

void MainWindow::showRecordDialog() {
    if (!m_recordDialog) {
        m_recordDialog = new RecordDialog({}, this);
        connect(m_recordDialog, &RecordDialog::recordRequested, this,
                &MainWindow::recordFromDialog);
        connect(m_recordDialog, &RecordDialog::stopRequested, this, &MainWindow::stopRecording);
        connect(m_recording->run(), &RecordRun::figuresChanged, this,
                &MainWindow::showRecordFigures);
        connect(m_recording->run(), &RecordRun::finished, m_recordDialog, [this](bool ok) {
            if (ok)
                m_recordDialog->showFinished(true, tr("Recorded into %1: it opens in the window.")
                                                       .arg(m_recording->run()->outputPath()));
            else
                m_recordDialog->showFinished(false, m_recording->run()->failure());
        });
    }
    m_recordDialog->show();
    m_recordDialog->raise();
    m_recordDialog->activateWindow();
}

void MainWindow::recordFromDialog() {
    if (startRecording(m_recordDialog->recordArguments(), m_recordDialog->workingDirectory())) {
        m_recordDialog->showRecording();
    } else {
        m_recordDialog->showRecording();  // the page that says how a recording ended
        m_recordDialog->showFinished(false, m_recording->run()->failure());
    }
}

void MainWindow::showRecordFigures() {
    if (!m_recordDialog) return;
    const RecordProgress& p = m_recording->run()->figures();
    QVector<RecordCpuFigures> cpus;
    for (const RecordProgress::Cpu& c : p.cpus)
        cpus.append({int(c.cpu), c.events, c.rawBytes, c.compressedBytes, c.lost});
    m_recordDialog->showFigures(p.elapsedSec, cpus);
}

bool MainWindow::openFile(const QString& path) {
    if (std::optional<OpenFailure> refused = checkOpenable(path)) {
        refuseOpen(path, *refused);
        return false;
    }
    startOpen(path, {});
    return true;
}

bool MainWindow::openFile(const QString& path, PendingOpen pending) {
    if (!pending.valid()) return openFile(path);
    startOpen(path, std::move(pending));
    return true;
}

MainWindow::PendingOpen MainWindow::openInBackground(const std::string& path) {
    return std::async(std::launch::async, [path] { return TraceModel::open(path); });
}

void MainWindow::reportError(const QString& message, const QString& details) {
    if (m_quiet) {
        std::fprintf(stderr, "kestrel: %s\n", qPrintable(message));
        if (!details.isEmpty()) std::fprintf(stderr, "kestrel: details: %s\n", qPrintable(details));
        return;
    }
    QMessageBox box(QMessageBox::Warning, tr("Cannot open trace"), message, QMessageBox::Ok, this);
    box.setDetailedText(details);  // the reader's own words, behind "Show Details..."
    box.exec();
}

// The loaded trace, if any, stays: the status bar says so, after what went wrong. A file
// that is gone leaves Open Recent.
void MainWindow::refuseOpen(const QString& path, const OpenFailure& failure) {
    if (failure.missing) m_fileMenu->forgetRecent(path);
    QString text = failure.summary;
    if (m_model) text += tr(" %1 stays open.").arg(QFileInfo(m_path).fileName());
    m_status->setText(text);
    m_status->setToolTip(failure.details);
    reportError(failure.summary, failure.details);
}

// A file is opened (header, metadata, frame index) on a thread of its own, and the trace
// on screen stays untouched meanwhile: its analysis keeps running, and only a file that
// opened replaces it (finishOpen). A newer open supersedes one still under way; the
// result of the older one is dropped by id.
void MainWindow::startOpen(const QString& path, PendingOpen pending) {
    stopOpening();
    const uint64_t job = ++m_openJob;
    m_status->setText(tr("Opening %1...").arg(path));
    QPointer<MainWindow> self(this);
    m_opener = std::thread([self, job, path, pending = std::move(pending)]() mutable {
        lowerThisThreadPriority();
        auto opened = pending.valid() ? pending.get() : TraceModel::open(path.toStdString());
        if (!opened) {
            QString error = QString::fromStdString(opened.message());
            post(self, [job, path, error](MainWindow& w) { w.finishOpen(job, {}, path, error); });
            return;
        }
        std::shared_ptr<TraceModel> model = std::move(opened.value());
        post(self, [job, model, path](MainWindow& w) { w.finishOpen(job, model, path, {}); });
    });
}

void MainWindow::finishOpen(uint64_t job, std::shared_ptr<TraceModel> model, const QString& path,
                            const QString& error) {
    if (job != m_openJob) return;              // a newer open superseded this one
    if (m_opener.joinable()) m_opener.join();  // it has posted its last word
    if (!model) {  // the loaded trace, its analysis and its panel stay as they are
        refuseOpen(path, describeOpenFailure(path, error));
        emit fileOpened(false);
        if (m_exitWhenIdle && !m_model) QTimer::singleShot(0, qApp, [] { QApplication::exit(1); });
        return;
    }
    if (m_exitWhenIdle) std::fprintf(stderr, "kestrel: opened-ms=%.1f\n", msSinceLaunch());
    setPhase("open delivered");
    // The new trace opened: only now does the old one go, with its analysis and panel.
    // A finished recording keeps what the user set on its live model (m_keepView).
    const bool keepView = std::exchange(m_keepView, false);
    const TimeRange visible = m_state->visibleRange();
    const TimeRange trace = m_state->traceRange();
    m_showingLive = false;
    dropLoadedTrace();
    std::shared_ptr<TraceModel> old = std::move(m_model);
    m_model = std::move(model);
    m_path = path;
    setWindowTitle(QStringLiteral("Kestrel — %1").arg(QFileInfo(path).fileName()));
    if (!keepView) resetViewState();
    m_view->setModel(m_model.get());  // frame preview: drawn right away
    old.reset();                      // only now: the view no longer points into it
    if (!keepView) {
        restoreSession(path);
    } else if (visible.from > trace.from || visible.to < trace.to) {
        m_state->setVisibleRange(visible);  // the user had zoomed in: stay there
    }
    showProblems();  // what opening found missing
    m_fileMenu->addRecent(path);
    m_fileMenu->setTraceLoaded(true);
    m_status->setToolTip({});
    updateStatus();
    startAnalysis();
    emit fileOpened(true);
}

// The analysis of the loaded trace runs on its own thread (formats, then the sched
// analysis) and reports back through a queued call that drops the result of a job that
// is no longer current.
void MainWindow::startAnalysis() {
    const uint64_t job = ++m_job;
    m_progressState = std::make_shared<Progress>();
    m_analysisDone = false;
    m_cancelled = false;
    m_restart->hide();
    m_view->setNotice({});
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
    m_poll->start();
    m_analysisStart = std::chrono::steady_clock::now();
    m_worker = std::thread([self = QPointer<MainWindow>(this), job, model = m_model,
                            progress = m_progressState, analysis = m_analysis] {
        lowerThisThreadPriority();
        std::shared_ptr<SchedTimeline> timeline;
        std::shared_ptr<EventFormats> formats;
        QString error;
        auto created = EventFormats::create(model->meta());
        if (!created) {
            error = QString::fromStdString(created.message());
        } else {
            formats = std::move(created.value());
            auto result = analysis(*model, *formats, progress.get());
            if (result)
                timeline = std::make_shared<SchedTimeline>(std::move(result.value()));
            else
                error = QString::fromStdString(result.message());
        }
        post(self, [job, timeline, formats, error](MainWindow& w) {
            w.finishAnalysis(job, timeline, formats, error);
        });
    });
}

void MainWindow::pollProgress() {
    if (!m_progressState) return;
    uint64_t total = m_progressState->total.load();
    uint64_t done = m_progressState->done.load();
    m_progress->setValue(total ? int(done * 100 / total) : 0);
    showProblems();  // damage as the analysis finds it
}

void MainWindow::showProblems() {
    m_banner->showProblems(m_model.get());
}

void MainWindow::finishAnalysis(uint64_t job, std::shared_ptr<SchedTimeline> timeline,
                                std::shared_ptr<EventFormats> formats, QString error) {
    if (job != m_job) return;                  // a previous file's result
    if (m_worker.joinable()) m_worker.join();  // it has posted its last word: returns at once
    setPhase("analysis delivered");
    m_analysisDone = true;
    m_poll->stop();
    m_progress->hide();
    m_cancel->hide();
    showProblems();  // what the analysis skipped
    const double idleMs = msSinceLaunch();
    if (!timeline) {
        keepWithoutAnalysis(formats, m_progressState && m_progressState->cancelled(), error);
        if (m_exitWhenIdle) std::fprintf(stderr, "kestrel: %s\n", qPrintable(error));
        emit analysisFinished(false);
        if (m_exitWhenIdle) reportIdleAndQuit(0, idleMs);
        return;
    }
    // The UI thread's work here comes in three turns of the event loop, so that input is
    // served between them even when a parallel build leaves the window a third of a core
    // (docs/performance.md: longest UI stall): the panel's widgets; its filter lists; then
    // the timeline and the panel appear together. A panel made after a cancelled analysis
    // stays, with its formats, where the user left it.
    if (!m_panel) {
        m_formats = formats;
        // The analysis counted the rows of every event at each frame start: the table's
        // index of every event needs no pass of its own.
        createEventPanel(EventIndex::fromMarks(timeline->events, timeline->rowMarks));
    }
    QTimer::singleShot(0, this, [this, job, timeline, idleMs] {
        if (job != m_job) return;  // another file is on its way; its open drops the panel
        setPhase("filter lists filled");
        m_panel->setScan(timeline->counts);
        QTimer::singleShot(0, this, [this, job, timeline, idleMs] {
            if (job == m_job) showAnalysis(timeline, idleMs);
        });
    });
}

void MainWindow::showAnalysis(std::shared_ptr<SchedTimeline> timeline, double idleMs) {
    setPhase("panel shown");
    // What the window sets up itself here is not a change the user made.
    const bool unchanged = !sessionsDiffer(sessionToJson(*m_state), m_sessionBaseline);
    m_timeline = std::move(timeline);
    m_view->setFormats(m_formats.get());
    m_view->setTimeline(m_timeline);
    showEventPanel();
    if (!m_sessionRestored) showBusiestTasks(*m_timeline);
    updateStatus();
    if (unchanged) m_sessionBaseline = sessionToJson(*m_state);
    startCallTrees();
    m_latency->start(m_model, *m_formats, m_timeline);
    emit analysisFinished(true);
    if (m_exitWhenIdle) reportIdleAndQuit(m_timeline->events, idleMs);
}

// KESTREL_EXIT_WHEN_IDLE: the window is idle once the sched analysis has finished and
// the event panel has its row index and its filter lists.
void MainWindow::reportIdleAndQuit(uint64_t events, double analysisMs) {
    auto finish = [this, events, analysisMs] {
        std::fprintf(stderr, "kestrel: analysis-ms=%.1f idle-ms=%.1f events=%llu\n", analysisMs,
                     msSinceLaunch(), static_cast<unsigned long long>(events));
        setPhase("idle");
        if (runLatencyThenQuit()) return;
        // The stall report waits one more turn of the event loop, so that a gap ending
        // with the slot that delivered the last result is counted.
        if (!m_liveLagMs.empty()) {
            std::vector<double> lag = m_liveLagMs;
            std::sort(lag.begin(), lag.end());
            std::fprintf(stderr, "kestrel: live models %zu, lag median %.0f ms, max %.0f ms\n",
                         lag.size(), lag[lag.size() / 2], lag.back());
        }
        QTimer::singleShot(0, this, [this] {
            const double longest = m_stalls->longestMs();  // closes the open gap first
            std::fprintf(stderr, "kestrel: longest UI stall: %.1f ms (%s), %d over 50 ms\n",
                         longest, qPrintable(m_stalls->longestPhase()), m_stalls->gapsOver(50));
            QApplication::quit();
        });
    };
    if (!m_panel) return finish();
    auto pending = std::make_shared<int>(int(!m_panel->indexReady()) + !m_panel->scanReady());
    if (*pending == 0) return finish();
    auto one = [this, pending, finish] {
        setPhase("panel result delivered");
        if (--*pending == 0) finish();
    };
    if (!m_panel->indexReady()) connect(m_panel, &EventPanel::indexBuilt, this, one);
    if (!m_panel->scanReady()) connect(m_panel, &EventPanel::scanFinished, this, one);
}

// KESTREL_EXIT_WHEN_IDLE with KESTREL_LATENCY=KIND ("wakeup", as `ktr latency` names
// it): once idle, the Latency tab runs that kind, and the stall report covers the run
// (docs/performance.md). False when there is nothing to run.
bool MainWindow::runLatencyThenQuit() {
    const QString kind = qEnvironmentVariable("KESTREL_LATENCY");
    LatencyPanel* panel = m_latency->panel();
    if (kind.isEmpty() || !panel) return false;
    for (size_t k = 0; k < kLatencyKinds; ++k) {
        if (kind != QLatin1String(latencyKindName(LatencyKind(k)))) continue;
        if (!panel->available(LatencyKind(k))) return false;
        const auto started = std::chrono::steady_clock::now();
        connect(
            m_latency, &LatencyViews::finished, this,
            [this, started](bool ok) {
                const double ms = std::chrono::duration<double, std::milli>(
                                      std::chrono::steady_clock::now() - started)
                                      .count();
                const auto l = m_latency->latencies();
                std::fprintf(stderr, "kestrel: latency-ms=%.1f instances=%zu%s\n", ms,
                             l ? l->size() : size_t{0}, ok ? "" : " (failed)");
                setPhase("latency delivered");
                // The tab shows the result: its histogram, table and scatter draw (a big
                // scatter bins on a thread of its own) before the stalls are reported.
                QTimer::singleShot(1000, this, [this] {
                    const double longest = m_stalls->longestMs();
                    std::fprintf(stderr, "kestrel: longest UI stall: %.1f ms (%s), %d over 50 ms\n",
                                 longest, qPrintable(m_stalls->longestPhase()),
                                 m_stalls->gapsOver(50));
                    QApplication::quit();
                });
            },
            Qt::SingleShotConnection);
        setPhase("latency analysis");
        if (int tab = m_bottom->indexOf(panel); tab >= 0) m_bottom->setCurrentIndex(tab);
        panel->setKind(LatencyKind(k));
        return true;
    }
    return false;
}

void MainWindow::setExitWhenIdle(bool on) {
    m_exitWhenIdle = on;
    if (on && !m_stalls) {
        m_stalls = new StallProbe(this);
        m_stalls->setPhase(QStringLiteral("start-up"));
        m_stalls->start();
    }
}

void MainWindow::setPhase(const char* phase) {
    if (m_stalls) m_stalls->setPhase(QString::fromLatin1(phase));
}

void MainWindow::cancelAnalysis() {
    if (m_latency->running()) {
        m_latency->cancel();
        m_status->setText(tr("Latency analysis cancelled."));
        return;
    }
    if (m_calls->running()) {
        m_calls->cancel();
        m_status->setText(
            tr("Call trees cancelled: the function_graph views stay empty. "
               "Restart analysis builds them."));
        m_restart->show();
        return;
    }
    if (m_progressState) m_progressState->cancel = true;
}

// After the sched analysis: the call trees of a function_graph trace, in the background.
void MainWindow::startCallTrees() {
    if (!m_formats || !m_timeline ||
        !m_calls->start(m_model, *m_formats, m_timeline->counts.eventsByType))
        return;
    m_restart->hide();
    m_progress->setValue(0);
    m_progress->show();
    m_cancel->show();
}

void MainWindow::showCallTrees(std::shared_ptr<const CallTrees> trees, const QString& error) {
    if (!trees) {
        m_status->setText(tr("Call trees not built: %1").arg(error));
        return;
    }
    updateStatus();
    emit callTreesBuilt();
}

// A cancelled (or failed) analysis: what is done stays, the frame preview and an event
// table, which indexes the trace on its own since the analysis' row counts are lost with
// it. The task list, the task rows' states and the filter lists' counts need the
// analysis: Restart runs it again.
void MainWindow::keepWithoutAnalysis(std::shared_ptr<EventFormats> formats, bool cancelled,
                                     const QString& error) {
    m_cancelled = cancelled;
    const QString why =
        cancelled ? tr("Analysis cancelled") : tr("Analysis stopped (%1)").arg(error);
    m_status->setText(tr("%1: the CPU rows show where each CPU recorded events, not which task "
                         "ran. Restart analysis runs it again.")
                          .arg(why));
    m_view->setNotice(tr("%1: these rows show where each CPU recorded events, not which task "
                         "ran.\nRestart analysis (in the status bar) colours them and fills the "
                         "task list and the filter lists' counts.")
                          .arg(why));
    m_restart->show();
    if (m_panel || !formats) return;
    m_formats = std::move(formats);
    m_view->setFormats(m_formats.get());
    createEventPanel(nullptr);
    showEventPanel();
}

void MainWindow::restartAnalysis() {
    if (m_timeline && m_calls->cancelled()) return startCallTrees();
    if (!m_model || analysisRunning() || m_worker.joinable()) return;
    startAnalysis();
}

// Cancels the current analysis without waiting for it: the thread notices the flag
// within a frame, but its merge step is not interruptible, and the UI must not wait on
// it. It is kept aside and joined when the window goes; anything it posts is stale by
// job id.
void MainWindow::stopWorker() {
    if (!m_worker.joinable()) return;
    cancelAnalysis();
    m_retired.push_back(std::move(m_worker));
    ++m_job;
    m_analysisDone = true;
    m_poll->stop();
    m_progress->hide();
    m_cancel->hide();
}

// Drops an open under way: TraceModel::open cannot be interrupted, so its thread is kept
// aside the same way, and what it posts is stale by open id.
void MainWindow::stopOpening() {
    ++m_openJob;
    if (m_opener.joinable()) m_retired.push_back(std::move(m_opener));
}

// What goes with the trace on screen when another replaces it: its analysis, call trees,
// event panel and banner. The model itself goes once the view has the new one.
void MainWindow::dropLoadedTrace() {
    saveCurrentSession();
    stopWorker();
    m_latency->clear();
    m_calls->clear();
    removeEventPanel();
    m_view->setTimeline(nullptr);
    m_timeline.reset();
    m_formats.reset();
    m_banner->showProblems(nullptr);  // it was about the old trace
}

void MainWindow::resetViewState() {
    m_state->setSelection({});
    m_state->setMarkerA(std::nullopt);
    m_state->setMarkerB(std::nullopt);
    m_state->setTasks({});
    m_state->setCollapsedBuffers({});
    m_state->setFilters({});
    m_state->setLatencyPairs({});
    m_state->setCursorTime(0);
}

bool MainWindow::startRecording(const QStringList& arguments, const QString& workingDirectory) {
    if (recording()) return false;
    if (!m_recording->start(arguments, workingDirectory)) {
        m_status->setText(m_recording->run()->failure());
        emit recordingFailed(m_recording->run()->failure());
        return false;
    }
    m_status->setText(tr("Recording into %1...").arg(m_recording->run()->outputPath()));
    return true;
}

// ktr failed: the status bar says why (its log behind it), and what was recorded before
// the failure opens like any file.
void MainWindow::recordingStopped(const QString& message) {
    if (m_quiet) std::fprintf(stderr, "kestrel: %s\n", qPrintable(message));
    m_status->setText(message);
    m_status->setToolTip(m_recording->run()->log());
    if (m_recording->run()->outputExists()) {
        m_keepView = m_showingLive;
        openFile(m_recording->run()->outputPath());
    }
    emit recordingFailed(message);
}

void MainWindow::stopRecording() {
    m_recording->stop();
}

bool MainWindow::recording() const {
    return m_recording->active();
}

// A newer model of the growing file. The visible range follows the end while the end is
// in view (all of it when the whole recording was), and stays where the user zoomed
// otherwise. The first one replaces the trace on screen the way an open does.
void MainWindow::showLiveModel(std::shared_ptr<TraceModel> model) {
    setPhase("live model delivered");
    const TimeRange visible = m_state->visibleRange();
    const TimeRange trace = m_state->traceRange();
    const bool first = !m_showingLive;
    if (first) {
        stopOpening();
        dropLoadedTrace();
        resetViewState();
    }
    m_showingLive = true;
    std::shared_ptr<TraceModel> old = std::move(m_model);
    m_model = std::move(model);
    m_path = m_recording->run()->outputPath();
    m_view->setModel(m_model.get());  // fits the whole recording so far
    old.reset();
    const bool whole = visible.from <= trace.from && visible.to >= trace.to;
    if (!first && !whole) {
        const TimeRange now = m_state->traceRange();
        const uint64_t width = visible.to - visible.from;
        if (visible.to >= trace.to)  // the end was in view: keep it there, same zoom
            m_state->setVisibleRange({now.to > width ? now.to - width : 0, now.to});
        else
            m_state->setVisibleRange(visible);
    }
    noteLiveLag();
    setWindowTitle(tr("Kestrel — recording %1").arg(QFileInfo(m_path).fileName()));
    m_status->setText(tr("Recording into %1: %2 shown so far.")
                          .arg(QFileInfo(m_path).fileName(),
                               QString::fromStdString(formatDuration(m_state->traceRange().to -
                                                                     m_state->traceRange().from))));
    setPhase("live model shown");
    emit liveModelShown();
}

// Measuring (KESTREL_EXIT_WHEN_IDLE): how far behind the live model's last event is when
// it shows. Only a recording with the mono trace clock (--clock mono) has timestamps
// comparable with CLOCK_MONOTONIC.
void MainWindow::noteLiveLag() {
    if (!m_exitWhenIdle || m_model->meta().traceClock != "mono") return;
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const double nowNs = double(now.tv_sec) * 1e9 + double(now.tv_nsec);
    m_liveLagMs.push_back((nowNs - double(m_model->endTime())) / 1e6);
}

// The finished file, its index from the footer now: it replaces the last live model in
// one step (no empty view between), keeps the view, and is analysed like an opened file.
void MainWindow::showFinalRecording(std::shared_ptr<TraceModel> model) {
    if (m_exitWhenIdle) std::fprintf(stderr, "%s", qPrintable(m_recording->run()->log()));
    stopOpening();
    m_keepView = m_showingLive;
    finishOpen(m_openJob, std::move(model), m_recording->run()->outputPath(), {});
}

void MainWindow::setCursorTime(uint64_t t) {
    m_state->setCursorTime(t);
    const TimeRange v = m_state->visibleRange();
    if (t < v.from || t > v.to) {  // bring it into view, keeping the zoom
        const uint64_t half = (v.to - v.from) / 2;
        const uint64_t from = t > half ? t - half : 0;
        m_state->setVisibleRange({from, from + (v.to - v.from)});
    }
}

// The panel shares the analysis' EventFormats with the timeline: both use it on the UI
// thread only (the panel's workers take their own from a pool). Its row index starts
// building at once (none to build when `everyEvent` is given and the filter takes all);
// it is shown (showEventPanel) one turn of the event loop later.
void MainWindow::createEventPanel(std::shared_ptr<const EventIndex> everyEvent) {
    m_panel = new EventPanel(*m_model, *m_formats, std::move(everyEvent));
    connect(m_panel, &EventPanel::eventSelected, this,
            [this](uint64_t t, int) { setCursorTime(t); });
    connect(m_view, &TimelineView::cursorPlaced, m_panel, &EventPanel::showTime);
    connect(m_state, &TimelineState::selectionChanged, m_panel, [this](TimeRange r) {
        if (r.empty())
            m_panel->setTimeRange(0, kUnknownTime);
        else
            m_panel->setTimeRange(r.from, r.to);
        // The new rows start at the event of the cursor, not at the first row.
        if (m_state->cursorTime() != 0) m_panel->showTime(m_state->cursorTime());
    });
    connect(m_panel, &EventPanel::filterChanged, m_view, &TimelineView::setEventFilter);
    restorePanelFilter();
    connect(m_panel, &EventPanel::filterChanged, this, [this](const EventFilter& f) {
        m_state->setFilters(filterToVariant(f, *m_model, *m_formats));
    });
    connect(m_panel, &EventPanel::indexBuilt, this, &MainWindow::showProblems);
}

// The filter the session saved, limited to its selection (the panel follows the
// selection from here on).
void MainWindow::restorePanelFilter() {
    EventFilter f = filterFromVariant(m_state->filters(), *m_model, *m_formats);
    const TimeRange selection = m_state->selection();
    if (!selection.empty()) {
        f.from = selection.from;
        f.to = selection.to;
    }
    m_panel->filterPanel()->showFilter(f);
    m_panel->setFilter(f);
}

// A restored session puts the table where the user left it: at the row of the cursor,
// else of the start of the restored view.
void MainWindow::positionTable() {
    if (!m_panel || !m_sessionRestored) return;
    const uint64_t cursor = m_state->cursorTime();
    m_panel->showTime(cursor != 0 ? cursor : m_state->visibleRange().from);
}

// The panel under the timeline. Its filter lists got the analysis' counts a turn before
// (none after a cancelled analysis: the restarted one brings them).
void MainWindow::showEventPanel() {
    if (m_bottom->indexOf(m_panel) >= 0) return;
    addBottomWidget(m_panel, tr("Events"));
    positionTable();
}

void MainWindow::removeEventPanel() {
    if (!m_panel) return;
    m_view->setEventFilter({});
    delete m_panel;
    m_panel = nullptr;
}

void MainWindow::addBottomWidget(QWidget* widget, const QString& title) {
    m_bottom->addTab(widget, title);
    m_bottom->show();
    fitTimelineToRows();
}

// The timeline gets the height of its rows (at most 3/5 of the splitter, then its rows
// scroll) and the bottom area the rest, whenever rows come or go.
void MainWindow::fitTimelineToRows() {
    if (m_bottom->isHidden()) return;  // nothing below to give the height to
    const int total = m_splitter->height() - m_splitter->handleWidth();
    const int rows = m_splitter->widget(0)->sizeHint().height();
    const int top = std::min(rows, total * 3 / 5);
    m_splitter->setSizes({top, total - top});
}

void MainWindow::showBusiestTasks(const SchedTimeline& timeline) {
    std::vector<const TaskSummary*> tasks;
    for (const TaskSummary& t : timeline.taskList) tasks.push_back(&t);
    std::stable_sort(tasks.begin(), tasks.end(), [](const TaskSummary* a, const TaskSummary* b) {
        return a->cpuTime > b->cpuTime;
    });
    QVector<int> pids;
    for (size_t i = 0; i < std::min<size_t>(kDefaultTasks, tasks.size()); ++i)
        pids.append(tasks[i]->pid);
    m_state->setTasks(pids);
}

void MainWindow::showTaskList() {
    if (!m_timeline) {
        if (!m_model) {
            m_status->setText(tr("Open a trace to list its tasks."));
        } else if (analysisRunning()) {
            m_status->setText(tr("The task list is ready once the analysis finishes."));
        } else {  // cancelled, or stopped by an error
            const QString why = m_cancelled ? tr("cancelled") : tr("stopped");
            m_status->setText(tr("The task list needs the analysis, which was %1: Restart "
                                 "analysis (in the status bar) runs it again.")
                                  .arg(why));
            if (!m_quiet && QMessageBox::question(this, tr("Task list"),
                                                  tr("The task list needs the scheduling "
                                                     "analysis, which was %1. Restart it now?")
                                                      .arg(why)) == QMessageBox::Yes)
                restartAnalysis();
        }
        return;
    }
    auto* dialog = new TaskListDialog(*m_timeline, m_state, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // The dialog reads the timeline: keep it alive as long as the dialog.
    auto keep = m_timeline;
    connect(dialog, &QObject::destroyed, this, [keep] {});
    dialog->show();
}

QString MainWindow::statusText() const {
    return m_status->text();
}

QString MainWindow::statusDetails() const {
    return m_status->toolTip();
}

void MainWindow::updateStatus() {
    if (!m_model) return;
    m_status->setText(traceSummary(*m_model, m_timeline.get(), m_calls->trees().get()));
    m_status->setToolTip(traceDetails(*m_model));
    QString marks;
    if (auto a = m_state->markerA())
        marks += tr("A %1  ").arg(QString::fromStdString(formatTime(a->time)));
    if (auto b = m_state->markerB())
        marks += tr("B %1  ").arg(QString::fromStdString(formatTime(b->time)));
    if (m_state->markerA() && m_state->markerB()) {
        uint64_t a = m_state->markerA()->time, b = m_state->markerB()->time;
        marks += tr("B-A %1%2  ")
                     .arg(b < a ? "-" : "")
                     .arg(QString::fromStdString(formatDuration(b < a ? a - b : b - a)));
    }
    TimeRange sel = m_state->selection();
    if (!sel.empty())
        marks += tr("selection %1").arg(QString::fromStdString(formatDuration(sel.to - sel.from)));
    m_markers->setText(marks);
}

void MainWindow::restoreSession(const QString& path) {
    const std::optional<QJsonObject> saved = m_sessions.load(path);
    m_sessionRestored = saved.has_value();
    if (saved) applySession(*saved, *m_state);
    m_sessionBaseline = sessionToJson(*m_state);
}

// Written only when the user changed something since the session was restored (or the
// trace opened), so that opening a trace leaves no file behind.
void MainWindow::saveCurrentSession() {
    if (m_path.isEmpty() || !m_model) return;
    const QJsonObject now = sessionToJson(*m_state);
    if (!sessionsDiffer(now, m_sessionBaseline)) return;
    QString error;
    if (m_sessions.save(m_path, now, &error))
        m_sessionBaseline = now;
    else
        std::fprintf(stderr, "kestrel: session of %s not saved: %s\n", qPrintable(m_path),
                     qPrintable(error));
}

bool MainWindow::exportSession(const QString& file) {
    if (!m_model) return false;
    QJsonObject session = sessionToJson(*m_state);
    if (auto id = TraceIdentity::of(m_path)) session["trace"] = id->toJson();
    QString error;
    if (!writeSessionFile(file, session, &error)) {
        m_status->setText(tr("Cannot export the session to %1: %2.").arg(file, error));
        return false;
    }
    m_status->setText(tr("Session exported to %1.").arg(file));
    return true;
}

// The imported view replaces the one on screen; the table and its filter follow it. It
// is saved with the trace's session like any change.
bool MainWindow::importSession(const QString& file) {
    if (!m_model) return false;
    QString error;
    const std::optional<QJsonObject> session = readSessionFile(file, &error);
    if (!session) {
        m_status->setText(tr("Cannot import %1: %2.").arg(file, error));
        return false;
    }
    applySession(*session, *m_state);
    m_sessionRestored = true;
    if (m_panel) {
        restorePanelFilter();
        positionTable();
    }
    m_status->setText(tr("Session imported from %1.").arg(file));
    return true;
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e) {
    if (e->mimeData()->hasUrls()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e) {
    if (openDropped(*e->mimeData())) e->acceptProposedAction();
}

bool MainWindow::openDropped(const QMimeData& mime) {
    const QList<QUrl> urls = mime.urls();
    return !urls.isEmpty() && urls.first().isLocalFile() && openFile(urls.first().toLocalFile());
}

void MainWindow::closeEvent(QCloseEvent* e) {
    saveCurrentSession();
    m_sessions.prune();  // sessions of traces deleted or replaced since
    stopWorker();
    stopOpening();
    e->accept();
}

double MainWindow::msSinceLaunch() const {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - m_launch)
        .count();
}

}  // namespace kestrel
