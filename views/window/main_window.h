#pragma once
// The kestrel main window. Opening a trace reads its index only, on a thread of its own,
// while the trace on screen stays as it is; once the file has opened it replaces that
// trace and the timeline shows at once (frame preview). A file that does not open
// changes nothing but the status bar, which names the file and the problem in words
// (open_error.h). The sched analysis then runs on a std::thread with a progress bar and
// Cancel; a cancelled analysis leaves the frame preview and an event table that indexes
// the trace on its own, and offers "Restart analysis". Results come back through queued
// calls guarded by job ids (stale results of a superseded open or a previous file are
// dropped) and a QPointer. What is missing from the trace shows in a banner above the
// timeline (damage_banner.h). Each trace's session (session.h) is restored on opening
// and saved, when it changed, to the user's state directory (session_store.h).
//
// Layout: the tool bar, then the timeline with its colour legend under it, as tall as
// its rows; below it, in a vertical splitter, the bottom area (the rest of the height)
// where the event table, search/filter and details pane are plugged in
// (addBottomWidget; a tab bar appears from the second widget on). They talk to the
// timeline through state() (TimelineState: visible range, selection, cursor, markers,
// tasks, filters), selectedTimeChanged and setCursorTime. Menus: window/menus.h.
#include <QJsonObject>
#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <QStringList>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "analysis/call_tree.h"
#include "analysis/sched_timeline.h"
#include "decode/trace_model.h"
#include "timeline/timeline_state.h"
#include "window/session_store.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTimer;
class QMenu;
class QMimeData;
class QAction;

namespace kestrel {

class BackgroundPass;
class CallViews;
class DamageBanner;
class EventFormats;
class EventIndex;
class EventPanel;
class FileMenu;
class LatencyViews;
class LiveRecording;
class RecordDialog;
struct OpenFailure;
class StallProbe;
class TimelineLegend;
class TimelineView;
class WindowMenus;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;
    // Opens in the background: false only when `path` is no regular file (the status bar
    // says why); fileOpened() tells how the open went, analysisFinished() when the timeline
    // is complete. The loaded trace and its running analysis go only when the new file has
    // opened.
    bool openFile(const QString& path);
    // The same with the open already under way (started before QApplication exists, so
    // reading the index overlaps Qt's start-up): see openInBackground.
    using PendingOpen = std::future<Result<std::unique_ptr<TraceModel>>>;
    bool openFile(const QString& path, PendingOpen pending);
    static PendingOpen openInBackground(const std::string& path);
    const TraceModel* model() const { return m_model.get(); }
    const QString& tracePath() const { return m_path; }
    TimelineState* state() const { return m_state; }
    TimelineView* timelineView() const { return m_view; }
    bool analysisRunning() const { return m_worker.joinable() && !m_analysisDone; }
    void cancelAnalysis();
    // Runs the analysis of the loaded trace again after it was cancelled or failed; the
    // event table stays as it is meanwhile.
    void restartAnalysis();
    bool analysisCancelled() const { return m_cancelled; }
    // The task list (View > Tasks, Ctrl+T); before the analysis has landed, the status bar
    // says why not.
    void showTaskList();
    // File > Export session / Import session: the view of the loaded trace as a JSON file
    // the user chooses. The status bar says how it went.
    bool exportSession(const QString& file);
    bool importSession(const QString& file);
    bool openDropped(const QMimeData& mime);  // what a drop on the window does
    // ---- Plug-in point for the table helper's widgets (event table, search/filter,
    // details): each becomes a tab of the bottom area under the timeline.
    void addBottomWidget(QWidget* widget, const QString& title);
    QTabWidget* bottomArea() const { return m_bottom; }
    // The event table, search, filters and details (views/event_panel.h): created once
    // the analysis has finished, synced with the timeline's cursor and selection.
    EventPanel* eventPanel() const { return m_panel; }
    // The colour legend under the timeline (View > Colour legend shows or hides it).
    TimelineLegend* legend() const { return m_legend; }
    WindowMenus* menus() const { return m_menus; }
    // Rows for this many tasks, the ones with the most CPU time, when a trace opens with
    // no session choosing its tasks; they become the state's tasks, so a session keeps them.
    static constexpr int kDefaultTasks = 5;
    // Measuring: the launch instant, and "quit when the analyses finish" (prints
    // first-draw and idle times to stderr; KESTREL_EXIT_WHEN_IDLE=1).
    void setLaunchTime(std::chrono::steady_clock::time_point t) { m_launch = t; }
    // With it on, a StallProbe watches the UI thread from here to the exit.
    void setExitWhenIdle(bool on);
    void setQuiet(bool on) { m_quiet = on; }  // no message boxes (tests, scripts)
    QString statusText() const;               // what the status bar says on the left
    QString statusDetails() const;            // the technical text behind it, if any
    DamageBanner* damageBanner() const { return m_banner; }
    FileMenu* fileMenu() const { return m_fileMenu; }
    CallViews* callViews() const { return m_calls; }
    LatencyViews* latencyViews() const { return m_latency; }
    // The pass the worker runs once a trace is open: analyzeSched, unless a test holds
    // it (behind a latch) to see the window while an analysis is still running.
    using Analysis =
        std::function<Result<SchedTimeline>(const TraceModel&, const EventFormats&, Progress*)>;
    void setAnalysis(Analysis analysis) { m_analysis = std::move(analysis); }

