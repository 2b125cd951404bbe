#pragma once
// The kestrel main window. Opening a trace reads its index only, on a thread of its own,
// while the trace on screen stays as it is; once the file has opened it replaces that
// trace and the timeline shows at once (frame preview). A file that does not open
// changes nothing but the status bar. The sched analysis then runs on a std::thread
// with a progress bar and Cancel. Results come back through queued calls guarded by
// job ids (stale results of a superseded open or a previous file are dropped) and a
// QPointer.
//
// Layout: the tool bar, then the timeline with its colour legend under it, as tall as
// its rows; below it, in a vertical splitter, the bottom area (the rest of the height)
// where the event table, search/filter and details pane are plugged in
// (addBottomWidget; a tab bar appears from the second widget on). They talk to the
// timeline through state() (TimelineState: visible range, selection, cursor, markers,
// tasks, filters), selectedTimeChanged and setCursorTime. Menus: window/menus.h.
#include <QMainWindow>
#include <QPointer>
#include <QString>
#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <thread>
#include <vector>

#include "analysis/sched_timeline.h"
#include "decode/trace_model.h"
#include "timeline/timeline_state.h"

class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTabWidget;
class QTimer;
class QMenu;
class QMimeData;

namespace kestrel {

class EventFormats;
class EventPanel;
class StallProbe;
class TimelineLegend;
class TimelineView;
class WindowMenus;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;
    // Opens in the background: false only when `path` is no file; fileOpened() tells how
    // the open went, analysisFinished() when the timeline is complete. The loaded trace
    // and its running analysis go only when the new file has opened.
    bool openFile(const QString& path);
    // The same with the open already under way (started before QApplication exists, so
    // reading the index overlaps Qt's start-up): see openInBackground.
    using PendingOpen = std::future<Result<std::unique_ptr<TraceModel>>>;
    bool openFile(const QString& path, PendingOpen pending);
    static PendingOpen openInBackground(const std::string& path);
    const TraceModel* model() const { return m_model.get(); }
    TimelineState* state() const { return m_state; }
    TimelineView* timelineView() const { return m_view; }
    bool analysisRunning() const { return m_worker.joinable() && !m_analysisDone; }
    void cancelAnalysis();
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
    void showTaskList();  // View > Tasks (Ctrl+T)
    // Measuring: the launch instant, and "quit when the analyses finish" (prints
    // first-draw and idle times to stderr; KESTREL_EXIT_WHEN_IDLE=1).
    void setLaunchTime(std::chrono::steady_clock::time_point t) { m_launch = t; }
    // With it on, a StallProbe watches the UI thread from here to the exit.
    void setExitWhenIdle(bool on);
    void setQuiet(bool on) { m_quiet = on; }  // no message boxes (tests, scripts)
    QString statusText() const;               // what the status bar says on the left
    // The pass the worker runs once a trace is open: analyzeSched, unless a test holds
    // it (behind a latch) to see the window while an analysis is still running.
    using Analysis =
        std::function<Result<SchedTimeline>(const TraceModel&, const EventFormats&, Progress*)>;
    void setAnalysis(Analysis analysis) { m_analysis = std::move(analysis); }

public slots:
    void setCursorTime(uint64_t t);

signals:
    void selectedTimeChanged(uint64_t t);  // a marker placed / cursor moved on the timeline
    void fileOpened(bool ok);
    void analysisFinished(bool ok);

protected:
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;
    void closeEvent(QCloseEvent* e) override;

private:
    void buildMenus();
    void chooseFile();
    void fitTimelineToRows();
    void showBusiestTasks(const SchedTimeline& timeline);
    void startOpen(const QString& path, PendingOpen pending);
    void finishOpen(uint64_t job, std::shared_ptr<TraceModel> model, const QString& path,
                    const QString& error);
    static QString openError(const QString& path, const QString& error);
    void startAnalysis();
    void reportError(const QString& message);
    void pollProgress();
    void finishAnalysis(uint64_t job, std::shared_ptr<SchedTimeline> timeline,
                        std::shared_ptr<EventFormats> formats, QString error);
    void stopWorker();
    void stopOpening();
    void createEventPanel(const SchedTimeline& timeline);
    void showEventPanel();
    void reportIdleAndQuit(uint64_t events, double analysisMs);
    void removeEventPanel();
    void saveCurrentSession();
    void addRecent(const QString& path);
    void updateRecentMenu();
    void updateStatus();
    double msSinceLaunch() const;
    void setPhase(const char* phase);

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
    QMenu* m_recentMenu = nullptr;
    QTimer* m_poll = nullptr;
    StallProbe* m_stalls = nullptr;  // KESTREL_EXIT_WHEN_IDLE only

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
    bool m_sessionRestored = false;  // the loaded trace's session was read on opening

    std::chrono::steady_clock::time_point m_launch = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_analysisStart;
    bool m_exitWhenIdle = false;
    bool m_quiet = false;
};

}  // namespace kestrel
