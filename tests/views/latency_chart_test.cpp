// The latency histogram on hand-made instances: its buckets, stacks, percentile lines,
// time range, brush and CSV against counts the test makes with plain loops over the
// instances (and nearest ranks from a sorted copy).
#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QFile>
#include <QImage>
#include <QLineSeries>
#include <QMouseEvent>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QToolTip>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <thread>

#include "latency/latency_chart_panel.h"
#include "qt_test_app.h"
#include "support/test_data.h"
#include "timeline/time_scale.h"

namespace kestrel {
namespace {

using Breakdown = LatencyChartPanel::Breakdown;

// n instances 1 us apart in start, latencies spread over 1 ns .. 16 ms on a log scale,
// pids skewed so that some tasks have many more instances than others.
std::shared_ptr<Latencies> makeLatencies(size_t n, unsigned seed) {
    auto l = std::make_shared<Latencies>();
    l->kind = LatencyKind::Syscall;
    std::mt19937_64 rng(seed);
    for (size_t i = 0; i < n; ++i) {
        const uint64_t bits = rng() % 24;
        const uint64_t latency = (uint64_t{1} << bits) + rng() % (uint64_t{1} << bits);
        const auto pid = int32_t(100 + (rng() % 6) * (rng() % 6));  // 100 most often
        const auto key = uint32_t(rng() % 12);
        const auto cpu = uint16_t(rng() % 4);
        const uint64_t start = 1000000 + i * 1000;
        l->add(start, start + latency, pid, key, cpu, cpu);
    }
    l->keyNames[0] = "read";
    l->keyNames[1] = "write";
    return l;
}

// The count of instances i with keep(i) and latency in [low, high).
template <class Keep>
uint64_t countIn(const Latencies& l, uint64_t low, uint64_t high, Keep keep) {
    uint64_t n = 0;
    for (size_t i = 0; i < l.size(); ++i) {
        if (keep(i) && l.latency[i] >= low && l.latency[i] < high) ++n;
    }
    return n;
}
auto all = [](size_t) { return true; };

// The nearest rank: the ceil(permille/1000 * n)-th smallest, in integers (99.9 / 100 in
// doubles is a hair above 0.999, which moves the rank at n = 20000).
uint64_t nearestRank(std::vector<uint64_t> values, uint64_t permille) {
    std::sort(values.begin(), values.end());
    const size_t rank = (permille * values.size() + 999) / 1000;
    return values[std::max<size_t>(rank, 1) - 1];
}

class LatencyChartTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_data = makeLatencies(20000, 7);
        m_panel.resize(1300, 600);
        m_panel.setLatencies(m_data, QStringLiteral("this"));
        m_panel.show();
        QApplication::processEvents();
    }
    const LatencyBins& bins() const { return m_panel.histogram().main; }
    QChart* chart() const { return m_panel.chartView()->chart(); }
    // The series drawn under `name` (a legend entry or a percentile line).
    template <class Series>
    std::vector<Series*> seriesNamed(const QString& name) const {
        std::vector<Series*> out;
        for (QAbstractSeries* s : chart()->series()) {
            if (s->name() == name) {
                if (auto* typed = qobject_cast<Series*>(s)) out.push_back(typed);
            }
        }
        return out;
    }
    // The bucket the test finds a value in, by a plain search of the edges.
    size_t bucketOf(uint64_t ns) const {
        const auto& e = bins().edges;
        for (size_t b = 0; b + 1 < e.size(); ++b) {
            if (ns >= e[b] && ns < e[b + 1]) return b;
        }
        return SIZE_MAX;
    }
    // A point of the chart view over latency position x (in buckets), halfway up the plot.
    QPoint viewPoint(double x) const {
        const QRectF plot = chart()->plotArea();
        QPointF at = chart()->mapToPosition(QPointF(x, 0), chart()->series().front());
        at.setY(plot.center().y());
        return m_panel.chartView()->mapFromScene(chart()->mapToScene(at));
    }
    void mouse(QEvent::Type type, QPoint pos, Qt::MouseButtons buttons) {
        QWidget* target = m_panel.chartView()->viewport();
        QMouseEvent e(type, pos, target->mapToGlobal(pos), Qt::LeftButton, buttons, {});
        QApplication::sendEvent(target, &e);
    }
    void drag(double x0, double x1) {
        mouse(QEvent::MouseButtonPress, viewPoint(x0), Qt::LeftButton);
        mouse(QEvent::MouseMove, viewPoint((x0 + x1) / 2), Qt::LeftButton);
        mouse(QEvent::MouseMove, viewPoint(x1), Qt::LeftButton);
        mouse(QEvent::MouseButtonRelease, viewPoint(x1), Qt::NoButton);
    }

