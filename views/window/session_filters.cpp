#include "window/session_filters.h"

#include <QStringList>
#include <algorithm>

#include "decode/trace_model.h"
#include "formats/event_formats.h"

namespace kestrel {
namespace {

QString typeName(const EventType& t) {
    return QString::fromStdString(t.system + ":" + t.name);
}

// What FilterPanel puts in a list when nothing in it is checked.
constexpr int32_t kNothing = -0x7fffffff;

}  // namespace

QVariantMap filterToVariant(const EventFilter& filter, const TraceModel& model,
                            const EventFormats& formats) {
    QVariantMap map;
    if (!filter.pids.empty()) {
        QVariantList pids;
        for (int32_t pid : filter.pids) {
            if (pid != kNothing) pids.append(pid);
        }
        map["tasks"] = pids;
    }
    if (!filter.eventIds.empty()) {
        QStringList names;
        for (const EventType& t : formats.types()) {
            if (filter.selectsType(t.id)) names.append(typeName(t));
        }
        map["events"] = names;
    }
    if (!filter.cpus.empty()) {
        QStringList labels;
        for (size_t c = 0; c < model.cpuCount(); ++c) {
            if (filter.selectsCpu(static_cast<uint32_t>(c)))
                labels.append(QString::fromStdString(model.cpuLabel(c)));
        }
        map["cpus"] = labels;
    }
    if (!filter.advanced.empty()) map["advanced"] = QString::fromStdString(filter.advanced);
    return map;
}

EventFilter filterFromVariant(const QVariantMap& map, const TraceModel& model,
                              const EventFormats& formats) {
    EventFilter f;
    if (map.contains("tasks")) {
        for (const QVariant& v : map["tasks"].toList()) f.pids.push_back(v.toInt());
        if (f.pids.empty()) f.pids.push_back(kNothing);
        std::sort(f.pids.begin(), f.pids.end());
    }
    if (map.contains("events")) {
        const QStringList names = map["events"].toStringList();
        for (const EventType& t : formats.types()) {
            if (names.contains(typeName(t))) f.eventIds.push_back(t.id);
        }
        if (f.eventIds.empty()) f.eventIds.push_back(kNothing);
        std::sort(f.eventIds.begin(), f.eventIds.end());
    }
    if (map.contains("cpus")) {
        const QStringList labels = map["cpus"].toStringList();
        f.cpus.assign(model.cpuCount(), false);
        for (size_t c = 0; c < model.cpuCount(); ++c)
            f.cpus[c] = labels.contains(QString::fromStdString(model.cpuLabel(c)));
    }
    f.advanced = map.value("advanced").toString().trimmed().toStdString();
    return f;
}

}  // namespace kestrel
