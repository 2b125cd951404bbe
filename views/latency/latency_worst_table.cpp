#include "latency/latency_worst_table.h"

#include <algorithm>

#include "timeline/time_scale.h"

namespace kestrel {

namespace {

// The index range of the instances starting in [from, to): they are sorted by start.
std::pair<size_t, size_t> startRange(const Latencies& l, uint64_t from, uint64_t to) {
    if (from >= to) return {0, l.size()};
    auto lo = std::lower_bound(l.start.begin(), l.start.end(), from);
    auto hi = std::lower_bound(lo, l.start.end(), to);
    return {size_t(lo - l.start.begin()), size_t(hi - l.start.begin())};
}

void largestFirst(const Latencies& l, std::vector<uint32_t>& rows) {
    std::sort(rows.begin(), rows.end(), [&l](uint32_t a, uint32_t b) {
        return l.latency[a] != l.latency[b] ? l.latency[a] > l.latency[b] : a < b;
    });
}

}  // namespace

// One scan with a heap of the n largest so far: an instance below the heap's smallest costs
// one comparison, so millions of instances take milliseconds and no copy of their indices.
std::vector<uint32_t> worstInstances(const Latencies& l, size_t n, uint64_t from, uint64_t to) {
    auto [first, last] = startRange(l, from, to);
    auto larger = [&l](uint32_t a, uint32_t b) {
        return l.latency[a] != l.latency[b] ? l.latency[a] > l.latency[b] : a < b;
    };
    std::vector<uint32_t> rows;
    if (n == 0) return rows;
    rows.reserve(std::min(n, last - first));
    for (size_t i = first; i < last; ++i) {
        if (rows.size() < n) {
            rows.push_back(uint32_t(i));
            std::push_heap(rows.begin(), rows.end(), larger);  // the smallest on top
        } else if (larger(uint32_t(i), rows.front())) {
            std::pop_heap(rows.begin(), rows.end(), larger);
            rows.back() = uint32_t(i);
            std::push_heap(rows.begin(), rows.end(), larger);
        }
    }
    std::sort(rows.begin(), rows.end(), larger);
    return rows;
}

std::vector<uint32_t> instancesBetween(const Latencies& l, uint64_t low, uint64_t high,
                                       uint64_t from, uint64_t to) {
    auto [first, last] = startRange(l, from, to);
    std::vector<uint32_t> rows;
    for (size_t i = first; i < last; ++i) {
        if (l.latency[i] >= low && l.latency[i] < high) rows.push_back(uint32_t(i));
    }
    largestFirst(l, rows);
    return rows;
}

LatencyInstanceModel::LatencyInstanceModel(QObject* parent) : QAbstractTableModel(parent) {}

void LatencyInstanceModel::setNames(std::function<QString(int32_t)> taskName,
                                    QStringList cpuNames) {
    beginResetModel();
    m_taskName = std::move(taskName);
    m_cpuNames = std::move(cpuNames);
    endResetModel();
}

void LatencyInstanceModel::setInstances(std::shared_ptr<const Latencies> latencies,
                                        std::vector<uint32_t> rows) {
    beginResetModel();
    m_latencies = std::move(latencies);
    m_rows = m_latencies ? std::move(rows) : std::vector<uint32_t>{};
    endResetModel();
}

int LatencyInstanceModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : int(m_rows.size());
}

int LatencyInstanceModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QString LatencyInstanceModel::text(uint32_t i, int column) const {
    const Latencies& l = *m_latencies;
    auto cpu = [this](uint16_t c) {
        return c < m_cpuNames.size() ? m_cpuNames[c] : QString::number(c);
    };
    switch (column) {
        case Latency:
            return QString::fromStdString(formatDuration(l.latency[i]));
        case Start:
            return QString::number(double(l.start[i]) / 1e9, 'f', 6);
        case Task: {
            const QString comm = m_taskName ? m_taskName(l.pid[i]) : QString();
            return comm.isEmpty() ? QString::number(l.pid[i])
                                  : QStringLiteral("%1-%2").arg(comm).arg(l.pid[i]);
        }
        case Cpus:
            return l.startCpu[i] == l.endCpu[i]
                       ? cpu(l.startCpu[i])
                       : QStringLiteral("%1 → %2").arg(cpu(l.startCpu[i]), cpu(l.endCpu[i]));
        case Key:
            return QString::fromStdString(l.keyName(l.key[i]));
    }
    return {};
}

QVariant LatencyInstanceModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || size_t(index.row()) >= m_rows.size()) return {};
    // The tooltip: a narrow column's whole text (two CPUs' labels are long).
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole)
        return text(m_rows[size_t(index.row())], index.column());
    if (role == Qt::TextAlignmentRole && (index.column() == Latency || index.column() == Start))
        return int(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant LatencyInstanceModel::headerData(int section, Qt::Orientation o, int role) const {
    if (o != Qt::Horizontal || role != Qt::DisplayRole) return {};
    static const char* const names[] = {"Latency", "Start (s)", "Task", "CPU", "Key"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

void LatencyInstanceModel::sort(int column, Qt::SortOrder order) {
    if (!m_latencies) return;
    const Latencies& l = *m_latencies;
    auto keyLess = [&](uint32_t a, uint32_t b) -> bool {
        switch (column) {
            case Latency:
                return l.latency[a] < l.latency[b];
            case Start:
                return l.start[a] < l.start[b];
            case Task:
                return l.pid[a] < l.pid[b];
            case Cpus:
                return l.startCpu[a] != l.startCpu[b] ? l.startCpu[a] < l.startCpu[b]
                                                      : l.endCpu[a] < l.endCpu[b];
            case Key:
                return l.keyName(l.key[a]) < l.keyName(l.key[b]);
        }
        return false;
    };
    beginResetModel();
    std::stable_sort(m_rows.begin(), m_rows.end(), [&](uint32_t a, uint32_t b) {
        return order == Qt::AscendingOrder ? keyLess(a, b) : keyLess(b, a);
    });
    endResetModel();
}

}  // namespace kestrel
