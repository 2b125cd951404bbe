#include "window/session.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace kestrel {
namespace {

constexpr int kVersion = 1;

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

uint64_t distance(uint64_t a, uint64_t b) {
    return a > b ? a - b : b - a;
}

}  // namespace

QJsonObject sessionToJson(const TimelineState& state) {
    QJsonArray tasks;
    for (int pid : state.tasks()) tasks.append(pid);
    QJsonObject o{{"version", kVersion},
                  {"visible", rangeJson(state.visibleRange())},
                  {"markerA", markerJson(state.markerA())},
                  {"markerB", markerJson(state.markerB())},
                  {"tasks", tasks},
                  {"collapsedBuffers", QJsonArray::fromStringList(state.collapsedBuffers())},
                  {"expandedRows", QJsonArray::fromStringList(state.expandedRows())},
                  {"filters", QJsonObject::fromVariantMap(state.filters())}};
    if (!state.selection().empty()) o["selection"] = rangeJson(state.selection());
    if (state.cursorTime() != 0) o["cursor"] = num(state.cursorTime());
    if (!state.latencyPairs().isEmpty())
        o["latencyPairs"] = QJsonArray::fromVariantList(state.latencyPairs());
    return o;
}

void applySession(const QJsonObject& json, TimelineState& state) {
    const TimeRange trace = state.traceRange();
    TimeRange r;
    if (readRange(json["visible"], r) && inside(r, trace)) state.setVisibleRange(r);
    if (readRange(json["selection"], r) && inside(r, trace)) state.setSelection(r);
    uint64_t cursor = 0;
    if (readTime(json["cursor"], cursor) && inside({cursor, cursor}, trace))
        state.setCursorTime(cursor);
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
    QStringList expanded;
    for (const QJsonValue& v : json["expandedRows"].toArray()) {
        if (v.isString()) expanded.append(v.toString());
    }
    state.setExpandedRows(expanded);
    state.setFilters(json["filters"].toObject().toVariantMap());
    state.setLatencyPairs(json["latencyPairs"].toArray().toVariantList());
}

bool sessionsDiffer(const QJsonObject& a, const QJsonObject& b) {
    QJsonObject restA = a, restB = b;
    restA.remove("visible");
    restB.remove("visible");
    if (restA != restB) return true;
    TimeRange va, vb;
    const bool hasA = readRange(a["visible"], va), hasB = readRange(b["visible"], vb);
    if (!hasA || !hasB) return hasA != hasB;
    // 1/10,000 of the span: less than a pixel column on any screen.
    const uint64_t slack = std::max<uint64_t>(1, (va.to - va.from) / 10000);
    return distance(va.from, vb.from) > slack || distance(va.to, vb.to) > slack;
}

bool writeSessionFile(const QString& file, const QJsonObject& session, QString* error) {
    QSaveFile out(file);
    if (!out.open(QIODevice::WriteOnly)) {
        if (error) *error = out.errorString();
        return false;
    }
    out.write(QJsonDocument(session).toJson());
    if (!out.commit()) {
        if (error) *error = out.errorString();
        return false;
    }
    return true;
}

std::optional<QJsonObject> readSessionFile(const QString& file, QString* error) {
    QFile in(file);
    if (!in.open(QIODevice::ReadOnly)) {
        if (error) *error = in.errorString();
        return std::nullopt;
    }
    QJsonParseError parse{};
    const QJsonDocument doc = QJsonDocument::fromJson(in.readAll(), &parse);
    if (parse.error != QJsonParseError::NoError) {
        if (error)
            *error =
                QObject::tr("not JSON (%1 at byte %2)").arg(parse.errorString()).arg(parse.offset);
        return std::nullopt;
    }
    const QJsonObject o = doc.object();
    if (!doc.isObject() || !o["version"].isDouble() || !o["visible"].isObject()) {
        if (error) *error = QObject::tr("not a Kestrel session (no \"version\" and \"visible\")");
        return std::nullopt;
    }
    if (o["version"].toInt() > kVersion) {
        if (error)
            *error = QObject::tr("written by a newer Kestrel (session version %1)")
                         .arg(o["version"].toInt());
        return std::nullopt;
    }
    return o;
}

QString legacySessionPath(const QString& tracePath) {
    return tracePath + QStringLiteral(".kestrel.json");
}

}  // namespace kestrel
