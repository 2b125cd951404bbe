#include "window/session.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QJsonArray>

#include "qt_test_app.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

void fill(TimelineState& s) {
    s.setTraceRange({1403839642000ULL, 1405251938000ULL});
    s.setVisibleRange({1403842500000ULL, 1403842700000ULL});
    s.setSelection({1403842536297ULL, 1403842566354ULL});
    s.setCursorTime(1403842540001ULL);
    s.setMarkerA(Marker{1403842536297ULL, 2});
    s.setMarkerB(Marker{1403842566354ULL, 3});
    s.setTasks({1534, 5782});
    s.setCollapsedBuffers({"irq", ""});  // "" is the top buffer
    s.setExpandedRows({"task:5782", "cpu:2"});
    s.setFilters({{"events", QStringList{"sched:sched_switch"}}, {"cpus", QStringList{"cpu1"}}});
}

TEST(Session, WriteThenReadRestoresTheViewExactly) {
    const QString file = QString::fromStdString(test::tempDir("session") + "/saved.json");
    TimelineState saved;
    fill(saved);
    QString error;
    ASSERT_TRUE(writeSessionFile(file, sessionToJson(saved), &error)) << error.toStdString();

    const std::optional<QJsonObject> read = readSessionFile(file, &error);
    ASSERT_TRUE(read.has_value()) << error.toStdString();
    TimelineState restored;
    restored.setTraceRange(saved.traceRange());
    applySession(*read, restored);
    EXPECT_EQ(restored.visibleRange(), saved.visibleRange());
    EXPECT_EQ(restored.selection(), saved.selection());
    EXPECT_EQ(restored.cursorTime(), saved.cursorTime());
    EXPECT_EQ(restored.markerA(), saved.markerA());
    EXPECT_EQ(restored.markerB(), saved.markerB());
    EXPECT_EQ(restored.tasks(), saved.tasks());
    EXPECT_EQ(restored.collapsedBuffers(), QStringList({"", "irq"}));
    EXPECT_EQ(restored.expandedRows(), QStringList({"cpu:2", "task:5782"}));
    EXPECT_EQ(QJsonObject::fromVariantMap(restored.filters()),
              QJsonObject::fromVariantMap(saved.filters()));
    EXPECT_FALSE(sessionsDiffer(sessionToJson(restored), sessionToJson(saved)));
}

TEST(Session, RangesOutsideTheTraceAreIgnored) {
    TimelineState saved;
    fill(saved);
    QJsonObject json = sessionToJson(saved);
    TimelineState other;
    other.setTraceRange({1, 1000});  // a different trace
    applySession(json, other);
    EXPECT_TRUE(other.visibleRange().empty());
    EXPECT_TRUE(other.selection().empty());
    EXPECT_EQ(other.cursorTime(), 0u);
    EXPECT_EQ(other.tasks(), saved.tasks());
}

// Sessions written before buffer groups existed have no "collapsedBuffers": every
// group opens expanded, whatever was collapsed before the load.
TEST(Session, NoCollapsedBuffersKeyExpandsEveryGroup) {
    TimelineState saved;
    fill(saved);
    QJsonObject json = sessionToJson(saved);
    EXPECT_EQ(json["collapsedBuffers"].toArray().size(), 2);
    json.remove("collapsedBuffers");
    TimelineState restored;
    restored.setBufferCollapsed("sched", true);
    applySession(json, restored);
    EXPECT_TRUE(restored.collapsedBuffers().isEmpty());
}

// Sessions written before the flame chart have no "expandedRows": no row shows its calls.
TEST(Session, NoExpandedRowsKeyShowsNoCalls) {
    TimelineState saved;
    fill(saved);
    QJsonObject json = sessionToJson(saved);
    EXPECT_EQ(json["expandedRows"].toArray().size(), 2);
    json.remove("expandedRows");
    TimelineState restored;
    restored.setRowExpanded("task:1", true);
    applySession(json, restored);
    EXPECT_TRUE(restored.expandedRows().isEmpty());
}

// Expanding a row changes the session; collapsing it again gives the same one back.
TEST(Session, ExpandedRowsDiffer) {
    TimelineState s;
    fill(s);
    const QJsonObject before = sessionToJson(s);
    s.setRowExpanded("cpu:0", true);
    EXPECT_TRUE(sessionsDiffer(before, sessionToJson(s)));
    s.setRowExpanded("cpu:0", false);
    EXPECT_FALSE(sessionsDiffer(before, sessionToJson(s)));
}

// Refitting the same range to another width moves its ends by rounding only: no change.
TEST(Session, AViewMovedByLessThanAPixelIsNoChange) {
    TimelineState s;
    fill(s);
    const QJsonObject before = sessionToJson(s);
    const TimeRange v = s.visibleRange();
    s.setVisibleRange({v.from + 1, v.to - 1});
    EXPECT_FALSE(sessionsDiffer(before, sessionToJson(s)));
    s.setVisibleRange({v.from + (v.to - v.from) / 100, v.to});
    EXPECT_TRUE(sessionsDiffer(before, sessionToJson(s)));
    s.setVisibleRange(v);
    s.addTask(7);
    EXPECT_TRUE(sessionsDiffer(before, sessionToJson(s)));
}

TEST(Session, AFileThatIsNoSessionIsRefusedWithAReason) {
    const std::string dir = test::tempDir("session-bad");
    QString error;
    EXPECT_FALSE(readSessionFile(QString::fromStdString(dir + "/none.json"), &error));
    EXPECT_FALSE(error.isEmpty());
    const QString notJson = QString::fromStdString(dir + "/text.json");
    QFile f(notJson);
    ASSERT_TRUE(f.open(QIODevice::WriteOnly));
    f.write("just text\n");
    f.close();
    EXPECT_FALSE(readSessionFile(notJson, &error));
    EXPECT_TRUE(error.startsWith(QStringLiteral("not JSON"))) << error.toStdString();
    const QString other = QString::fromStdString(dir + "/other.json");
    ASSERT_TRUE(writeSessionFile(other, QJsonObject{{"name", "x"}}));
    EXPECT_FALSE(readSessionFile(other, &error));
    EXPECT_TRUE(error.startsWith(QStringLiteral("not a Kestrel session"))) << error.toStdString();
}

}  // namespace
}  // namespace kestrel
