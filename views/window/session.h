#pragma once
// Saves and restores what the user set up on a trace, as JSON beside it
// ("<trace>.kestrel.json"): the visible range, the selection, markers A/B (time and
// CPU), the task tracks, the collapsed buffer groups and the filters. Times are trace
// timestamps in ns, written as strings so no JSON reader rounds them through a double.
#include <QJsonObject>
#include <QString>

#include "timeline/timeline_state.h"

namespace kestrel {

QString sessionPath(const QString& tracePath);
QJsonObject sessionToJson(const TimelineState& state);
// Applies what the object holds; ranges outside the trace are ignored.
void applySession(const QJsonObject& json, TimelineState& state);

bool saveSession(const QString& tracePath, const TimelineState& state, QString* error = nullptr);
bool loadSession(const QString& tracePath, TimelineState& state);  // false when none

}  // namespace kestrel
