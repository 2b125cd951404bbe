#pragma once
// What the user set up on a trace, as JSON: the visible range, the selection, the cursor
// (the table's row follows it), markers A/B (time and CPU), the task tracks, the
// collapsed buffer groups, the rows whose calls are shown and the event panel's filter
// (session_filters.h) and the Latency tab's custom pairs. Times are trace timestamps in ns, written
// as strings so no JSON reader rounds them through a double. Where sessions are kept is
// session_store.h; File > Export session and Import session write and read these objects as files
// the user chooses.
#include <QJsonObject>
#include <QString>
#include <optional>

#include "timeline/timeline_state.h"

namespace kestrel {

QJsonObject sessionToJson(const TimelineState& state);
// Applies what the object holds; ranges and times outside the trace are ignored.
void applySession(const QJsonObject& json, TimelineState& state);
// False when the two describe the same view. A visible range that moved by less than a
// pixel column's worth (resizing the window refits it) is the same view.
bool sessionsDiffer(const QJsonObject& a, const QJsonObject& b);

// A session as a file of its own (QSaveFile: all or nothing). Reading fails, with a
// sentence saying why, on a file that is not a Kestrel session.
bool writeSessionFile(const QString& file, const QJsonObject& session, QString* error = nullptr);
std::optional<QJsonObject> readSessionFile(const QString& file, QString* error = nullptr);

// Where earlier versions saved a trace's session: beside it. Read when the state
// directory has none (session_store.h), never written.
QString legacySessionPath(const QString& tracePath);

}  // namespace kestrel
