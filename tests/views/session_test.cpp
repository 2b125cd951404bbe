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
    s.setMarkerA(Marker{1403842536297ULL, 2});
    s.setMarkerB(Marker{1403842566354ULL, 3});
    s.setTasks({1534, 5782});
    s.setCollapsedBuffers({"irq", ""});  // "" is the top buffer
    s.setFilters({{"events", QStringList{"sched_switch"}}});
}

TEST(Session, SaveThenLoadRestoresTheViewExactly) {
    const QString trace = QString::fromStdString(test::tempDir("session") + "/trace.dat");
    TimelineState saved;
    fill(saved);
    QString error;
    ASSERT_TRUE(saveSession(trace, saved, &error)) << error.toStdString();
    ASSERT_TRUE(QFile::exists(trace + ".kestrel.json"));

    TimelineState restored;
    restored.setTraceRange(saved.traceRange());
    ASSERT_TRUE(loadSession(trace, restored));
    EXPECT_EQ(restored.visibleRange(), saved.visibleRange());
    EXPECT_EQ(restored.selection(), saved.selection());
    EXPECT_EQ(restored.markerA(), saved.markerA());
    EXPECT_EQ(restored.markerB(), saved.markerB());
    EXPECT_EQ(restored.tasks(), saved.tasks());
    EXPECT_EQ(restored.collapsedBuffers(), QStringList({"", "irq"}));
    EXPECT_EQ(QJsonObject::fromVariantMap(restored.filters()),
              QJsonObject::fromVariantMap(saved.filters()));
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

TEST(Session, MissingFileLoadsNothing) {
    TimelineState s;
    EXPECT_FALSE(loadSession(QString::fromStdString(test::tempDir("session-none") + "/x.dat"), s));
}

}  // namespace
}  // namespace kestrel