    // ---- Recording (record/record_run.h runs `ktr record ARGS`): the timeline shows the
    // growing file every interval, following its end unless the user looks elsewhere;
    // once ktr has ended, the finished trace replaces the last live one with the view
    // kept, and the analysis runs as after an open. False when it cannot start (the
    // status bar and recordingFailed say why).
    bool startRecording(const QStringList& arguments, const QString& workingDirectory = {});
    void stopRecording();
    bool recording() const;
    LiveRecording* liveRecording() const { return m_recording; }
    // File > Record... (Ctrl+R, and on the tool bar): the record dialog, kept for the
    // next recording once made. Its Record starts one here; it shows the figures, Stop
    // and how the recording ended.
    void showRecordDialog();
    RecordDialog* recordDialog() const { return m_recordDialog; }
    QAction* recordAction() const { return m_recordAction; }

public slots:
    void setCursorTime(uint64_t t);

signals:
    void selectedTimeChanged(uint64_t t);  // a marker placed / cursor moved on the timeline
    void fileOpened(bool ok);
    void analysisFinished(bool ok);
    void callTreesBuilt();  // the function_graph views have their call trees
    void liveModelShown();  // a newer model of the growing recording is on screen
    void recordingFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    void closeEvent(QCloseEvent* e) override;

private:
    void buildMenus();
    void fitTimelineToRows();
    void showBusiestTasks(const SchedTimeline& timeline);
    void showAnalysis(std::shared_ptr<SchedTimeline> timeline, double idleMs);
    void startOpen(const QString& path, PendingOpen pending);
    void finishOpen(uint64_t job, std::shared_ptr<TraceModel> model, const QString& path,
                    const QString& error);
    void refuseOpen(const QString& path, const OpenFailure& failure);
    void startAnalysis();
    void startCallTrees();
    void showCallTrees(std::shared_ptr<const CallTrees> trees, const QString& error);
    void watchPass(BackgroundPass* pass);
    void keepWithoutAnalysis(std::shared_ptr<EventFormats> formats, bool cancelled,
                             const QString& error);
    void reportError(const QString& message, const QString& details);
    void pollProgress();
    void finishAnalysis(uint64_t job, std::shared_ptr<SchedTimeline> timeline,
                        std::shared_ptr<EventFormats> formats, QString error);
    void stopWorker();
    void stopOpening();
    void createEventPanel(std::shared_ptr<const EventIndex> everyEvent);
    void restorePanelFilter();
    void positionTable();
    void showEventPanel();
    void showProblems();
    void reportIdleAndQuit(uint64_t events, double analysisMs);
    bool runLatencyThenQuit();
    void removeEventPanel();
    void restoreSession(const QString& path);
    void saveCurrentSession();
    void updateStatus();
    double msSinceLaunch() const;
    void setPhase(const char* phase);
    void showLiveModel(std::shared_ptr<TraceModel> model);
    void showFinalRecording(std::shared_ptr<TraceModel> model);
    void recordingStopped(const QString& message);
    void noteLiveLag();
    void buildRecordAction();
    void recordFromDialog();
    void showRecordFigures();
    void dropLoadedTrace();
    void resetViewState();

    TimelineState* m_state = nullptr;
    TimelineView* m_view = nullptr;
    QSplitter* m_splitter = nullptr;
    QTabWidget* m_bottom = nullptr;
    EventPanel* m_panel = nullptr;
    TimelineLegend* m_legend = nullptr;
    WindowMenus* m_menus = nullptr;
    QLabel* m_status = nullptr;
    QLabel* m_markers = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_cancel = nullptr;
    QPushButton* m_restart = nullptr;
    DamageBanner* m_banner = nullptr;
    CallViews* m_calls = nullptr;       // the call trees and the views of calls
    LatencyViews* m_latency = nullptr;  // the Latency tab and its runs
    FileMenu* m_fileMenu = nullptr;
    QTimer* m_poll = nullptr;
    StallProbe* m_stalls = nullptr;  // KESTREL_EXIT_WHEN_IDLE only
    LiveRecording* m_recording = nullptr;
    RecordDialog* m_recordDialog = nullptr;
    QAction* m_recordAction = nullptr;
    bool m_showingLive = false;       // the model on screen is a growing recording's
    bool m_keepView = false;          // the next finishOpen keeps the visible range and state
    std::vector<double> m_liveLagMs;  // measuring only: see noteLiveLag

    QString m_path;
    std::shared_ptr<TraceModel> m_model;
    std::shared_ptr<EventFormats> m_formats;
    std::shared_ptr<const SchedTimeline> m_timeline;
    std::thread m_opener;                // the open under way (header, metadata, frame index)
    std::thread m_worker;                // the analysis of the loaded trace
    std::vector<std::thread> m_retired;  // superseded opens, cancelled analyses still finishing
    std::shared_ptr<Progress> m_progressState;
    Analysis m_analysis;
    uint64_t m_openJob = 0;  // id of the latest open; older ones' results are dropped
    uint64_t m_job = 0;      // id of the current analysis
    bool m_analysisDone = true;
    bool m_cancelled = false;  // the last analysis of the loaded trace was cancelled

    SessionStore m_sessions;
    QJsonObject m_sessionBaseline;  // the session as restored: saved only when it differs
    bool m_sessionRestored = false;

    std::chrono::steady_clock::time_point m_launch = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_analysisStart;
    bool m_exitWhenIdle = false;
    bool m_quiet = false;
};

}  // namespace kestrel
