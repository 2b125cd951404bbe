#include "timeline/timeline_rows.h"

#include "decode/trace_model.h"

namespace kestrel {

QString bufferTitle(const TraceModel& model, int buffer) {
    const std::string& name = model.meta().buffers.at(buffer).name;
    return name.empty() ? QStringLiteral("top") : QString::fromStdString(name);
}

std::vector<int> cpusWithData(const TraceModel& model) {
    std::vector<int> cpus;
    for (size_t i = 0; i < model.cpuCount(); ++i) {
        if (!model.cpu(i).frames.empty()) cpus.push_back(static_cast<int>(i));  // else unused
    }
    return cpus;
}

void TimelineRows::build(const TraceModel* model, const QStringList& collapsed,
                         const QVector<int>& tasks, const Hidden& hidden,
                         const CallLevels& callLevels) {
    m_rows.clear();
    m_bufferCpus.clear();
    m_grouped = false;
    if (!model) return;
    m_bufferCpus.resize(model->meta().buffers.size());
    for (int i : cpusWithData(*model)) m_bufferCpus[model->meta().cpus[i].buffer].push_back(i);
    size_t used = 0;
    for (const auto& cpus : m_bufferCpus) used += !cpus.empty();
    m_grouped = used > 1;
    double y = 0;
    auto add = [&](RowKind kind, int id, double h) {
        m_rows.push_back({kind, id, y, h});
        y += h;
        const int lanes = callLevels ? callLevels(kind, id) : 0;
        for (int level = 0; level < lanes; ++level) {
            m_rows.push_back({RowKind::CallLane, id, y, kLaneHeight, kind, level});
            y += kLaneHeight;
        }
    };
    for (size_t b = 0; b < m_bufferCpus.size(); ++b) {
        if (m_bufferCpus[b].empty()) continue;
        if (m_grouped) {
            add(RowKind::BufferHeader, static_cast<int>(b), kHeaderHeight);
            if (collapsed.contains(QString::fromStdString(model->meta().buffers[b].name))) continue;
        }
        for (int cpu : m_bufferCpus[b]) {
            if (!hidden || !hidden(RowKind::Cpu, cpu)) add(RowKind::Cpu, cpu, kRowHeight);
        }
    }
    add(RowKind::TaskHeader, 0, kHeaderHeight);
    for (int pid : tasks) {
        if (!hidden || !hidden(RowKind::Task, pid)) add(RowKind::Task, pid, kRowHeight);
    }
}

const TimelineRow* TimelineRows::at(double y) const {
    for (const TimelineRow& r : m_rows) {
        if (y >= r.y && y < r.y + r.h) return &r;
    }
    return nullptr;
}

const TimelineRow* TimelineRows::find(RowKind kind, int id) const {
    for (const TimelineRow& r : m_rows) {
        if (r.kind == kind && r.id == id) return &r;
    }
    return nullptr;
}

const TimelineRow* TimelineRows::findLane(RowKind parent, int id, int level) const {
    for (const TimelineRow& r : m_rows) {
        if (r.kind == RowKind::CallLane && r.parent == parent && r.id == id && r.level == level)
            return &r;
    }
    return nullptr;
}

const std::vector<int>& TimelineRows::cpusOf(int buffer) const {
    static const std::vector<int> none;
    return buffer >= 0 && size_t(buffer) < m_bufferCpus.size() ? m_bufferCpus[buffer] : none;
}

}  // namespace kestrel
