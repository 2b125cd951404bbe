#include "flame/call_chart_painter.h"

#include <algorithm>

namespace kestrel {
namespace {

constexpr double kNameMin = 36;  // narrower calls get no name (it would be "x…")
constexpr double kMarkMin = 5;   // narrower calls get no cut edge or overrun mark

QRgb mix(QRgb a, QRgb b, int bWeight) {  // bWeight in 0..256
    auto ch = [&](int x, int y) { return (x * (256 - bWeight) + y * bWeight) >> 8; };
    return qRgb(ch(qRed(a), qRed(b)), ch(qGreen(a), qGreen(b)), ch(qBlue(a), qBlue(b)));
}

QRgb colorOf(const CallChartStyle& style, uint32_t function) {
    const QRgb c = (*style.colors)[function];
    const bool faded = !style.strong->empty() && !(*style.strong)[function];
    return faded ? fadedColor(c) : c;
}

// A ragged edge on the side the trace misses: white teeth cut into the call.
void paintCutEdge(QPainter& p, double x, double top, double h, bool left) {
    const double dir = left ? 1 : -1;
    QPolygonF teeth;
    teeth << QPointF(x, top);
    for (double y = top; y < top + h; y += 4) {
        teeth << QPointF(x + dir * 3, y + 2) << QPointF(x, std::min(y + 4, top + h));
    }
    p.setPen(Qt::NoPen);
    p.setBrush(Qt::white);
    p.drawPolygon(teeth);
}

void paintOverrun(QPainter& p, double x1, double top) {
    const QPointF corner[3] = {{x1 - 6, top}, {x1, top}, {x1, top + 6}};
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(200, 20, 20));
    p.drawPolygon(corner, 3);
}

}  // namespace

QRgb foldedColor(QRgb color) {
    return mix(color, qRgb(150, 150, 150), 128);
}

QRgb fadedColor(QRgb color) {
    return mix(color, qRgb(255, 255, 255), 200);
}

void paintCallLane(QPainter& p, const QRectF& r, const CallLevel& level, const TimeScale& scale,
                   const CallChartStyle& style, FunctionPixels* pixels) {
    const CallTrees& trees = *style.trees;
    const int width = scale.width;
    QImage line(width, 1, QImage::Format_ARGB32_Premultiplied);
    line.fill(Qt::transparent);
    auto* px = reinterpret_cast<QRgb*>(line.scanLine(0));
    std::vector<CallRun> wide;  // the calls that get a name or marks
    // Per pixel column, the wide call drawn last there (-1: none): a name goes only where
    // its call is on top, so overlapping calls (a CPU's lanes) never print over each other.
    std::vector<int> top(size_t(width), -1);
    for (const CallTrack& track : level.tracks) {
        forEachVisibleCall(track, scale, [&](const CallRun& run) {
            QRgb c = colorOf(style, run.function);
            if (run.folded) c = foldedColor(c);
            const int x0 = static_cast<int>(run.x0);
            int x1 = std::min(width, static_cast<int>(std::ceil(run.x1)));
            if (!run.folded && run.x1 - run.x0 >= 3) --x1;  // a gap between neighbours
            x1 = std::max(x0 + 1, x1);
            std::fill(px + x0, px + x1, c);
            if (pixels) pixels->add(run.function, std::max(1.0, run.x1 - run.x0));
            const bool isWide = !run.folded && run.x1 - run.x0 >= kMarkMin;
            std::fill(top.begin() + x0, top.begin() + x1, isWide ? int(wide.size()) : -1);
            if (isWide) wide.push_back(run);
        });
    }
    const QRectF band(r.left(), r.top() + 1, r.width(), r.height() - 2);
    p.drawImage(band, line, QRectF(0, 0, width, 1));
    if (wide.empty()) return;
    p.save();
    const QFontMetrics fm(p.font());
    for (size_t k = 0; k < wide.size(); ++k) {
        const CallRun& run = wide[k];
        const CallSpan& s = trees.spans[run.span];
        double x1 = run.x1 - 1;
        if ((s.flags & CallSpan::kNoEntry) && scale.toX(s.start) >= run.x0 - 1)
            paintCutEdge(p, run.x0, band.top(), band.height(), true);
        if ((s.flags & CallSpan::kNoExit) && scale.toX(s.end()) <= run.x1 + 1)
            paintCutEdge(p, x1, band.top(), band.height(), false);
        if (s.flags & CallSpan::kOverrun) paintOverrun(p, x1, band.top());
        // The name fits where the call shows from its left edge on.
        int end = int(run.x0);
        while (end < width && top[size_t(end)] == int(k)) ++end;
        x1 = std::min(x1, double(end));
        if (x1 - run.x0 < kNameMin) continue;
        int& w = (*style.nameWidths)[s.function];
        const QString& name = (*style.names)[int(s.function)];
        if (w < 0) w = fm.horizontalAdvance(name);
        const QRectF text(run.x0 + 3, band.top(), x1 - run.x0 - 6, band.height());
        const bool faded = !style.strong->empty() && !(*style.strong)[s.function];
        p.setPen(faded ? QColor(150, 150, 150) : QColor(20, 20, 20));
        p.drawText(
            text, Qt::AlignVCenter | Qt::AlignLeft,
            w <= text.width() ? name : fm.elidedText(name, Qt::ElideRight, int(text.width())));
    }
    p.restore();
}

}  // namespace kestrel
