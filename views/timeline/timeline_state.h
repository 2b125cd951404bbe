#pragma once
// The one view-state object every view observes: the visible range, the selected range,
// the cursor, markers A and B, the tasks shown as tracks, the buffers whose CPU rows are
// collapsed, the rows whose calls are shown and free-form filters other views may set.
// Views change it through the setters and react to its signals; no view pokes another
// directly. Saved by session.h.
#include <QObject>
#include <QStringList>
#include <QVariantList>
#include <QVariantMap>
#include <QVector>
#include <cstdint>
#include <optional>

namespace kestrel {

struct TimeRange {
    uint64_t from = 0;
    uint64_t to = 0;
    bool empty() const { return to <= from; }
    bool operator==(const TimeRange&) const = default;
};

struct Marker {
    uint64_t time = 0;
    int cpu = -1;  // row the marker was placed on, -1 when none
    bool operator==(const Marker&) const = default;
};

class TimelineState : public QObject {
    Q_OBJECT
public:
    explicit TimelineState(QObject* parent = nullptr) : QObject(parent) {}

    void setTraceRange(TimeRange r);
    TimeRange traceRange() const { return m_trace; }

    void setVisibleRange(TimeRange r);
    TimeRange visibleRange() const { return m_visible; }

    void setSelection(TimeRange r);  // an empty range clears it
    TimeRange selection() const { return m_selection; }

    void setCursorTime(uint64_t t);
    uint64_t cursorTime() const { return m_cursor; }

    void setMarkerA(std::optional<Marker> m);
    void setMarkerB(std::optional<Marker> m);
    std::optional<Marker> markerA() const { return m_a; }
    std::optional<Marker> markerB() const { return m_b; }

    void setTasks(const QVector<int>& pids);
    void addTask(int pid);
    void removeTask(int pid);
    const QVector<int>& tasks() const { return m_tasks; }

    // Buffers, by name ("" is the top buffer), whose CPU rows the timeline folds under
    // their header row. Kept sorted, so equal sets compare and save equal.
    void setCollapsedBuffers(QStringList names);
    void setBufferCollapsed(const QString& name, bool collapsed);
    bool bufferCollapsed(const QString& name) const { return m_collapsed.contains(name); }
    const QStringList& collapsedBuffers() const { return m_collapsed; }

    // Rows whose calls the timeline shows as flame chart lanes: "task:<pid>" and
    // "cpu:<global CPU index>". Kept sorted, like the collapsed buffers.
    void setExpandedRows(QStringList keys);
    void setRowExpanded(const QString& key, bool expanded);
    bool rowExpanded(const QString& key) const { return m_expanded.contains(key); }
    const QStringList& expandedRows() const { return m_expanded; }

    void setFilters(const QVariantMap& f);
    const QVariantMap& filters() const { return m_filters; }

    // The custom latency pairs the user defined on the Latency tab, each a map with
    // "start", "end", "match" (a list of "startField=endField"), "startFilter" and
    // "endFilter"; kept with the session so that they come back on reopen.
    void setLatencyPairs(const QVariantList& pairs);
    const QVariantList& latencyPairs() const { return m_latencyPairs; }

signals:
    void visibleRangeChanged(kestrel::TimeRange r);
    void selectionChanged(kestrel::TimeRange r);
    void cursorTimeChanged(uint64_t t);
    void markersChanged();
    void tasksChanged();
    void collapsedBuffersChanged();
    void expandedRowsChanged();
    void filtersChanged();
    void latencyPairsChanged();

private:
    TimeRange m_trace, m_visible, m_selection;
    uint64_t m_cursor = 0;
    std::optional<Marker> m_a, m_b;
    QVector<int> m_tasks;
    QStringList m_collapsed;
    QStringList m_expanded;
    QVariantMap m_filters;
    QVariantList m_latencyPairs;
};

}  // namespace kestrel