    std::shared_ptr<Latencies> m_data;
    LatencyChartPanel m_panel;
};

TEST_F(LatencyChartTest, LogBucketsArePowersOfTwoHoldingWhatTheTestCounts) {
    const auto& e = bins().edges;
    ASSERT_GE(e.size(), 20u);
    for (size_t b = 1; b + 1 < e.size(); ++b) EXPECT_EQ(e[b + 1], 2 * e[b]) << b;
    uint64_t sum = 0;
    // What is drawn: each bucket's bar is four points, its top the second and third.
    auto bars = seriesNamed<QAreaSeries>(QStringLiteral("this"));
    ASSERT_EQ(bars.size(), 1u);
    const QList<QPointF> tops = bars.front()->upperSeries()->points();
    ASSERT_EQ(size_t(tops.size()), 4 * bins().buckets());
    for (size_t b = 0; b < bins().buckets(); ++b) {
        const uint64_t expected = countIn(*m_data, e[b], e[b + 1], all);
        EXPECT_EQ(bins().layers.front().counts[b], expected) << b;
        EXPECT_DOUBLE_EQ(tops[int(4 * b + 1)].y(), double(expected)) << b;
        EXPECT_LE(tops[int(4 * b + 1)].x(), double(b) + 0.5);
        EXPECT_GE(tops[int(4 * b + 2)].x(), double(b) + 0.5);
        sum += expected;
    }
    EXPECT_EQ(sum, m_data->size());
}

TEST_F(LatencyChartTest, LogCountBarsRiseToTheLogOfTheCount) {
    m_panel.setLogCountAxis(true);
    const auto& e = bins().edges;
    auto bars = seriesNamed<QAreaSeries>(QStringLiteral("this"));
    ASSERT_EQ(bars.size(), 1u);
    const QList<QPointF> tops = bars.front()->upperSeries()->points();
    ASSERT_EQ(size_t(tops.size()), 4 * bins().buckets());
    for (size_t b = 0; b < bins().buckets(); ++b) {
        const uint64_t n = countIn(*m_data, e[b], e[b + 1], all);
        ASSERT_GT(n, 0u);
        EXPECT_NEAR(tops[int(4 * b + 1)].y(), std::log10(double(n)), 1e-9) << b;
    }
}

TEST_F(LatencyChartTest, ComparisonOutlineIsScaledToThisTracesCountUnlessAsked) {
    auto other = makeLatencies(3000, 11);
    m_panel.setComparison(other, QStringLiteral("before"));
    const double scale = double(m_data->size()) / double(other->size());
    for (bool scaled : {true, false}) {
        m_panel.setScaleComparison(scaled);
        QLineSeries* outline = nullptr;
        for (QAbstractSeries* series : chart()->series()) {
            if (series->name().startsWith(QStringLiteral("before"))) {
                outline = qobject_cast<QLineSeries*>(series);
            }
        }
        ASSERT_TRUE(outline);
        EXPECT_EQ(outline->name().contains(QChar(0x00d7)), scaled) << outline->name().toStdString();
        const auto& e = bins().edges;
        // A floor point, then two per bucket at its count, then a floor point.
        ASSERT_EQ(size_t(outline->count()), 2 * bins().buckets() + 2);
        for (size_t b = 0; b < bins().buckets(); ++b) {
            const double n = double(countIn(*other, e[b], e[b + 1], all)) * (scaled ? scale : 1);
            EXPECT_NEAR(outline->at(int(2 * b + 1)).y(), n, 1e-6) << b;
            EXPECT_EQ(outline->at(int(2 * b + 1)).x(), double(b));
            EXPECT_EQ(outline->at(int(2 * b + 2)).x(), double(b + 1));
        }
    }
}

