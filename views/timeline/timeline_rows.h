#pragma once
// The timeline's rows, top to bottom: one per CPU that recorded something, then the
// task header and one row per chosen task. When more than one buffer of a trace.dat
// holds events (tracefs instances), the CPU rows are grouped under a header row per
// buffer, and a collapsed buffer shows its header alone. A single-buffer trace has no
// header rows. Buffers without events get no rows at all. A CPU or task row whose calls
// are shown (flame chart) is followed by one call lane per call level, level 0 first.
#include <QString>
#include <QStringList>
#include <QVector>
#include <functional>
#include <vector>

namespace kestrel {

class TraceModel;

enum class RowKind { BufferHeader, Cpu, TaskHeader, Task, CallLane };

struct TimelineRow {
    RowKind kind;
    int id;       // buffer index (TraceMeta::buffers), global CPU index or pid
    double y, h;  // in row coordinates: 0 is the top of the first row
    // A call lane: the row it belongs to (id is that row's) and its call level.
    RowKind parent = RowKind::Task;
    int level = 0;
};

// "top" for the unnamed top-level buffer, else the instance name.
QString bufferTitle(const TraceModel& model, int buffer);
// The CPUs that recorded something, which are the CPUs that get rows (global indices).
std::vector<int> cpusWithData(const TraceModel& model);

class TimelineRows {
public:
    static constexpr int kRowHeight = 24;
    static constexpr int kHeaderHeight = 20;
    static constexpr int kLaneHeight = 16;

    // `collapsed` names buffers as TimelineState does ("" is the top buffer). `hidden`
    // leaves out CPU and task rows (the graph hiding what the event filter leaves out);
    // buffer headers stay.
    using Hidden = std::function<bool(RowKind kind, int id)>;
    // How many call lanes follow a CPU or task row (0: its calls are not shown).
    using CallLevels = std::function<int(RowKind kind, int id)>;
    void build(const TraceModel* model, const QStringList& collapsed, const QVector<int>& tasks,
               const Hidden& hidden = {}, const CallLevels& callLevels = {});

    const std::vector<TimelineRow>& rows() const { return m_rows; }
    bool grouped() const { return m_grouped; }
    double height() const { return m_rows.empty() ? 0 : m_rows.back().y + m_rows.back().h; }
    const TimelineRow* at(double y) const;  // nullptr between or past the rows
    const TimelineRow* find(RowKind kind, int id) const;
    const TimelineRow* findLane(RowKind parent, int id, int level) const;
    // The CPUs of a buffer that have rows when it is expanded.
    const std::vector<int>& cpusOf(int buffer) const;

private:
    std::vector<TimelineRow> m_rows;
    std::vector<std::vector<int>> m_bufferCpus;  // per buffer index
    bool m_grouped = false;
};

}  // namespace kestrel
