#pragma once
// The event table half of the window: search bar, filter panel, virtual event table
// and details pane in one widget. It owns the background passes behind them (the row
// index, rebuilt whenever the filter or the time range changes; searches) and talks to
// the rest of the window through timestamps and an EventFilter value only. The task
// and event-type counts of the filter lists come from outside (setScan): the window
// hands over the ones its sched analysis gathered, so no pass of the panel's own reads
// the whole trace a third time.
#include <QWidget>
#include <memory>

#include "analysis/call_lookup.h"
#include "analysis/trace_scan.h"
#include "formats/formats_pool.h"
#include "query/event_filter.h"
#include "query/event_index.h"

class QLabel;
class QProgressBar;
class QSplitter;

namespace kestrel {

class BackgroundPass;
class DetailsPane;
class EventTableModel;
class EventTableView;
class FilterPanel;
class SearchBar;

class EventPanel : public QWidget {
    Q_OBJECT
public:
    // `formats` is the GUI thread's instance; workers get their own from a pool.
    // `everyEvent`: the index of every event when the caller has it already (from the sched
    // analysis' row marks), so that no pass of the panel's own reads the trace for it;
    // nullptr builds it in the background.
    EventPanel(const TraceModel& model, EventFormats& formats,
               std::shared_ptr<const EventIndex> everyEvent = nullptr, QWidget* parent = nullptr);
    ~EventPanel() override;

    const EventFilter& filter() const { return m_filter; }
    bool indexReady() const { return m_index != nullptr && !m_indexing; }
    bool scanReady() const { return m_scanReady; }
    // True while the table shows the rows of a filter other than the one the panel shows.
    bool stale() const { return m_stale; }
    int selectedRow() const;

    SearchBar* searchBar() const { return m_search; }
    FilterPanel* filterPanel() const { return m_filters; }
    EventTableView* table() const { return m_table; }
    EventTableModel* tableModel() const { return m_tableModel; }
    DetailsPane* details() const { return m_details; }

public slots:
    // Selects the row nearest to trace time `t` (timeline -> table sync).
    void showTime(uint64_t t);
    // Shows only events in [from, to] (trace time, inclusive).
    void setTimeRange(uint64_t from, uint64_t to);
    void setFilter(const kestrel::EventFilter& filter);
    // Fills the task and event-type lists (with counts) from a scan of the whole trace:
    // SchedTimeline::counts or scanTrace(). Emits scanFinished.
    void setScan(const kestrel::ScanResult& scan);
    // The call trees the details pane finds the call of a function_graph row in; null
    // forgets them. The selected row's call shows as soon as they arrive.
    void setCallTrees(std::shared_ptr<const kestrel::CallTrees> trees);

signals:
    void eventSelected(uint64_t timestamp, int cpu);
    void filterChanged(const kestrel::EventFilter& filter);
    void indexBuilt();
    void scanFinished();
    // The user asked to see a call on the timeline (the details pane's link): a
    // CallTrees::spans index of the trees given to setCallTrees.
    void showCallRequested(uint64_t span);

private:
    void rebuildIndex();
    void installIndex(std::shared_ptr<const EventIndex> index);
    void onRowSelected(int row);
    void applyPanelFilter();
    void setStale(bool stale);
    void fitFilterWidth();

    const TraceModel& m_model;
    EventFormats& m_formats;
    CallRecordReader m_callReader;
    FormatsPool m_pool;        // printing: search
    FormatsPool m_fieldsPool;  // fields only: index builds
    EventFilter m_filter;
    std::shared_ptr<const EventIndex> m_index;
    std::shared_ptr<const EventIndex> m_everyEvent;  // reused whenever the filter selects all
    bool m_indexing = false;
    bool m_hasPendingTime = false;
    uint64_t m_pendingTime = 0;
    bool m_scanReady = false;
    bool m_stale = false;

    SearchBar* m_search = nullptr;
    FilterPanel* m_filters = nullptr;
    EventTableView* m_table = nullptr;
    EventTableModel* m_tableModel = nullptr;
    DetailsPane* m_details = nullptr;
    QSplitter* m_split = nullptr;  // filters | table and details
    QLabel* m_status = nullptr;
    QProgressBar* m_indexBar = nullptr;
    BackgroundPass* m_indexPass = nullptr;
};

}  // namespace kestrel
