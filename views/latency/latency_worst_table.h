#pragma once
// The instances of a latency result as a table: latency, start time, task (comm and
// pid), CPU(s) and key. The rows are indices into the Latencies, chosen by the panel:
// the N largest (worst cases), or those a brush on the histogram selects. Sorting
// reorders the indices, never the result.
#include <QAbstractTableModel>
#include <QStringList>
#include <functional>
#include <memory>
#include <vector>

#include "analysis/latency.h"

namespace kestrel {

class LatencyInstanceModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { Latency, Start, Task, Cpus, Key, ColumnCount };
    explicit LatencyInstanceModel(QObject* parent = nullptr);

    // `taskName` gives a pid's comm ("" when unknown), `cpuNames` a global CPU's label.
    void setNames(std::function<QString(int32_t)> taskName, QStringList cpuNames);
    void setInstances(std::shared_ptr<const Latencies> latencies, std::vector<uint32_t> rows);
    const std::vector<uint32_t>& instances() const { return m_rows; }
    uint32_t instanceAt(int row) const { return m_rows[size_t(row)]; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    void sort(int column, Qt::SortOrder order) override;

private:
    QString text(uint32_t i, int column) const;

    std::shared_ptr<const Latencies> m_latencies;
    std::vector<uint32_t> m_rows;
    std::function<QString(int32_t)> m_taskName;
    QStringList m_cpuNames;
};

// Indices of the `n` largest latencies among the instances starting in [from, to)
// (from == to: all), largest first; ties by start.
std::vector<uint32_t> worstInstances(const Latencies& l, size_t n, uint64_t from, uint64_t to);
// Indices of the instances with latency in [low, high) starting in [from, to) (from ==
// to: all), largest latency first.
std::vector<uint32_t> instancesBetween(const Latencies& l, uint64_t low, uint64_t high,
                                       uint64_t from, uint64_t to);

}  // namespace kestrel
