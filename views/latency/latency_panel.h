#pragma once
// The "Latency" tab: a kind chooser (the kinds the trace lacks events for are disabled,
// their tooltip says why), a form for a custom pair of events, the histogram of the
// result (LatencyChartPanel: a brush on it lists the instances in the brushed range), the scatter
// of latency over time, and a table of instances: the N worst, or those whose latency lies in the
// range brushed on the histogram. A time range (the timeline's selection) restricts all of them.
// The panel runs nothing itself: it asks for a run (runRequested) and is given the result; choosing
// an instance emits instanceChosen.
#include <QStringList>
#include <QVariantList>
#include <QWidget>
#include <array>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "analysis/latency.h"

class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QSplitter;
class QTableView;

namespace kestrel {

class LatencyChartPanel;
class LatencyInstanceModel;
class LatencyScatter;

constexpr size_t kLatencyKinds = size_t(LatencyKind::Pair) + 1;

class LatencyPanel : public QWidget {
    Q_OBJECT
public:
    explicit LatencyPanel(QWidget* parent = nullptr);

    // Per kind, why the trace cannot give it ("" when it can).
    void setAvailability(const std::array<QString, kLatencyKinds>& reasons);
    bool available(LatencyKind kind) const;
    void setKind(LatencyKind kind);  // chooses it; runRequested follows for all but Pair
    LatencyKind kind() const;
    // What to run: the chosen kind, with the pair form's events, matches and filters.
    LatencyRequest request() const;
    void setPairForm(const LatencyRequest& pair);
    void setEventNames(const QStringList& names);  // the pair form's choices, "sys:name"
    // The custom pairs run so far, in the form the session keeps (TimelineState).
    void setSavedPairs(const QVariantList& pairs);
    const QVariantList& savedPairs() const { return m_pairs; }

    void setRunning(bool running, const QString& what = {});
    void setError(const QString& message);
    void setNames(std::function<QString(int32_t)> taskName, QStringList cpuNames);
    // `whole`: the percentiles of every instance, when computed with the analysis.
    void setLatencies(std::shared_ptr<const Latencies> latencies, const QString& label,
                      std::optional<LatencyPercentiles> whole = std::nullopt);
    std::shared_ptr<const Latencies> latencies() const { return m_latencies; }
    // Another trace's latencies of the same kind over the histogram (null: none).
    void setComparison(std::shared_ptr<const Latencies> other, const QString& label);
    void setTraceRange(uint64_t from, uint64_t to);  // the scatter's time axis
    // The time range that restricts what is shown ([from, to); from == to: the whole trace).
    void setTimeRange(uint64_t from, uint64_t to);
    void setWorstCount(int n);
    // The table lists the instances with latency in [low, high) (brushing), or the worst.
    void showBetween(uint64_t low, uint64_t high);
    void showWorst();
    bool showingWorst() const { return !m_brush; }

    QString summaryText() const;  // the line above the table
    QString titleText() const;    // what is shown, of which file(s), in which range
    LatencyInstanceModel* instanceModel() const { return m_instances; }
    QTableView* instanceTable() const { return m_table; }
    LatencyScatter* scatter() const { return m_scatter; }
    QComboBox* kindBox() const { return m_kind; }
    QPushButton* runButton() const { return m_run; }
    LatencyChartPanel* chart() const { return m_chart; }

    static QVariantMap pairToVariant(const LatencyRequest& pair);
    static LatencyRequest pairFromVariant(const QVariantMap& map);

signals:
    void runRequested();
    void instanceChosen(uint32_t instance);
    void savedPairsChanged(const QVariantList& pairs);

protected:
    void resizeEvent(QResizeEvent* e) override;

private:
    QWidget* makePairForm();
    void kindChosen();
    void requestRun();
    void fillTable();
    void updateTitle();
    void savedPairChosen(int index);
    void rememberPair(const LatencyRequest& pair);

    QComboBox* m_kind;
    QPushButton* m_run;
    QSpinBox* m_worstCount;
    QLabel* m_title;
    QLabel* m_summary;
    QWidget* m_pairForm;
    QComboBox* m_saved;
    QComboBox* m_startEvent;
    QComboBox* m_endEvent;
    QLineEdit* m_match;
    QLineEdit* m_startFilter;
    QLineEdit* m_endFilter;
    LatencyChartPanel* m_chart;
    LatencyScatter* m_scatter;
    QTableView* m_table;
    LatencyInstanceModel* m_instances;
    std::array<QString, kLatencyKinds> m_reasons;
    QVariantList m_pairs;
    std::shared_ptr<const Latencies> m_latencies;
    QString m_label;
    QString m_comparisonLabel;
    uint64_t m_from = 0, m_to = 0;
    uint64_t m_traceFrom = 0, m_traceTo = 0;
    std::optional<std::pair<uint64_t, uint64_t>> m_brush;
    bool m_running = false;
    bool m_sized = false;
    QSplitter* m_split = nullptr;
};

}  // namespace kestrel
