#pragma once
// Paints one call lane of the timeline's flame chart (one level of an expanded row) from
// its CallRowIndex. The coloured area goes into one line of pixels per lane, stretched to
// the lane's height, so filling costs O(pixels) however many calls fold into a column;
// names, cut edges and overrun marks are drawn only on calls wider than a few pixels.
#include <QColor>
#include <QImage>
#include <QPainter>
#include <QStringList>
#include <optional>
#include <vector>

#include "flame/call_chart_index.h"

namespace kestrel {

// What the lanes are drawn with, per function index; made once per call trees (names,
// colours) and per highlight (strong).
struct CallChartStyle {
    const CallTrees* trees = nullptr;
    const QStringList* names = nullptr;
    const std::vector<QRgb>* colors = nullptr;
    const std::vector<uint8_t>* strong = nullptr;  // empty: no highlight, all strong
    std::vector<int>* nameWidths = nullptr;        // measured when first drawn, -1 before
};

// Pixels of the visible range each function's calls cover, summed over the lanes drawn.
struct FunctionPixels {
    std::vector<double> pixels;     // per function index
    std::vector<uint32_t> touched;  // the functions with pixels, to read and reset them
    void add(uint32_t function, double px) {
        if (pixels.size() <= function) pixels.resize(function + 1u);
        if (pixels[function] == 0) touched.push_back(function);
        pixels[function] += px;
    }
    void clear() {
        for (uint32_t f : touched) pixels[f] = 0;
        touched.clear();
    }
};

// The colour a folded pixel column takes: its first call's colour towards grey, so that
// merged calls read as merged.
QRgb foldedColor(QRgb color);
// A function's colour when a highlight leaves it out.
QRgb fadedColor(QRgb color);

void paintCallLane(QPainter& p, const QRectF& r, const CallLevel& level, const TimeScale& scale,
                   const CallChartStyle& style, FunctionPixels* pixels);

}  // namespace kestrel