TEST_F(LatencyChartTest, LinearBucketsAreEvenAndHoldWhatTheTestCounts) {
    m_panel.setLogLatencyAxis(false);
    const auto& e = bins().edges;
    EXPECT_GE(bins().buckets(), 40u);
    EXPECT_LE(bins().buckets(), 101u);
    const auto [low, high] = std::minmax_element(m_data->latency.begin(), m_data->latency.end());
    EXPECT_LE(e.front(), *low);
    EXPECT_GT(e.back(), *high);
    uint64_t sum = 0;
    for (size_t b = 0; b < bins().buckets(); ++b) {
        EXPECT_EQ(e[b + 1] - e[b], e[1] - e[0]);
        const uint64_t expected = countIn(*m_data, e[b], e[b + 1], all);
        EXPECT_EQ(bins().layers.front().counts[b], expected) << b;
        sum += expected;
    }
    EXPECT_EQ(sum, m_data->size());
}

TEST_F(LatencyChartTest, ValuesOnAnEdgeCountInTheBucketAboveIt) {
    // Every latency from 1 s to 1.0001 s once: each even edge is a value, and at 1e9 ns a
    // double times the inverse width can round across one.
    auto dense = std::make_shared<Latencies>();
    for (uint64_t ns = 1000000000; ns < 1000100000; ++ns) dense->add(ns, 2 * ns, 1, 0, 0, 0);
    m_panel.setLatencies(dense, QStringLiteral("dense"));
    for (bool log : {false, true}) {
        m_panel.setLogLatencyAxis(log);
        const auto& e = bins().edges;
        uint64_t sum = 0;
        for (size_t b = 0; b < bins().buckets(); ++b) {
            const uint64_t expected = countIn(*dense, e[b], e[b + 1], all);
            EXPECT_EQ(bins().layers.front().counts[b], expected) << b << " log " << log;
            sum += expected;
        }
        EXPECT_EQ(sum, dense->size());
    }
    // Each a multiple of 50 s, the even width here: k * 5e10 times the double nearest
    // 1 / 5e10 is a hair under k for k = 1, 2, 4, 8, 15...
    auto multiples = std::make_shared<Latencies>();
    for (uint64_t k = 1; k <= 100; ++k) multiples->add(k, k + k * 50000000000, 1, 0, 0, 0);
    m_panel.setLatencies(multiples, QStringLiteral("multiples"));
    m_panel.setLogLatencyAxis(false);
    const auto& e = bins().edges;
    ASSERT_EQ(e[1] - e[0], 50000000000u);
    for (size_t b = 0; b < bins().buckets(); ++b) {
        EXPECT_EQ(bins().layers.front().counts[b], countIn(*multiples, e[b], e[b + 1], all)) << b;
    }
}

TEST_F(LatencyChartTest, LinearBucketsUpToP99LeaveTheTailAbove) {
    m_panel.setLogLatencyAxis(false);
    m_panel.setLinearUpTo(LatencyUpTo::P99);
    const uint64_t p99 = nearestRank(m_data->latency, 990);
    const auto& e = bins().edges;
    const uint64_t width = e[1] - e[0];
    EXPECT_GT(e.back(), p99);
    EXPECT_LE(e.back(), p99 + width);
    for (size_t b = 0; b < bins().buckets(); ++b) {
        EXPECT_EQ(bins().layers.front().counts[b], countIn(*m_data, e[b], e[b + 1], all)) << b;
    }
    const uint64_t above = countIn(*m_data, e.back(), UINT64_MAX, all);
    EXPECT_GT(above, 0u);
    EXPECT_EQ(bins().above, above);
    EXPECT_TRUE(m_panel.percentileText().contains(QStringLiteral("above  %1 ").arg(above)));
    // The maximum lies beyond the axis: no line; p99 has its line.
    EXPECT_TRUE(seriesNamed<QLineSeries>(QStringLiteral("max")).empty());
    EXPECT_EQ(seriesNamed<QLineSeries>(QStringLiteral("p99")).size(), 1u);
    m_panel.setLinearUpTo(LatencyUpTo::Max);
    EXPECT_EQ(bins().above, 0u);
}

