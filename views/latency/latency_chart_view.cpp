#include "latency/latency_chart_view.h"

#include <QMouseEvent>

namespace kestrel {
namespace {

// Pixels a press must move before it is a drag and no longer a click.
constexpr int kDragPx = 4;

}  // namespace

LatencyChartView::LatencyChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent) {
    setMouseTracking(true);  // hover tooltips
}

double LatencyChartView::valueAt(QPoint pos) const {
    const QPointF inChart = chart()->mapFromScene(mapToScene(pos));
    return chart()->mapToValue(inChart).x();
}

void LatencyChartView::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton) return QChartView::mousePressEvent(event);
    m_pressed = true;
    m_dragged = false;
    m_pressPos = event->position().toPoint();
    event->accept();
}

void LatencyChartView::mouseMoveEvent(QMouseEvent* event) {
    if (!m_pressed) {
        const QPoint pos = event->position().toPoint();
        const QPointF inChart = chart()->mapFromScene(mapToScene(pos));
        if (chart()->plotArea().contains(inChart)) {
            emit hovering(valueAt(pos), event->globalPosition().toPoint());
        }
        return QChartView::mouseMoveEvent(event);
    }
    const QPoint pos = event->position().toPoint();
    if (!m_dragged && std::abs(pos.x() - m_pressPos.x()) < kDragPx) return;
    m_dragged = true;
    emit dragging(valueAt(m_pressPos), valueAt(pos));
    event->accept();
}

void LatencyChartView::mouseReleaseEvent(QMouseEvent* event) {
    if (!m_pressed || event->button() != Qt::LeftButton) {
        return QChartView::mouseReleaseEvent(event);
    }
    m_pressed = false;
    const QPoint pos = event->position().toPoint();
    if (!m_dragged && std::abs(pos.x() - m_pressPos.x()) >= kDragPx) m_dragged = true;
    if (m_dragged) {
        emit dragFinished(valueAt(m_pressPos), valueAt(pos));
    } else {
        emit clicked();
    }
    event->accept();
}

}  // namespace kestrel
