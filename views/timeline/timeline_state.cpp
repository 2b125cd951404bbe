#include "timeline/timeline_state.h"

namespace kestrel {

void TimelineState::setTraceRange(TimeRange r) {
    m_trace = r;
}

void TimelineState::setVisibleRange(TimeRange r) {
    if (r == m_visible) return;
    m_visible = r;
    emit visibleRangeChanged(r);
}

void TimelineState::setSelection(TimeRange r) {
    if (r.empty()) r = {};
    if (r == m_selection) return;
    m_selection = r;
    emit selectionChanged(r);
}

void TimelineState::setCursorTime(uint64_t t) {
    if (t == m_cursor) return;
    m_cursor = t;
    emit cursorTimeChanged(t);
}

void TimelineState::setMarkerA(std::optional<Marker> m) {
    if (m == m_a) return;
    m_a = m;
    emit markersChanged();
}

void TimelineState::setMarkerB(std::optional<Marker> m) {
    if (m == m_b) return;
    m_b = m;
    emit markersChanged();
}

void TimelineState::setTasks(const QVector<int>& pids) {
    if (pids == m_tasks) return;
    m_tasks = pids;
    emit tasksChanged();
}

void TimelineState::addTask(int pid) {
    if (m_tasks.contains(pid)) return;
    m_tasks.append(pid);
    emit tasksChanged();
}

void TimelineState::removeTask(int pid) {
    if (m_tasks.removeAll(pid) > 0) emit tasksChanged();
}

void TimelineState::setCollapsedBuffers(QStringList names) {
    names.sort();
    names.removeDuplicates();
    if (names == m_collapsed) return;
    m_collapsed = names;
    emit collapsedBuffersChanged();
}

void TimelineState::setBufferCollapsed(const QString& name, bool collapsed) {
    QStringList names = m_collapsed;
    if (collapsed)
        names.append(name);
    else
        names.removeAll(name);
    setCollapsedBuffers(names);
}

void TimelineState::setExpandedRows(QStringList keys) {
    keys.sort();
    keys.removeDuplicates();
    if (keys == m_expanded) return;
    m_expanded = keys;
    emit expandedRowsChanged();
}

void TimelineState::setRowExpanded(const QString& key, bool expanded) {
    QStringList keys = m_expanded;
    if (expanded)
        keys.append(key);
    else
        keys.removeAll(key);
    setExpandedRows(keys);
}

void TimelineState::setFilters(const QVariantMap& f) {
    if (f == m_filters) return;
    m_filters = f;
    emit filtersChanged();
}

void TimelineState::setLatencyPairs(const QVariantList& pairs) {
    if (pairs == m_latencyPairs) return;
    m_latencyPairs = pairs;
    emit latencyPairsChanged();
}

}  // namespace kestrel