TEST_F(LatencyChartTest, PercentileLinesStandInTheBucketOfTheNearestRank) {
    for (bool log : {true, false}) {
        m_panel.setLogLatencyAxis(log);
        const std::pair<const char*, uint64_t> marks[] = {
            {"p50", 500}, {"p90", 900}, {"p99", 990}, {"p99.9", 999}, {"max", 1000}};
        for (auto [name, p] : marks) {
            const uint64_t expected = nearestRank(m_data->latency, p);
            auto lines = seriesNamed<QLineSeries>(QString::fromLatin1(name));
            ASSERT_EQ(lines.size(), 1u) << name;
            const double x = lines.front()->at(0).x();
            EXPECT_EQ(lines.front()->at(1).x(), x);  // vertical
            const size_t b = bucketOf(expected);
            EXPECT_GE(x, double(b)) << name << " log " << log;
            EXPECT_LE(x, double(b + 1)) << name << " log " << log;
            const QString listed = QStringLiteral("%1  %2")
                                       .arg(QLatin1String(name), -5)
                                       .arg(QString::fromStdString(formatDuration(expected)));
            EXPECT_TRUE(m_panel.percentileText().split('\n').contains(listed))
                << listed.toStdString() << "\n"
                << m_panel.percentileText().toStdString();
        }
    }
}

TEST_F(LatencyChartTest, TimeRangeKeepsTheInstancesStartingInIt) {
    // Both ends on an instance: the first is kept, the last not.
    const uint64_t from = m_data->start[3000], to = m_data->start[9000];
    m_panel.setTimeRange(from, to);
    auto kept = [&](size_t i) { return m_data->start[i] >= from && m_data->start[i] < to; };
    uint64_t keptCount = 0;
    std::vector<uint64_t> keptLatencies;
    for (size_t i = 0; i < m_data->size(); ++i) {
        if (kept(i)) keptLatencies.push_back(m_data->latency[i]);
    }
    keptCount = keptLatencies.size();
    EXPECT_EQ(keptCount, 6000u);
    EXPECT_EQ(bins().stats.count, keptCount);
    EXPECT_EQ(bins().stats.p99, nearestRank(keptLatencies, 990));
    for (size_t b = 0; b < bins().buckets(); ++b) {
        EXPECT_EQ(bins().layers.front().counts[b],
                  countIn(*m_data, bins().edges[b], bins().edges[b + 1], kept));
    }
    m_panel.setTimeRange(5, 5);
    EXPECT_EQ(bins().stats.count, m_data->size());
}

