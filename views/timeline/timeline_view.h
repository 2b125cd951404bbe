#pragma once
// The timeline: a time ruler, one row per CPU (who ran; frame-index preview until the
// sched analysis lands), grouped under a header per buffer when several buffers hold
// events (timeline_rows.h), and one row per chosen task (its states), with markers, the
// selection, trace_marker flags, lost-event gaps, event ticks and wakeup arrows at
// deep zoom. All navigation goes through TimelineState, so other views follow.
//
// Input: wheel / Ctrl+wheel zoom at the mouse (wheel over the labels scrolls rows),
// Shift+wheel pans; left-drag pans; right-drag or Ctrl+left-drag selects a range; click
// sets marker A, Shift+click marker B; a click on a buffer header collapses or expands
// its CPU rows. A CPU or task row with function_graph calls shows them as a flame chart
// below it (one lane per call level) when its label is clicked; a click on a call selects
// it, a double-click zooms to it. Keys are the actions of timeline_actions.h (one meaning each,
// acting while the view has focus).
#include <QWidget>
#include <map>
#include <memory>
#include <optional>
#include <vector>

#include "analysis/call_tree.h"
#include "analysis/sched_timeline.h"
#include "flame/call_chart_painter.h"
#include "query/event_filter.h"
#include "timeline/time_scale.h"
#include "timeline/timeline_rows.h"
#include "timeline/timeline_state.h"

class QMenu;

namespace kestrel {

class TraceModel;
class EventFormats;
class TimelineActions;
class CallRowIndex;
class BackgroundPass;

class TimelineView : public QWidget {
    Q_OBJECT
public:
    explicit TimelineView(TimelineState* state, QWidget* parent = nullptr);

    void setModel(const TraceModel* model);  // draws the frame preview at once
    void setTimeline(std::shared_ptr<const SchedTimeline> timeline);
    void setFormats(const EventFormats* formats);  // names events in tooltips; UI thread only
    // What the graph does with the CPUs, tasks and event types the event panel's filter
    // leaves out (its time range and advanced text aside): nothing, dim them, or hide them
    // (their rows go, their spans on the CPU rows and their event ticks are not drawn).
    enum class GraphFilter { Off, Dim, Hide };
    void setEventFilter(const EventFilter& filter);
    const EventFilter& eventFilter() const { return m_filter; }
    void setGraphFilter(GraphFilter mode);
    GraphFilter graphFilter() const { return m_graphFilter; }
    const SchedTimeline* timeline() const { return m_timeline.get(); }
    // A line drawn over the rows while no analysis colours them (after Cancel: why the
    // CPU rows show only where each CPU recorded events); "" for none.
    void setNotice(const QString& text);
    const QString& notice() const { return m_notice; }

    // function_graph calls (null clears), named through the formats of setFormats.
    void setCallTrees(std::shared_ptr<const CallTrees> trees);
    const CallTrees* callTrees() const { return m_calls.get(); }
    // Calls of the functions whose name contains `text` (any case) are drawn strong, the
    // others faded; "" clears.
    void setCallHighlight(const QString& text);
    // Shows the call's row (its task added to the tracks; an idle CPU's call on that CPU's
    // row) with its calls, zooms to the call with a margin, scrolls to its lane and
    // selects it.
    void showCall(uint64_t span);
    void zoomToCall(uint64_t span);
    std::optional<uint64_t> selectedCall() const { return m_selectedCall; }
    // An interval between two events (a latency: its start event on one CPU, its end on
    // another), drawn as a band over both CPUs' rows with a mark at each event.
    struct Interval {
        uint64_t start = 0, end = 0;
        int startCpu = -1, endCpu = -1;
        int pid = -1;  // the task's row, when it has one, gets the band too
        bool operator==(const Interval&) const = default;
    };
    void setHighlightedInterval(std::optional<Interval> interval);
    const std::optional<Interval>& highlightedInterval() const { return m_interval; }
    // Highlights the interval and zooms to it with a tenth of its length either side.
    void showInterval(const Interval& interval);
    // True while a row with many calls is being indexed off the UI thread; its lanes
    // appear when it is done.
    bool indexingCalls() const;
    // Keys of TimelineState::expandedRows: "task:<pid>", "cpu:<global CPU>".
    static QString rowKey(RowKind kind, int id);
    bool hasCalls(RowKind kind, int id) const;
    void setCallsShown(RowKind kind, int id, bool shown);
    // The functions that cover the most of the call lanes drawn last, most first (at most
    // 8; none while no row shows its calls): the legend lists them.
    struct FunctionShare {
        QString name;
        QColor color;
        bool operator==(const FunctionShare&) const = default;
    };
    const std::vector<FunctionShare>& visibleFunctions() const { return m_visibleFunctions; }

