#include "latency/latency_chart_panel.h"

#include <QAreaSeries>
#include <QCategoryAxis>
#include <QChart>
#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QFile>
#include <QFileDialog>
#include <QFontDatabase>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QHBoxLayout>
#include <QLabel>
#include <QLegendMarker>
#include <QLineSeries>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QTextStream>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>
#include <optional>

#include "jobs/background_pass.h"
#include "latency/latency_chart_axes.h"
#include "latency/latency_chart_view.h"
#include "timeline/time_scale.h"
#include "timeline/track_colors.h"

namespace kestrel {
namespace {

// Results this big (with the comparison's) are counted off the UI thread: about 10 ms of a
// core per million instances, more with the percentiles.
constexpr size_t kCountInBackground = 1'000'000;

const QColor kBarColor(70, 130, 180);
const QColor kOtherColor(170, 170, 170);
const QColor kComparisonColor(20, 20, 20);
const QColor kPercentileColor(175, 30, 30);
const QColor kBrushColor(255, 190, 0, 80);
constexpr double kBarGap = 0.06;  // of a bucket, so that neighbouring bars stay apart
constexpr int kLegendChars = 28;
constexpr size_t kChooserItems = 40;

// The percentiles drawn and listed, with how a line names them.
struct Mark {
    const char* name;
    uint64_t LatencyPercentiles::*value;
};
const Mark kMarks[] = {{"p50", &LatencyPercentiles::p50},
                       {"p90", &LatencyPercentiles::p90},
                       {"p99", &LatencyPercentiles::p99},
                       {"p99.9", &LatencyPercentiles::p999},
                       {"max", &LatencyPercentiles::max}};

QString duration(uint64_t ns) {
    return QString::fromStdString(formatDuration(ns));
}

void hideFromLegend(QChart* chart, QAbstractSeries* series) {
    for (QLegendMarker* m : chart->legend()->markers(series)) m->setVisible(false);
}

}  // namespace

struct LatencyChartPanel::State {
    LatencyChartPanel* panel = nullptr;
    std::shared_ptr<const Latencies> data, comparison;
    QString label, comparisonLabel;
    LatencyBinOptions options;
    bool logCount = false;
    bool scaleComparison = true;
    std::function<QString(int32_t)> taskNamer;
    LatencyChartData bins;
    // The percentiles, with what selected their instances (range, one item, field, item).
    std::optional<std::pair<std::vector<uint64_t>, LatencyPercentiles>> statsCache;
    std::optional<LatencyPercentiles> comparisonCache;
    BackgroundPass* pass = nullptr;  // counts big results off the UI thread
    uint64_t generation = 0;         // of the inputs: a count of older ones is dropped
    uint64_t shown = 0;              // the generation the chart shows
    // The brushed buckets [brushFirst, brushLast], when brushOn.
    bool brushOn = false;
    size_t brushFirst = 0, brushLast = 0;

    QChart* chart = nullptr;
    LatencyChartView* view = nullptr;
    QLabel* list = nullptr;
    QCheckBox* logLatencyBox = nullptr;
    QCheckBox* logCountBox = nullptr;
    QCheckBox* scaleBox = nullptr;
    QComboBox* fieldBox = nullptr;
    QComboBox* itemBox = nullptr;
    QComboBox* upToBox = nullptr;
    QAreaSeries* brushSeries = nullptr;
    // Percentile labels: (series the line is, its text item), placed on plotAreaChanged.
    std::vector<std::pair<QLineSeries*, QGraphicsItem*>> labels;
    double top = 1;  // the count axis' top, in heights

