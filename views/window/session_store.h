#pragma once
// Where the window keeps each trace's session: in the user's state directory
// ($XDG_STATE_HOME/kestrel/sessions, or ~/.local/state/kestrel/sessions), never beside the
// trace, whose folder may be read-only or shared. One JSON file per trace, named after a
// hash of the trace's absolute path, holding the session and the trace's identity
// (device, inode, size, modification time): a different file put at the same path gets no
// old session, and prune() removes sessions whose trace is gone or was replaced. A
// session an older Kestrel wrote beside the trace ("<trace>.kestrel.json") is read when
// the store has none; nothing is written there any more.
#include <QJsonObject>
#include <QString>
#include <optional>

namespace kestrel {

struct TraceIdentity {
    QString path;  // absolute
    quint64 device = 0;
    quint64 inode = 0;
    quint64 size = 0;
    qint64 mtimeNs = 0;

    // Nothing when there is no file at `path`.
    static std::optional<TraceIdentity> of(const QString& path);
    static std::optional<TraceIdentity> fromJson(const QJsonObject& o);
    QJsonObject toJson() const;
    bool operator==(const TraceIdentity&) const = default;
};

class SessionStore {
public:
    explicit SessionStore(QString dir = defaultDir());
    // $XDG_STATE_HOME/kestrel/sessions when that is an absolute path (the XDG base
    // directory rules ignore relative ones), else $HOME/.local/state/kestrel/sessions.
    static QString defaultDir();
    const QString& dir() const { return m_dir; }
    QString fileFor(const QString& tracePath) const;

    // The session saved for this very file, else the one beside it from an older Kestrel,
    // else nothing.
    std::optional<QJsonObject> load(const QString& tracePath) const;
    bool save(const QString& tracePath, const QJsonObject& session, QString* error = nullptr) const;
    // Removes the sessions whose trace is gone or is another file now; returns how many.
    int prune() const;

private:
    QString m_dir;
};

}  // namespace kestrel