    const TimeScale& scale() const { return m_scale; }
    void zoomToFit();
    // Shows the selected range and clears it: the view then is that range, and a tint
    // over all of it (and the event table held to it) would say nothing.
    void zoomToSelection();
    void zoomToMarkers();                        // from marker A to marker B
    void zoomBy(double factor, double anchorX);  // anchorX in widget coordinates
    void panBy(double px);                       // > 0 moves later in time
    void goToEnd(bool end);                      // the trace's start (end), same zoom
    void goToMarker(bool b);                     // marker A (B) to the middle of the view
    void markerAtMouse(bool b);                  // marker A (B) at the mouse, else the middle
    void clearSelection();
    void clearMarkers();
    // Where zooming by key or menu keeps the time fixed: the mouse over the time area,
    // else the middle of the view.
    double anchorX() const;
    // The view's commands and their keys (timeline_actions.h).
    TimelineActions* keyActions() const { return m_actions; }

    // Geometry, in widget coordinates (tests, session, other views).
    int labelWidth() const { return kLabelWidth; }
    double xForTime(uint64_t t) const { return kLabelWidth + m_scale.toX(t); }
    uint64_t timeAtX(double x) const { return m_scale.toTime(x - kLabelWidth); }
    QRectF cpuRowRect(size_t cpu) const;  // empty when the CPU has no row
    QRectF taskRowRect(int pid) const;
    QRectF bufferHeaderRect(int buffer) const;  // empty when the buffer has no header
    QRectF callLaneRect(RowKind parent, int id, int level) const;  // empty when not shown
    // Where a call is drawn on a row's lanes (not clipped), empty when not shown there.
    QRectF callRect(uint64_t span, RowKind parent) const;
    // The label of each row, top to bottom, as drawn.
    QStringList rowLabels() const;
    // Tooltip text for a point (also what the hover tooltip shows).
    QString describeAt(QPoint pos) const;

    void paintTo(QPainter& p, QSize size);
    bool painted() const { return m_painted; }
    // As tall as the ruler and the rows: the window gives the view that much, and the
    // rest of its height to the event panel.
    QSize sizeHint() const override;

signals:
    void firstPainted();
    void rowsChanged();                // rows came or went: sizeHint() changed
    void cursorPlaced(uint64_t t);     // the user put the cursor (a marker) at trace time t
    void callSelected(uint64_t span);  // a click selected a call
    void visibleFunctionsChanged();

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    void keyPressEvent(QKeyEvent*) override;
    void leaveEvent(QEvent*) override;
    void contextMenuEvent(QContextMenuEvent*) override;
    bool event(QEvent* e) override;

private:
    using Row = TimelineRow;
    bool filteredOut(const Row& row) const;
    bool filtersGraph() const;
    void keepFilteredSpans();
    void paintCpuSpans(QPainter& p, const QRectF& r, int cpu);
    struct Tick {
        uint64_t ts;
        uint32_t cpu;
        uint16_t type;
        int32_t pid;
    };
    static constexpr int kLabelWidth = 170;
    static constexpr int kRulerHeight = 40;  // marker flags on top, tick labels below
    static constexpr int kRowHeight = TimelineRows::kRowHeight;

