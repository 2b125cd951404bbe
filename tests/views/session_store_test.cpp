#include "window/session_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include "qt_test_app.h"
#include "support/test_data.h"
#include "window/session.h"

namespace kestrel {
namespace {

QJsonObject session(int task) {
    TimelineState s;
    s.setVisibleRange({10, 20});
    s.setTasks({task});
    return sessionToJson(s);
}

int taskOf(const std::optional<QJsonObject>& o) {
    if (!o) return -1;
    const QJsonArray tasks = (*o)["tasks"].toArray();
    return tasks.isEmpty() ? -1 : tasks.first().toInt();
}

void writeText(const QString& path, const QByteArray& text) {
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(text);
}

struct StoreTest : ::testing::Test {
    QString traces = QString::fromStdString(test::tempDir("store-traces"));
    SessionStore store{QString::fromStdString(test::tempDir("store-sessions")) + "/sessions"};
};

TEST_F(StoreTest, TheDefaultDirectoryFollowsXdgStateHome) {
    const QByteArray saved = qgetenv("XDG_STATE_HOME");
    qputenv("XDG_STATE_HOME", "/var/tmp/state");
    EXPECT_EQ(SessionStore::defaultDir(), QStringLiteral("/var/tmp/state/kestrel/sessions"));
    qputenv("XDG_STATE_HOME", "relative/state");  // ignored, as the XDG rules say
    EXPECT_EQ(SessionStore::defaultDir(), QDir::homePath() + "/.local/state/kestrel/sessions");
    qunsetenv("XDG_STATE_HOME");
    EXPECT_EQ(SessionStore::defaultDir(), QDir::homePath() + "/.local/state/kestrel/sessions");
    qputenv("XDG_STATE_HOME", saved);
}

TEST_F(StoreTest, SavedSessionsLoadForTheSameFileOnly) {
    const QString a = traces + "/a.dat", b = traces + "/b.dat";
    writeText(a, "one");
    writeText(b, "two");
    ASSERT_TRUE(store.save(a, session(1)));
    ASSERT_TRUE(store.save(b, session(2)));
    EXPECT_EQ(taskOf(store.load(a)), 1);
    EXPECT_EQ(taskOf(store.load(b)), 2);
    EXPECT_TRUE(store.fileFor(a).startsWith(store.dir() + "/a.dat-"));
    EXPECT_NE(store.fileFor(a), store.fileFor(b));
    // The same path spelled another way is the same trace.
    EXPECT_EQ(store.fileFor(traces + "/./a.dat"), store.fileFor(a));

    writeText(a, "another file");  // size and time change
    EXPECT_EQ(store.load(a), std::nullopt);
}

TEST_F(StoreTest, PruneRemovesSessionsOfTracesGoneOrReplaced) {
    const QString kept = traces + "/kept.dat", gone = traces + "/gone.dat",
                  replaced = traces + "/replaced.dat";
    for (const QString& t : {kept, gone, replaced}) {
        writeText(t, "trace");
        ASSERT_TRUE(store.save(t, session(1)));
    }
    writeText(store.dir() + "/notes.json", "not a session");  // not the store's: left alone
    ASSERT_TRUE(QFile::remove(gone));
    writeText(replaced, "a longer trace");
    EXPECT_EQ(store.prune(), 2);
    EXPECT_TRUE(QFile::exists(store.fileFor(kept)));
    EXPECT_FALSE(QFile::exists(store.fileFor(gone)));
    EXPECT_FALSE(QFile::exists(store.fileFor(replaced)));
    EXPECT_TRUE(QFile::exists(store.dir() + "/notes.json"));
    EXPECT_EQ(store.prune(), 0);
}

TEST_F(StoreTest, ASessionBesideTheTraceIsReadWhenTheStoreHasNone) {
    const QString t = traces + "/old.dat";
    writeText(t, "trace");
    writeText(legacySessionPath(t), QJsonDocument(session(7)).toJson());
    EXPECT_EQ(taskOf(store.load(t)), 7);
    ASSERT_TRUE(store.save(t, session(8)));
    EXPECT_EQ(taskOf(store.load(t)), 8);
}

TEST_F(StoreTest, NothingLoadsForAMissingTrace) {
    EXPECT_EQ(store.load(traces + "/none.dat"), std::nullopt);
    QString error;
    EXPECT_FALSE(store.save(traces + "/none.dat", session(1), &error));
    EXPECT_FALSE(error.isEmpty());
}

}  // namespace
}  // namespace kestrel