    QString itemName(uint32_t item) const;
    QColor itemColor(uint32_t item) const;
    QString layerName(const LatencyLayer& layer) const;
    const LatencyPercentiles& mainStats();
    const LatencyPercentiles& comparisonStats();
    void rebin();
    void binInBackground();
    void showBins();
    void redraw();
    void addBars(const LatencyBins& bins);
    void addComparison();
    void addAxes();
    void addPercentiles(const LatencyPercentiles& stats, bool comparisonLines);
    void addBrush();
    void showBrush();
    void placeLabels();
    void updateList();
    void fillFields();
    void syncControls();
    void chooseField(int index);
    void chooseItem(int index);
    void exportAs(bool png);
    size_t bucketAt(double x) const;
};

QString LatencyChartPanel::State::itemName(uint32_t item) const {
    switch (options.field) {
        case LatencyField::Key:
            return QString::fromStdString(data->keyName(item));
        case LatencyField::Task:
            return taskNamer ? taskNamer(int32_t(item))
                             : QStringLiteral("pid %1").arg(int32_t(item));
        case LatencyField::Cpu:
            return QStringLiteral("CPU %1").arg(item);
    }
    return {};
}

// Tasks keep the timeline's colours. Keys (functions, syscalls, IRQs...) take the
// timeline's hue spread over a hash of their name, so that a key keeps its colour across
// traces: the flame chart's warm function colours were too alike to tell eight stacked
// layers apart. CPUs spread over their number.
QColor LatencyChartPanel::State::itemColor(uint32_t item) const {
    if (options.field != LatencyField::Key) return taskColor(int(item));
    uint32_t hash = 2166136261u;  // FNV-1a: the same on every run, unlike qHash
    for (char c : itemName(item).toUtf8()) hash = (hash ^ uint8_t(c)) * 16777619u;
    return taskColor(int(hash % 100003u));
}

QString LatencyChartPanel::State::layerName(const LatencyLayer& layer) const {
    QString name = layer.all ? label : layer.other ? QStringLiteral("other") : itemName(layer.item);
    if (name.size() > kLegendChars) name = name.left(kLegendChars - 1) + QChar(0x2026);
    return name;
}

const LatencyPercentiles& LatencyChartPanel::State::mainStats() {
    std::vector<uint64_t> key{options.from, options.to, options.oneItem, uint64_t(options.field),
                              options.item};
    if (!statsCache || statsCache->first != key) {
        statsCache.emplace(std::move(key), latencyStats(*data, options));
    }
    return statsCache->second;
}

const LatencyPercentiles& LatencyChartPanel::State::comparisonStats() {
    if (!comparisonCache) {
        comparisonCache = comparison ? latencyStats(*comparison, {}) : LatencyPercentiles{};
    }
    return *comparisonCache;
}

void LatencyChartPanel::State::rebin() {
    ++generation;  // a count still running for older inputs is dropped when it ends
    // New buckets: the brushed edges may be no edges any more.
    if (brushOn) {
        brushOn = false;
        emit panel->brushCleared();
    }
    if (data && data->size() + (comparison ? comparison->size() : 0) >= kCountInBackground)
        return binInBackground();
    if (!data) {
        bins = {};
    } else {
        bins = buildLatencyChart(*data, mainStats(), comparison.get(), comparisonStats(), options);
    }
    showBins();
}

void LatencyChartPanel::State::showBins() {
    shown = generation;
    redraw();
    updateList();
}

// Millions of instances are counted (and their percentiles selected, unless known) on a
// pass thread; the chart keeps the last picture until the new counts arrive.
void LatencyChartPanel::State::binInBackground() {
    std::vector<uint64_t> key{options.from, options.to, options.oneItem, uint64_t(options.field),
                              options.item};
    std::optional<LatencyPercentiles> known;
    if (statsCache && statsCache->first == key) known = statsCache->second;
    struct Job {
        LatencyPercentiles stats, comparisonStats;
        LatencyChartData bins;
    };
    auto job = std::make_shared<Job>();
    job->comparisonStats = comparisonCache.value_or(LatencyPercentiles{});
    const bool compare = comparison && !comparisonCache;
    pass->start(
        [job, data = data, comparison = comparison, options = options, known, compare](Progress&) {
            job->stats = known ? *known : latencyStats(*data, options);
            if (compare) job->comparisonStats = latencyStats(*comparison, {});
            job->bins = buildLatencyChart(*data, job->stats, comparison.get(), job->comparisonStats,
                                          options);
        },
        [this, job, key, gen = generation] {
            if (gen != generation) return;
            statsCache.emplace(key, job->stats);
            if (comparison) comparisonCache = job->comparisonStats;
            bins = std::move(job->bins);
            showBins();
        });
}

void LatencyChartPanel::State::redraw() {
    // The labels are the chart's children: removing the series leaves them.
    for (auto& [line, box] : labels) delete box;
    labels.clear();
    brushSeries = nullptr;
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    if (bins.main.buckets() == 0) return;
    addBars(bins.main);
    addComparison();
    addAxes();
    addPercentiles(bins.main.stats, false);
    if (bins.hasComparison) addPercentiles(bins.comparison.stats, true);
    addBrush();
    placeLabels();
}

void LatencyChartPanel::State::addBars(const LatencyBins& b) {
    std::vector<uint64_t> below(b.buckets(), 0);
    for (const LatencyLayer& layer : b.layers) {
        auto* upper = new QLineSeries;
        auto* lower = new QLineSeries;
        for (size_t i = 0; i < b.buckets(); ++i) {
            const double y0 = countHeight(double(below[i]), logCount);
            const double y1 = countHeight(double(below[i] + layer.counts[i]), logCount);
            const double x0 = double(i) + kBarGap, x1 = double(i + 1) - kBarGap;
            upper->append({{x0, y0}, {x0, y1}, {x1, y1}, {x1, y0}});
            lower->append({{x0, y0}, {x0, y0}, {x1, y0}, {x1, y0}});
            below[i] += layer.counts[i];
        }
        auto* area = new QAreaSeries(upper, lower);
        upper->setParent(area);  // an area series does not own its lines
        lower->setParent(area);
        area->setName(layerName(layer));
        const QColor color = layer.all     ? kBarColor
                             : layer.other ? kOtherColor
                                           : itemColor(layer.item);
        area->setBrush(color);
        // No outline: between buckets it would join the tops of different heights.
        area->setPen(Qt::NoPen);
        chart->addSeries(area);
    }
    double highest = 0;
    for (uint64_t n : below) highest = std::max(highest, double(n));
    top = highest;
}

void LatencyChartPanel::State::addComparison() {
    if (!bins.hasComparison) return;
    const LatencyBins& c = bins.comparison;
    const double mainCount = double(bins.main.stats.count);
    const double otherCount = double(c.stats.count);
    const double scale =
        scaleComparison && otherCount > 0 && mainCount > 0 ? mainCount / otherCount : 1.0;
    auto* line = new QLineSeries;
    line->append(0, countFloor(logCount));
    for (size_t i = 0; i < c.buckets(); ++i) {
        const double n = double(c.layers.front().counts[i]) * scale;
        const double y = countHeight(n, logCount);
        line->append(double(i), y);
        line->append(double(i + 1), y);
        top = std::max(top, n);
    }
    line->append(double(c.buckets()), countFloor(logCount));
    QString name = comparisonLabel;
    if (scale != 1.0) name += QStringLiteral(" (\u00d7%1)").arg(scale, 0, 'g', 3);
    line->setName(name);
    line->setPen(QPen(kComparisonColor, 2));
    chart->addSeries(line);
}

void LatencyChartPanel::State::addAxes() {
    auto* x = new QCategoryAxis;
    x->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    x->setRange(0, double(bins.main.buckets()));
    x->setStartValue(0);
    for (const auto& [pos, text] : latencyTicks(bins.main.edges, options.logLatency)) {
        x->append(QString::fromStdString(text), pos);
    }
    x->setTitleText(options.logLatency ? QStringLiteral("latency (log, power-of-two buckets)")
                                       : QStringLiteral("latency"));
    auto* y = new QCategoryAxis;
    y->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    // Headroom above the tallest bar for the percentile labels.
    const auto ticks = countTicks(logCount ? top * 4 : top * 1.3, logCount);
    y->setStartValue(countFloor(logCount));
    for (const auto& [pos, text] : ticks) y->append(QString::fromStdString(text), pos);
    y->setRange(countFloor(logCount), ticks.back().first);
    y->setTitleText(logCount ? QStringLiteral("instances (log)") : QStringLiteral("instances"));
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    for (QAbstractSeries* s : chart->series()) {
        s->attachAxis(x);
        s->attachAxis(y);
    }
}

void LatencyChartPanel::State::addPercentiles(const LatencyPercentiles& stats,
                                              bool comparisonLines) {
    if (stats.count == 0) return;
    QAbstractAxis* x = chart->axes(Qt::Horizontal).front();
    QAbstractAxis* y = chart->axes(Qt::Vertical).front();
    const auto* yAxis = static_cast<QCategoryAxis*>(y);
    for (const Mark& m : kMarks) {
        if (stats.*m.value >= bins.main.edges.back()) continue;  // beyond LatencyUpTo's end
        const double pos = latencyPosition(bins.main.edges, options.logLatency, stats.*m.value);
        auto* line = new QLineSeries;
        line->setName(QString::fromLatin1(m.name));
        line->append(pos, yAxis->min());
        line->append(pos, yAxis->max());
        const QColor color = comparisonLines ? kComparisonColor : kPercentileColor;
        line->setPen(QPen(color, 1, comparisonLines ? Qt::DashLine : Qt::SolidLine));
        line->setProperty("comparison", comparisonLines);
        chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        hideFromLegend(chart, line);

        auto* box = new QGraphicsRectItem(chart);
        auto* text = new QGraphicsSimpleTextItem(QString::fromLatin1(m.name), box);
        text->setBrush(color);
        QFont font = text->font();
        font.setPointSizeF(font.pointSizeF() * 0.85);
        text->setFont(font);
        const QRectF r = text->boundingRect().adjusted(-2, 0, 2, 0);
        text->setPos(2, 0);
        box->setRect(0, 0, r.width(), r.height());
        box->setBrush(QColor(255, 255, 255, 210));
        box->setPen(Qt::NoPen);
        box->setZValue(10);
        labels.emplace_back(line, box);
    }
}

void LatencyChartPanel::State::addBrush() {
    auto* upper = new QLineSeries;
    auto* lower = new QLineSeries;
    brushSeries = new QAreaSeries(upper, lower);
    upper->setParent(brushSeries);  // an area series does not own its lines
    lower->setParent(brushSeries);
    brushSeries->setBrush(kBrushColor);
    brushSeries->setPen(QPen(kBrushColor.darker(150), 1));
    chart->addSeries(brushSeries);
    brushSeries->attachAxis(chart->axes(Qt::Horizontal).front());
    brushSeries->attachAxis(chart->axes(Qt::Vertical).front());
    hideFromLegend(chart, brushSeries);
    showBrush();
}

// Only the shade's four points change while a drag goes on: nothing else is rebuilt.
void LatencyChartPanel::State::showBrush() {
    if (!brushSeries) return;
    const auto* y = static_cast<QCategoryAxis*>(chart->axes(Qt::Vertical).front());
    const double x0 = double(brushFirst), x1 = double(brushLast + 1);
    QList<QPointF> top, bottom;
    if (brushOn) {
        top = {{x0, y->max()}, {x1, y->max()}};
        bottom = {{x0, y->min()}, {x1, y->min()}};
    }
    brushSeries->upperSeries()->replace(top);
    brushSeries->lowerSeries()->replace(bottom);
}

// Labels at the top of their lines, each in the first row where it overlaps no other;
// the comparison's in rows of their own below the main trace's.
void LatencyChartPanel::State::placeLabels() {
    std::vector<std::vector<QRectF>> rows;
    for (bool comparisonLines : {false, true}) {
        const size_t firstRow = rows.size();
        for (auto& [line, box] : labels) {
            if (line->property("comparison").toBool() != comparisonLines) continue;
            const QPointF at = chart->mapToPosition(line->at(1), line);
            QRectF r = box->boundingRect();
            size_t row = firstRow;
            for (;; ++row) {
                if (row == rows.size()) rows.emplace_back();
                r.moveTo(at.x() - r.width() / 2, at.y() + 2 + double(row) * r.height());
                const bool free = std::none_of(rows[row].begin(), rows[row].end(),
                                               [&](const QRectF& o) { return o.intersects(r); });
                if (free) break;
            }
            rows[row].push_back(r);
            box->setPos(r.topLeft());
        }
    }
}

size_t LatencyChartPanel::State::bucketAt(double x) const {
    const double last = double(bins.main.buckets() - 1);
    return size_t(std::clamp(std::floor(x), 0.0, last));
}

void LatencyChartPanel::State::updateList() {
    list->setText(panel->percentileText());
}

// The fields the data offers, and the state's choice in them.
void LatencyChartPanel::State::fillFields() {
    QSignalBlocker block(fieldBox);
    fieldBox->clear();
    fieldBox->addItem(QStringLiteral("nothing"), -1);
    if (data) {
        if (const char* title = latencyKeyTitle(data->kind)) {
            fieldBox->addItem(QString::fromLatin1(title), int(LatencyField::Key));
        }
    }
    fieldBox->addItem(QStringLiteral("task"), int(LatencyField::Task));
    fieldBox->addItem(QStringLiteral("CPU"), int(LatencyField::Cpu));
}

// The chooser of stacked or one item: the items with the most instances, most first.
void LatencyChartPanel::State::syncControls() {
    const bool broken = options.stacked || options.oneItem;
    {
        QSignalBlocker block(fieldBox);
        const int at = broken ? fieldBox->findData(int(options.field)) : 0;
        fieldBox->setCurrentIndex(std::max(at, 0));
    }
    QSignalBlocker blockItems(itemBox);
    itemBox->clear();
    itemBox->setVisible(broken && data);
    if (!broken || !data) return;
    itemBox->addItem(QStringLiteral("top %1 stacked").arg(options.topItems), -1);
    for (auto [item, n] : latencyTopItems(*data, options, kChooserItems)) {
        QString name = itemName(item);
        if (name.size() > kLegendChars) name = name.left(kLegendChars - 1) + QChar(0x2026);
        itemBox->addItem(QStringLiteral("only %1 (%2)").arg(name).arg(n), qlonglong(item));
    }
    if (options.oneItem) {
        int at = itemBox->findData(qlonglong(options.item));
        if (at < 0) {
            itemBox->addItem(QStringLiteral("only %1").arg(itemName(options.item)),
                             qlonglong(options.item));
            at = itemBox->count() - 1;
        }
        itemBox->setCurrentIndex(at);
    }
}

void LatencyChartPanel::State::chooseField(int index) {
    const int field = fieldBox->itemData(index).toInt();
    options.oneItem = false;
    options.stacked = field >= 0;
    if (field >= 0) options.field = LatencyField(field);
    syncControls();
    rebin();
}

void LatencyChartPanel::State::chooseItem(int index) {
    const qlonglong item = itemBox->itemData(index).toLongLong();
    options.stacked = item < 0;
    options.oneItem = item >= 0;
    if (item >= 0) options.item = uint32_t(item);
    rebin();
}

void LatencyChartPanel::State::exportAs(bool png) {
    const QString filter =
        png ? QStringLiteral("PNG image (*.png)") : QStringLiteral("CSV table (*.csv)");
    const QString path =
        QFileDialog::getSaveFileName(panel, QStringLiteral("Export histogram"), QString(), filter);
    if (path.isEmpty()) return;
    const bool ok = png ? panel->exportPng(path) : panel->exportCsv(path);
    if (!ok) {
        QMessageBox::warning(panel, QStringLiteral("Export histogram"),
                             QStringLiteral("Could not write %1").arg(path));
    }
}

LatencyChartPanel::LatencyChartPanel(QWidget* parent)
    : QWidget(parent), m_state(std::make_unique<State>()) {
    State& s = *m_state;
    s.panel = this;
    s.pass = new BackgroundPass(this);
    s.chart = new QChart;
    s.chart->legend()->setAlignment(Qt::AlignRight);
    s.chart->setMargins(QMargins(4, 4, 4, 4));
    s.view = new LatencyChartView(s.chart, this);
    s.view->setRenderHint(QPainter::Antialiasing, false);
    s.list = new QLabel(this);
    s.list->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    s.list->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    s.list->setTextInteractionFlags(Qt::TextSelectableByMouse);

    s.logLatencyBox = new QCheckBox(QStringLiteral("Log latency"), this);
    s.logLatencyBox->setChecked(s.options.logLatency);
    s.upToBox = new QComboBox(this);
    s.upToBox->setToolTip(
        QStringLiteral("Where the even buckets end; the rest is listed as above"));
    for (const char* name : {"up to max", "up to p99.9", "up to p99", "up to p90"}) {
        s.upToBox->addItem(QString::fromLatin1(name));
    }
    s.upToBox->setVisible(!s.options.logLatency);
    s.logCountBox = new QCheckBox(QStringLiteral("Log count"), this);
    s.fieldBox = new QComboBox(this);
    s.itemBox = new QComboBox(this);
    s.itemBox->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    s.itemBox->setMinimumContentsLength(kLegendChars + 12);
    s.scaleBox = new QCheckBox(QStringLiteral("Scale comparison"), this);
    s.scaleBox->setChecked(true);
    s.scaleBox->setVisible(false);
    s.scaleBox->setToolTip(
        QStringLiteral("Draw the comparison trace as if it had as many instances as this one"));
    s.fillFields();
    s.syncControls();
    auto* exportButton = new QPushButton(QStringLiteral("Export"), this);
    auto* exportMenu = new QMenu(exportButton);
    exportMenu->addAction(QStringLiteral("Chart as PNG..."), this,
                          [this] { m_state->exportAs(true); });
    exportMenu->addAction(QStringLiteral("Buckets as CSV..."), this,
                          [this] { m_state->exportAs(false); });
    exportButton->setMenu(exportMenu);

    auto* controls = new QHBoxLayout;
    controls->addWidget(s.logLatencyBox);
    controls->addWidget(s.upToBox);
    controls->addWidget(s.logCountBox);
    controls->addWidget(new QLabel(QStringLiteral("Break down by"), this));
    controls->addWidget(s.fieldBox);
    controls->addWidget(s.itemBox);
    controls->addWidget(s.scaleBox);
    controls->addStretch(1);
    controls->addWidget(exportButton);
    auto* body = new QHBoxLayout;
    body->addWidget(s.view, 1);
    body->addWidget(s.list);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addLayout(body, 1);

    connect(s.logLatencyBox, &QCheckBox::toggled, this, &LatencyChartPanel::setLogLatencyAxis);
    connect(s.upToBox, &QComboBox::activated, this,
            [this](int i) { setLinearUpTo(LatencyUpTo(i)); });
    connect(s.logCountBox, &QCheckBox::toggled, this, &LatencyChartPanel::setLogCountAxis);
    connect(s.scaleBox, &QCheckBox::toggled, this, &LatencyChartPanel::setScaleComparison);
    connect(s.fieldBox, &QComboBox::activated, this, [this](int i) { m_state->chooseField(i); });
    connect(s.itemBox, &QComboBox::activated, this, [this](int i) { m_state->chooseItem(i); });
    connect(s.chart, &QChart::plotAreaChanged, this, [this] { m_state->placeLabels(); });
    connect(s.view, &LatencyChartView::dragging, this, [this](double x0, double x1) {
        State& st = *m_state;
        if (st.bins.main.buckets() == 0) return;
        st.brushOn = true;
        st.brushFirst = st.bucketAt(std::min(x0, x1));
        st.brushLast = st.bucketAt(std::max(x0, x1));
        st.showBrush();
    });
    connect(s.view, &LatencyChartView::dragFinished, this, [this](double x0, double x1) {
        State& st = *m_state;
        if (st.bins.main.buckets() == 0) return;
        st.brushOn = true;
        st.brushFirst = st.bucketAt(std::min(x0, x1));
        st.brushLast = st.bucketAt(std::max(x0, x1));
        st.showBrush();
        emit brushed(st.bins.main.edges[st.brushFirst], st.bins.main.edges[st.brushLast + 1]);
    });
    connect(s.view, &LatencyChartView::hovering, this, [this](double x, QPoint globalPos) {
        const LatencyChartData& b = m_state->bins;
        if (b.main.buckets() == 0 || x < 0 || x >= double(b.main.buckets())) {
            return QToolTip::hideText();
        }
        QToolTip::showText(globalPos, bucketText(m_state->bucketAt(x)), m_state->view);
    });
    connect(s.view, &LatencyChartView::clicked, this, &LatencyChartPanel::clearBrush);
}

LatencyChartPanel::~LatencyChartPanel() = default;

void LatencyChartPanel::setLatencies(std::shared_ptr<const Latencies> data, const QString& label,
                                     std::optional<LatencyPercentiles> whole) {
    m_state->data = std::move(data);
    m_state->statsCache.reset();
    const LatencyBinOptions& o = m_state->options;
    if (whole && o.from == o.to && !o.oneItem) {
        m_state->statsCache.emplace(
            std::vector<uint64_t>{o.from, o.to, o.oneItem, uint64_t(o.field), o.item}, *whole);
    }
    m_state->label = label;
    m_state->fillFields();
    m_state->syncControls();
    m_state->rebin();
}

void LatencyChartPanel::setComparison(std::shared_ptr<const Latencies> other,
                                      const QString& label) {
    m_state->comparison = std::move(other);
    m_state->comparisonCache.reset();
    m_state->scaleBox->setVisible(m_state->comparison != nullptr);
    m_state->comparisonLabel = label;
    m_state->rebin();
}

void LatencyChartPanel::setTimeRange(uint64_t from, uint64_t to) {
    m_state->options.from = from;
    m_state->options.to = to;
    m_state->syncControls();
    m_state->rebin();
}

bool LatencyChartPanel::counting() const {
    return m_state->shown != m_state->generation;
}

void LatencyChartPanel::clearBrush() {
    if (!m_state->brushOn) return;
    m_state->brushOn = false;
    m_state->showBrush();
    emit brushCleared();
}

void LatencyChartPanel::setLogLatencyAxis(bool log) {
    m_state->options.logLatency = log;
    const QSignalBlocker block(m_state->logLatencyBox);
    m_state->logLatencyBox->setChecked(log);
    m_state->upToBox->setVisible(!log);
    m_state->rebin();
}

void LatencyChartPanel::setLinearUpTo(LatencyUpTo upTo) {
    m_state->options.upTo = upTo;
    const QSignalBlocker block(m_state->upToBox);
    m_state->upToBox->setCurrentIndex(int(upTo));
    m_state->rebin();
}

void LatencyChartPanel::setLogCountAxis(bool log) {
    m_state->logCount = log;
    const QSignalBlocker block(m_state->logCountBox);
    m_state->logCountBox->setChecked(log);
    m_state->redraw();
}

void LatencyChartPanel::setBreakdown(Breakdown mode, uint32_t key) {
    m_state->options.stacked = mode == Breakdown::Stacked;
    m_state->options.oneItem = mode == Breakdown::One;
    m_state->options.item = key;
    m_state->syncControls();
    m_state->rebin();
}

void LatencyChartPanel::setBreakdownField(LatencyField field) {
    m_state->options.field = field;
    m_state->syncControls();
    m_state->rebin();
}

void LatencyChartPanel::setTaskNamer(std::function<QString(int32_t)> namer) {
    m_state->taskNamer = std::move(namer);
    m_state->redraw();
}

void LatencyChartPanel::setScaleComparison(bool scale) {
    m_state->scaleComparison = scale;
    const QSignalBlocker block(m_state->scaleBox);
    m_state->scaleBox->setChecked(scale);
    m_state->redraw();
}

const LatencyChartData& LatencyChartPanel::histogram() const {
    return m_state->bins;
}

QString LatencyChartPanel::bucketText(size_t bucket) const {
    const State& s = *m_state;
    const LatencyBins& b = s.bins.main;
    if (bucket >= b.buckets()) return {};
    const uint64_t total = b.total(bucket);
    const double share = b.stats.count ? 100.0 * double(total) / double(b.stats.count) : 0;
    QStringList lines;
    lines << QStringLiteral("%1 \u2013 %2")
                 .arg(duration(b.edges[bucket]), duration(b.edges[bucket + 1]));
    lines << QStringLiteral("%1: %2 (%3%)").arg(s.label).arg(total).arg(share, 0, 'f', 1);
    if (b.layers.size() > 1) {
        for (const LatencyLayer& layer : b.layers) {
            if (layer.counts[bucket]) {
                lines
                    << QStringLiteral("  %1: %2").arg(s.layerName(layer)).arg(layer.counts[bucket]);
            }
        }
    }
    if (s.bins.hasComparison) {
        lines << QStringLiteral("%1: %2")
                     .arg(s.comparisonLabel)
                     .arg(s.bins.comparison.layers.front().counts[bucket]);
    }
    return lines.join(QLatin1Char('\n'));
}

QString LatencyChartPanel::percentileText() const {
    const State& s = *m_state;
    const LatencyPercentiles& a = s.bins.main.stats;
    QStringList lines;
    if (!s.bins.hasComparison) {
        lines << QStringLiteral("count  %1").arg(a.count);
        for (const Mark& m : kMarks) {
            lines << QStringLiteral("%1  %2")
                         .arg(QLatin1String(m.name), -5)
                         .arg(duration(a.*m.value));
        }
        if (s.bins.main.above) {
            lines << QStringLiteral("above  %1 beyond the axis").arg(s.bins.main.above);
        }
        return lines.join(QLatin1Char('\n'));
    }
    const LatencyPercentiles& b = s.bins.comparison.stats;
    auto change = [](double from, double to) {
        if (from == 0) return QString();
        return QStringLiteral("%1%2%")
            .arg(to >= from ? "+" : "")
            .arg(std::round((to - from) / from * 100));
    };
    auto row = [](const QString& name, const QString& x, const QString& y, const QString& c) {
        return QStringLiteral("%1  %2  %3  %4").arg(name, -5).arg(x, 10).arg(y, 10).arg(c, 6);
    };
    lines << row(QString(), s.label.left(10), s.comparisonLabel.left(10), QStringLiteral("change"));
    lines << row(QStringLiteral("count"), QString::number(a.count), QString::number(b.count),
                 change(double(a.count), double(b.count)));
    for (const Mark& m : kMarks) {
        lines << row(QString::fromLatin1(m.name), duration(a.*m.value), duration(b.*m.value),
                     change(double(a.*m.value), double(b.*m.value)));
    }
    if (s.bins.main.above || s.bins.comparison.above) {
        lines << row(QStringLiteral("above"), QString::number(s.bins.main.above),
                     QString::number(s.bins.comparison.above), QString());
    }
    return lines.join(QLatin1Char('\n'));
}

bool LatencyChartPanel::exportPng(const QString& path) const {
    // The legend and plot area are laid out on a posted request: an export right after a
    // change (a script, a test) would draw without the legend.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
    return m_state->view->grab().save(path, "PNG");
}

bool LatencyChartPanel::exportCsv(const QString& path) const {
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate | QIODevice::Text)) return false;
    const State& s = *m_state;
    const LatencyBins& b = s.bins.main;
    QTextStream out(&file);
    auto quoted = [](QString text) {
        return QLatin1Char('"') + text.replace(QLatin1Char('"'), QStringLiteral("\"\"")) +
               QLatin1Char('"');
    };
    out << "lower_ns,upper_ns";
    for (const LatencyLayer& layer : b.layers) out << ',' << quoted(s.layerName(layer));
    if (s.bins.hasComparison) out << ',' << quoted(s.comparisonLabel);
    out << '\n';
    for (size_t i = 0; i < b.buckets(); ++i) {
        out << b.edges[i] << ',' << b.edges[i + 1];
        for (const LatencyLayer& layer : b.layers) out << ',' << layer.counts[i];
        if (s.bins.hasComparison) out << ',' << s.bins.comparison.layers.front().counts[i];
        out << '\n';
    }
    out.flush();
    return out.status() == QTextStream::Ok && file.error() == QFile::NoError;
}

QChartView* LatencyChartPanel::chartView() const {
    return m_state->view;
}

}  // namespace kestrel