    void rebuildRows();
    void setScale(const TimeScale& s);
    void onVisibleRangeChanged(TimeRange r);
    const Row* rowAt(double y) const;
    QRectF rowRect(const Row* row) const;
    double rowsHeight() const { return m_rows.height(); }
    QString rowLabel(const Row& row) const;
    QString bufferName(int buffer) const;  // as TimelineState keys it: "" for the top buffer
    bool bufferCollapsed(int buffer) const;
    void toggleBuffer(int buffer);
    void paintRuler(QPainter& p, QSize size);
    void paintLabels(QPainter& p, QSize size);
    void paintRows(QPainter& p, QSize size);
    void paintOverlays(QPainter& p, QSize size);
    void paintNotice(QPainter& p, QSize size);
    void paintInterval(QPainter& p);
    void paintWakeups(QPainter& p);
    void paintTicks(QPainter& p);
    void collectTicks();
    void setMarkerAt(bool b, QPoint pos);
    QString tickAt(const Row& row, double x) const;
    // Flame chart (timeline_calls.cpp).
    void nameCalls();
    void syncCallIndex();
    void scrollToCall(uint64_t span);
    const CallRowIndex* callIndex(RowKind kind, int id) const;
    const CallLane* laneOf(uint64_t span) const;
    std::optional<uint64_t> callAt(QPoint pos) const;
    QString describeCall(uint64_t span) const;
    void paintCallRow(QPainter& p, const QRectF& r, const Row& row);
    void paintCallSelection(QPainter& p);
    void paintCallToggle(QPainter& p, const QRectF& r, const Row& row);
    void updateVisibleFunctions();
    void callMenu(QMenu& menu, const Row& row);

    TimelineState* m_state;
    TimelineActions* m_actions = nullptr;
    const TraceModel* m_model = nullptr;
    const EventFormats* m_formats = nullptr;
    EventFilter m_filter;
    GraphFilter m_graphFilter = GraphFilter::Dim;
    // Per CPU, the spans of the tasks the filter keeps (empty when it keeps every task).
    std::vector<SpanTrack> m_keptSpans;
    std::shared_ptr<const SchedTimeline> m_timeline;
    TimeScale m_scale;
    TimelineRows m_rows;
    QStringList m_cpuNames;  // TraceModel::cpuLabel per global CPU
    double m_scrollY = 0;
    std::vector<Tick> m_ticks;
    uint64_t m_ticksFrom = 1, m_ticksTo = 0;
    // Mouse gesture in progress.
    enum class Drag { None, Pan, Select } m_drag = Drag::None;
    QPoint m_pressPos;
    double m_lastDragX = 0;
    bool m_moved = false;
    int m_hoverX = -1;
    int m_hoverY = -1;
    bool m_painted = false;
    QString m_notice;
    // Flame chart.
    std::shared_ptr<const CallTrees> m_calls;
    QStringList m_functionNames;  // per function index
    std::vector<QRgb> m_functionColors;
    std::vector<int> m_nameWidths;  // measured when first drawn
    QString m_highlight;
    std::vector<uint8_t> m_strong;     // per function while a highlight is set
    std::vector<uint64_t> m_cpuCalls;  // calls per global CPU
    std::map<QString, std::shared_ptr<const CallRowIndex>> m_callIndex;  // by rowKey
    BackgroundPass* m_indexPass = nullptr;  // indexes rows with many calls
    std::optional<uint64_t> m_selectedCall;
    std::optional<Interval> m_interval;
    std::optional<uint64_t> m_pendingShow;  // showCall's call, until its lanes are indexed
    FunctionPixels m_functionPixels;        // of the paint in progress
    std::vector<FunctionShare> m_visibleFunctions;
};

}  // namespace kestrel
