#include "window/session_store.h"

#include <sys/stat.h>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include "window/session.h"

namespace kestrel {
namespace {

const char* kTraceKey = "trace";

QString absolute(const QString& path) {
    return QDir::cleanPath(QFileInfo(path).absoluteFilePath());
}

quint64 readNumber(const QJsonValue& v, bool* ok) {
    bool good = false;
    const quint64 n = v.toString().toULongLong(&good);
    if (!good) *ok = false;
    return n;
}

}  // namespace

std::optional<TraceIdentity> TraceIdentity::of(const QString& path) {
    const QString abs = absolute(path);
    struct stat st {};
    if (::stat(QFile::encodeName(abs).constData(), &st) != 0) return std::nullopt;
    TraceIdentity id;
    id.path = abs;
    id.device = st.st_dev;
    id.inode = st.st_ino;
    id.size = static_cast<quint64>(st.st_size);
    id.mtimeNs = static_cast<qint64>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
    return id;
}

QJsonObject TraceIdentity::toJson() const {
    // Numbers as strings: JSON readers take numbers as doubles, exact to 2^53 only.
    return {{"path", path},
            {"device", QString::number(device)},
            {"inode", QString::number(inode)},
            {"size", QString::number(size)},
            {"mtimeNs", QString::number(mtimeNs)}};
}

std::optional<TraceIdentity> TraceIdentity::fromJson(const QJsonObject& o) {
    TraceIdentity id;
    bool ok = o["path"].isString();
    id.path = o["path"].toString();
    id.device = readNumber(o["device"], &ok);
    id.inode = readNumber(o["inode"], &ok);
    id.size = readNumber(o["size"], &ok);
    id.mtimeNs = static_cast<qint64>(readNumber(o["mtimeNs"], &ok));
    if (!ok) return std::nullopt;
    return id;
}

SessionStore::SessionStore(QString dir) : m_dir(std::move(dir)) {}

QString SessionStore::defaultDir() {
    QString state = qEnvironmentVariable("XDG_STATE_HOME");
    if (state.isEmpty() || QDir::isRelativePath(state))
        state = QDir::homePath() + QStringLiteral("/.local/state");
    return state + QStringLiteral("/kestrel/sessions");
}

// "<file name>-<16 hex digits of SHA-256 of the absolute path>.json": unique per path,
// and a person looking into the folder sees which trace each file belongs to.
QString SessionStore::fileFor(const QString& tracePath) const {
    const QString abs = absolute(tracePath);
    const QByteArray hash =
        QCryptographicHash::hash(QFile::encodeName(abs), QCryptographicHash::Sha256).toHex();
    static const QRegularExpression unsafe(QStringLiteral("[^A-Za-z0-9._-]"));
    QString name = QFileInfo(abs).fileName().replace(unsafe, QStringLiteral("_")).left(64);
    return m_dir + QLatin1Char('/') + name + QLatin1Char('-') + QString::fromLatin1(hash.left(16)) +
           QStringLiteral(".json");
}

std::optional<QJsonObject> SessionStore::load(const QString& tracePath) const {
    const std::optional<TraceIdentity> now = TraceIdentity::of(tracePath);
    if (!now) return std::nullopt;
    if (auto saved = readSessionFile(fileFor(tracePath))) {
        if (TraceIdentity::fromJson((*saved)[kTraceKey].toObject()) == now) return saved;
        return std::nullopt;  // another file at this path now: its own session, or none
    }
    return readSessionFile(legacySessionPath(tracePath));
}

bool SessionStore::save(const QString& tracePath, const QJsonObject& session,
                        QString* error) const {
    const std::optional<TraceIdentity> id = TraceIdentity::of(tracePath);
    if (!id) {
        if (error) *error = QObject::tr("%1 is gone").arg(tracePath);
        return false;
    }
    if (!QDir().mkpath(m_dir)) {
        if (error) *error = QObject::tr("cannot create %1").arg(m_dir);
        return false;
    }
    QJsonObject o = session;
    o[kTraceKey] = id->toJson();
    return writeSessionFile(fileFor(tracePath), o, error);
}

int SessionStore::prune() const {
    int removed = 0;
    const QDir dir(m_dir);
    for (const QString& name : dir.entryList({QStringLiteral("*.json")}, QDir::Files)) {
        const QString file = dir.filePath(name);
        const std::optional<QJsonObject> session = readSessionFile(file);
        if (!session) continue;  // not ours to judge
        const auto saved = TraceIdentity::fromJson((*session)[kTraceKey].toObject());
        if (!saved) continue;
        if (TraceIdentity::of(saved->path) == saved) continue;
        if (QFile::remove(file)) ++removed;
    }
    return removed;
}

}  // namespace kestrel