TEST_F(LatencyChartTest, DragEmitsTheEdgesOfTheBucketsUnderIt) {
    QSignalSpy brushed(&m_panel, &LatencyChartPanel::brushed);
    QSignalSpy cleared(&m_panel, &LatencyChartPanel::brushCleared);
    for (bool log : {true, false}) {
        m_panel.setLogLatencyAxis(log);
        brushed.clear();
        drag(3.5, 7.4);
        ASSERT_EQ(brushed.size(), 1);
        EXPECT_EQ(brushed[0][0].toULongLong(), bins().edges[3]);
        EXPECT_EQ(brushed[0][1].toULongLong(), bins().edges[8]);
        // The shade covers the same buckets.
        auto* shade = qobject_cast<QAreaSeries*>(chart()->series().back());
        ASSERT_TRUE(shade);
        ASSERT_EQ(shade->upperSeries()->count(), 2);
        EXPECT_EQ(shade->upperSeries()->at(0).x(), 3.0);
        EXPECT_EQ(shade->upperSeries()->at(1).x(), 8.0);
        // Right to left, from inside the bucket's bar to the gap before the next.
        drag(12.5, 9.02);
        ASSERT_EQ(brushed.size(), 2);
        EXPECT_EQ(brushed[1][0].toULongLong(), bins().edges[9]);
        EXPECT_EQ(brushed[1][1].toULongLong(), bins().edges[13]);
        const int clearedBefore = int(cleared.size());
        mouse(QEvent::MouseButtonPress, viewPoint(5.5), Qt::LeftButton);
        mouse(QEvent::MouseButtonRelease, viewPoint(5.5), Qt::NoButton);
        EXPECT_EQ(cleared.size(), clearedBefore + 1);
        EXPECT_EQ(brushed.size(), 2);
        EXPECT_EQ(shade = qobject_cast<QAreaSeries*>(chart()->series().back()),
                  chart()->series().back());
        EXPECT_EQ(shade->upperSeries()->count(), 0);
    }
    // New buckets clear a brush; a log count axis keeps them, and the brush.
    drag(2.5, 4.5);
    const int clearedBefore = int(cleared.size());
    m_panel.setLogCountAxis(true);
    EXPECT_EQ(cleared.size(), clearedBefore);
    m_panel.setLogLatencyAxis(true);
    EXPECT_EQ(cleared.size(), clearedBefore + 1);
}

TEST_F(LatencyChartTest, PngIsTheChartAsDrawnWithTheBrushShaded) {
    drag(4.5, 6.5);
    const QString path =
        QString::fromStdString(test::tempDir("latency_chart")) + QStringLiteral("/brushed.png");
    ASSERT_TRUE(m_panel.exportPng(path));
    QImage image(path);
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.size(), m_panel.chartView()->size());
    // Near the top of the plot, above the bars: shaded (yellowish) over the brushed
    // buckets, white elsewhere.
    auto pixelAt = [&](double x) {
        QPoint p = viewPoint(x);
        p.setY(int(chart()->mapToScene(chart()->plotArea().topLeft()).y()) + 40);
        return image.pixelColor(p);
    };
    for (double x : {4.5, 5.5, 6.5}) {
        const QColor c = pixelAt(x);
        EXPECT_GT(c.red(), c.blue() + 30) << x;
    }
    for (double x : {2.5, 8.5}) {
        const QColor c = pixelAt(x);
        EXPECT_EQ(c.red(), c.blue()) << x;
    }
}

TEST_F(LatencyChartTest, HoverSaysTheBucketItsCountAndEachLayers) {
    m_panel.setBreakdownField(LatencyField::Cpu);
    m_panel.setBreakdown(Breakdown::Stacked);
    const size_t b = 6;
    const auto& e = bins().edges;
    mouse(QEvent::MouseMove, viewPoint(double(b) + 0.5), Qt::NoButton);
    const QStringList lines = QToolTip::text().split('\n');
    ASSERT_GE(lines.size(), 2) << QToolTip::text().toStdString();
    EXPECT_EQ(lines[0],
              QString::fromStdString(formatDuration(e[b]) + " \u2013 " + formatDuration(e[b + 1])));
    const uint64_t n = countIn(*m_data, e[b], e[b + 1], all);
    EXPECT_TRUE(lines[1].startsWith(QStringLiteral("this: %1 (").arg(n))) << lines[1].toStdString();
    for (uint16_t cpu = 0; cpu < 4; ++cpu) {
        const uint64_t own =
            countIn(*m_data, e[b], e[b + 1], [&](size_t i) { return m_data->startCpu[i] == cpu; });
        EXPECT_TRUE(lines.contains(QStringLiteral("  CPU %1: %2").arg(cpu).arg(own))) << cpu;
    }
}

