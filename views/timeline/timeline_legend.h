#pragma once
// What the timeline's colours and marks mean, in one line under it: a swatch per entry,
// painted by the very painters that draw the rows (track_painters.h) on a few made-up
// spans, so the legend cannot show a colour the rows do not use. While the timeline shows
// calls (flame chart), the functions that cover the most of its call lanes follow, each
// in its colour.
#include <QWidget>
#include <functional>
#include <vector>

#include "analysis/sched_timeline.h"

namespace kestrel {

class TimelineView;

class TimelineLegend : public QWidget {
    Q_OBJECT
public:
    explicit TimelineLegend(QWidget* parent = nullptr);

    struct Entry {
        QString name;
        QString tip;
        // Paints the swatch into `r` (the painter's origin is the swatch's left edge).
        std::function<void(QPainter& p, const QRectF& r)> paint;
    };
    const std::vector<Entry>& entries() const { return m_entries; }
    QStringList names() const;
    QRect swatchRect(int entry) const;  // in widget coordinates
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // Lists the functions the view's call lanes show most (TimelineView::visibleFunctions)
    // after the fixed entries, and follows them as the view repaints.
    void followCalls(const TimelineView* view);

protected:
    void paintEvent(QPaintEvent*) override;
    bool event(QEvent* e) override;  // tooltips per entry

private:
    int entryAt(QPoint pos) const;
    QRect entryRect(int entry) const;

    void showFunctions(const TimelineView* view);

    std::vector<Entry> m_entries;
    size_t m_fixed = 0;      // entries before the functions
    SchedTimeline m_sample;  // the made-up spans the swatches are painted from
};

}  // namespace kestrel
