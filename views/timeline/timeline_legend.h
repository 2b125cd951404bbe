#pragma once
// What the timeline's colours and marks mean, in one line under it: a swatch per entry,
// painted by the very painters that draw the rows (track_painters.h) on a few made-up
// spans, so the legend cannot show a colour the rows do not use.
#include <QWidget>
#include <functional>
#include <vector>

#include "analysis/sched_timeline.h"

namespace kestrel {

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

protected:
    void paintEvent(QPaintEvent*) override;
    bool event(QEvent* e) override;  // tooltips per entry

private:
    int entryAt(QPoint pos) const;
    QRect entryRect(int entry) const;

    std::vector<Entry> m_entries;
    SchedTimeline m_sample;  // the made-up spans the swatches are painted from
};

}  // namespace kestrel