TEST_F(LatencyChartTest, StacksAreTheTopTasksAndOtherAndSumToTheTotal) {
    m_panel.setBreakdownField(LatencyField::Task);
    m_panel.setBreakdown(Breakdown::Stacked);
    std::map<int32_t, uint64_t> perTask;
    for (int32_t pid : m_data->pid) ++perTask[pid];
    std::vector<std::pair<uint64_t, int32_t>> order;
    for (auto [pid, n] : perTask) order.emplace_back(n, -pid);  // most, then lowest pid
    std::sort(order.rbegin(), order.rend());
    ASSERT_GT(order.size(), 8u);
    const auto& layers = bins().layers;
    ASSERT_EQ(layers.size(), 9u);
    for (size_t l = 0; l < 8; ++l) EXPECT_EQ(int32_t(layers[l].item), -order[l].second) << l;
    EXPECT_TRUE(layers[8].other);
    auto inTop = [&](size_t i) {
        for (size_t l = 0; l < 8; ++l) {
            if (m_data->pid[i] == int32_t(layers[l].item)) return true;
        }
        return false;
    };
    const auto& e = bins().edges;
    for (size_t b = 0; b < bins().buckets(); ++b) {
        EXPECT_EQ(bins().total(b), countIn(*m_data, e[b], e[b + 1], all)) << b;
        for (size_t l = 0; l < 8; ++l) {
            const auto pid = int32_t(layers[l].item);
            EXPECT_EQ(layers[l].counts[b], countIn(*m_data, e[b], e[b + 1], [&](size_t i) {
                          return m_data->pid[i] == pid;
                      }));
        }
        EXPECT_EQ(layers[8].counts[b],
                  countIn(*m_data, e[b], e[b + 1], [&](size_t i) { return !inTop(i); }));
    }
    // One task alone: its instances, and its percentiles.
    const int32_t pid = -order[2].second;
    m_panel.setBreakdown(Breakdown::One, uint32_t(pid));
    ASSERT_EQ(bins().layers.size(), 1u);
    std::vector<uint64_t> own;
    for (size_t i = 0; i < m_data->size(); ++i) {
        if (m_data->pid[i] == pid) own.push_back(m_data->latency[i]);
    }
    EXPECT_EQ(bins().stats.count, own.size());
    EXPECT_EQ(bins().stats.p90, nearestRank(own, 900));
    for (size_t b = 0; b < bins().buckets(); ++b) {
        EXPECT_EQ(bins().layers[0].counts[b], countIn(*m_data, e[b], e[b + 1], [&](size_t i) {
                      return m_data->pid[i] == pid;
                  }));
    }
}

TEST_F(LatencyChartTest, CsvRowsAreTheBucketsWithEachSeriesCount) {
    auto other = makeLatencies(3000, 11);
    m_panel.setComparison(other, QStringLiteral("before"));
    m_panel.setBreakdownField(LatencyField::Cpu);
    m_panel.setBreakdown(Breakdown::Stacked);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("h.csv"));
    ASSERT_TRUE(m_panel.exportCsv(path));
    QFile f(path);
    ASSERT_TRUE(f.open(QIODevice::ReadOnly | QIODevice::Text));
    const QStringList rows = QString::fromUtf8(f.readAll()).split('\n', Qt::SkipEmptyParts);
    ASSERT_EQ(size_t(rows.size()), bins().buckets() + 1);
    // The CPUs' columns in the legend's order (most instances first), then the comparison.
    const QStringList head = rows[0].split(',');
    ASSERT_EQ(head.size(), 7);
    EXPECT_EQ(head[0], QStringLiteral("lower_ns"));
    EXPECT_EQ(head[1], QStringLiteral("upper_ns"));
    EXPECT_EQ(head[6], QStringLiteral("\"before\""));
    std::vector<int> cpuOf;
    for (int c = 2; c < 6; ++c) {
        const QString name = head[c];
        ASSERT_TRUE(name.startsWith(QStringLiteral("\"CPU "))) << name.toStdString();
        cpuOf.push_back(name.mid(5, 1).toInt());
    }
    // The buckets cover both traces: every instance of each is in a row.
    uint64_t mainSum = 0, otherSum = 0;
    for (int r = 1; r < rows.size(); ++r) {
        const QStringList cells = rows[r].split(',');
        ASSERT_EQ(cells.size(), 7);
        const uint64_t low = cells[0].toULongLong(), high = cells[1].toULongLong();
        for (size_t c = 0; c < 4; ++c) {
            const int cpu = cpuOf[c];
            const uint64_t n =
                countIn(*m_data, low, high, [&](size_t i) { return m_data->startCpu[i] == cpu; });
            EXPECT_EQ(cells[int(2 + c)].toULongLong(), n) << r << " cpu " << cpu;
            mainSum += n;
        }
        const uint64_t n = countIn(*other, low, high, all);
        EXPECT_EQ(cells[6].toULongLong(), n) << r;
        otherSum += n;
    }
    EXPECT_EQ(mainSum, m_data->size());
    EXPECT_EQ(otherSum, other->size());
}

