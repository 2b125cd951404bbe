#include "window/session.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace kestrel {
namespace {

QString num(uint64_t v) {
    return QString::number(v);
}

bool readTime(const QJsonValue& v, uint64_t& out) {
    bool ok = false;
    out = v.toString().toULongLong(&ok);
    return ok;
}

QJsonObject rangeJson(TimeRange r) {
    return {{"from", num(r.from)}, {"to", num(r.to)}};
}

bool readRange(const QJsonValue& v, TimeRange& out) {
    QJsonObject o = v.toObject();
    return readTime(o["from"], out.from) && readTime(o["to"], out.to) && !out.empty();
}

QJsonValue markerJson(const std::optional<Marker>& m) {
    if (!m) return QJsonValue::Null;
    return QJsonObject{{"time", num(m->time)}, {"cpu", m->cpu}};
}

std::optional<Marker> readMarker(const QJsonValue& v) {
    Marker m;
    if (!v.isObject() || !readTime(v.toObject()["time"], m.time)) return std::nullopt;
    m.cpu = v.toObject()["cpu"].toInt(-1);
    return m;
}

bool inside(TimeRange r, TimeRange trace) {
    return trace.empty() || (r.from >= trace.from && r.to <= trace.to);
}

}  // namespace

QString sessionPath(const QString& tracePath) {
    return tracePath + QStringLiteral(".kestrel.json");
}

QJsonObject sessionToJson(const TimelineState& state) {
    QJsonArray tasks;
    for (int pid : state.tasks()) tasks.append(pid);
    QJsonObject o{{"version", 1},
                  {"visible", rangeJson(state.visibleRange())},
                  {"markerA", markerJson(state.markerA())},
                  {"markerB", markerJson(state.markerB())},
                  {"tasks", tasks},
                  {"collapsedBuffers", QJsonArray::fromStringList(state.collapsedBuffers())},
                  {"filters", QJsonObject::fromVariantMap(state.filters())}};
    if (!state.selection().empty()) o["selection"] = rangeJson(state.selection());
    return o;
}

void applySession(const QJsonObject& json, TimelineState& state) {
    const TimeRange trace = state.traceRange();
    TimeRange r;
    if (readRange(json["visible"], r) && inside(r, trace)) state.setVisibleRange(r);
    if (readRange(json["selection"], r) && inside(r, trace)) state.setSelection(r);
    state.setMarkerA(readMarker(json["markerA"]));
    state.setMarkerB(readMarker(json["markerB"]));
    QVector<int> pids;
    for (const QJsonValue& v : json["tasks"].toArray()) pids.append(v.toInt());
    state.setTasks(pids);
    QStringList collapsed;
    for (const QJsonValue& v : json["collapsedBuffers"].toArray()) {
        if (v.isString()) collapsed.append(v.toString());
    }
    state.setCollapsedBuffers(collapsed);
    state.setFilters(json["filters"].toObject().toVariantMap());
}

bool saveSession(const QString& tracePath, const TimelineState& state, QString* error) {
    QSaveFile file(sessionPath(tracePath));
    if (!file.open(QIODevice::WriteOnly)) {
        if (error) *error = file.errorString();
        return false;
    }
    file.write(QJsonDocument(sessionToJson(state)).toJson());
    if (!file.commit()) {
        if (error) *error = file.errorString();
        return false;
    }
    return true;
}

bool loadSession(const QString& tracePath, TimelineState& state) {
    QFile file(sessionPath(tracePath));
    if (!file.open(QIODevice::ReadOnly)) return false;
    QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    if (!doc.isObject()) return false;
    applySession(doc.object(), state);
    return true;
}

}  // namespace kestrel
