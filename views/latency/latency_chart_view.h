#pragma once
// The chart view of LatencyChartPanel: a press-drag-release across the plot reports the
// dragged span in the latency axis' values, a click without a drag reports a click.
#include <QChartView>
#include <QPoint>

namespace kestrel {

class LatencyChartView : public QChartView {
    Q_OBJECT
public:
    explicit LatencyChartView(QChart* chart, QWidget* parent = nullptr);

signals:
    // x0 where the drag began, x1 where it is now; in the latency axis' values.
    void dragging(double x0, double x1);
    void dragFinished(double x0, double x1);
    void clicked();
    // The pointer moved with no button down, over value x of the latency axis.
    void hovering(double x, QPoint globalPos);

protected:
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;

private:
    double valueAt(QPoint pos) const;

    bool m_pressed = false;
    bool m_dragged = false;
    QPoint m_pressPos;
};

}  // namespace kestrel