TEST_F(LatencyChartTest, ComparisonListsBothPercentilesAndTheChange) {
    // Ten instances of 1..10 ms here, ten of 0.5..5 ms there: every percentile halves.
    auto mine = std::make_shared<Latencies>();
    auto theirs = std::make_shared<Latencies>();
    for (uint64_t i = 1; i <= 10; ++i) {
        mine->add(i * 100, i * 100 + i * 1000000, 1, 0, 0, 0);
        theirs->add(i * 100, i * 100 + i * 500000, 1, 0, 0, 0);
    }
    m_panel.setLatencies(mine, QStringLiteral("after"));
    m_panel.setComparison(theirs, QStringLiteral("before"));
    const QStringList lines = m_panel.percentileText().split('\n');
    auto line = [&](const QString& head) {
        for (const QString& l : lines) {
            if (l.startsWith(head + ' ')) return l.simplified();
        }
        return QString();
    };
    EXPECT_EQ(line(QStringLiteral("p90")), QStringLiteral("p90 9 ms 4.5 ms -50%"));
    EXPECT_EQ(line(QStringLiteral("max")), QStringLiteral("max 10 ms 5 ms -50%"));
    EXPECT_EQ(line(QStringLiteral("count")), QStringLiteral("count 10 10 +0%"));
    // The comparison's lines are drawn too: two of each.
    EXPECT_EQ(seriesNamed<QLineSeries>(QStringLiteral("p50")).size(), 2u);
    m_panel.setComparison(nullptr, QString());
    EXPECT_EQ(seriesNamed<QLineSeries>(QStringLiteral("p50")).size(), 1u);
}

// A result of a million instances or more is counted on a thread of its own: until the
// count lands the panel says so, then its buckets are the loop's; a newer result given
// while a count runs wins.
TEST(LatencyChartBig, AMillionInstancesAreCountedOffTheUiThread) {
    auto first = makeLatencies(1'100'000, 3);
    auto second = makeLatencies(1'050'000, 5);
    LatencyChartPanel panel;
    panel.resize(1000, 500);
    panel.show();
    panel.setLatencies(first, QStringLiteral("first"));
    EXPECT_TRUE(panel.counting());
    panel.setLatencies(second, QStringLiteral("second"));
    for (int i = 0; i < 2000 && panel.counting(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        QApplication::processEvents();
    }
    ASSERT_FALSE(panel.counting());
    const LatencyBins& b = panel.histogram().main;
    ASSERT_GT(b.buckets(), 10u);
    uint64_t sum = 0;
    for (size_t k = 0; k < b.buckets(); ++k) {
        const uint64_t expected = countIn(*second, b.edges[k], b.edges[k + 1], all);
        EXPECT_EQ(b.layers.front().counts[k], expected) << k;
        sum += expected;
    }
    EXPECT_EQ(sum, second->size());
    EXPECT_EQ(b.stats.count, second->size());
}

}  // namespace
}  // namespace kestrel
