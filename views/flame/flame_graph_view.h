#pragma once
// A flame graph (root at the bottom) or icicle (root at the top) of a FlameTree: frame
// widths by total, names inside frames wide enough, colours by name (functionColor), or in
// a diff tree by the path's change (growthColor). Clicking a frame zooms into it (it takes
// the full width; its ancestors stay, full width, nearer the root); the breadcrumb above
// goes back, Esc or "Reset" to the root. The search field paints matching frames magenta
// and says how much of the root's time they hold.
//
// Frames narrower than a pixel are not drawn, nor anything under them; children are
// stored widest first, so painting stops at the first one too narrow and costs the frames
// drawn, not the tree's size.
#include <QWidget>
#include <cstdint>
#include <memory>
#include <vector>

#include "analysis/flame_tree.h"

class QLabel;
class QLineEdit;
class QPainter;
class QScrollArea;

namespace kestrel {

class FlameCanvas;

enum class FlameUnit { kTime, kSamples };  // what totals count: ns or stack samples

class FlameGraphView : public QWidget {
    Q_OBJECT
public:
    static constexpr uint32_t kNoFrame = UINT32_MAX;

    explicit FlameGraphView(QWidget* parent = nullptr);

    void setTree(std::shared_ptr<const FlameTree> tree, FlameUnit unit);
    const FlameTree* tree() const { return m_tree.get(); }
    // Shown instead of the graph when there is no tree or it holds no time.
    void setMessage(const QString& text);

    void setIcicle(bool icicle);
    bool icicle() const { return m_icicle; }

    void zoomTo(uint32_t node);
    uint32_t zoomed() const { return m_zoom; }
    QString breadcrumb() const;  // "all > a > b", the zoomed frame last

    void setSearch(const QString& text);
    QString matchedText() const;

    // The widget frames are painted on (inside a scroll area), and in its coordinates:
    QWidget* canvas() const;
    QRect frameRect(uint32_t node) const;  // empty when the frame is not drawn
    uint32_t frameAt(QPoint pos) const;    // kNoFrame where there is none
    QString toolTipFor(uint32_t node) const;
    QRect visibleCanvasRect() const;
    void paintCanvas(QPainter& p, const QRect& clip) const;

signals:
    void searchChanged(const QString& text);
    void zoomChanged(uint32_t node);

protected:
    void keyPressEvent(QKeyEvent* e) override;

private:
    friend class FlameCanvas;
    struct Layout {
        double scale = 0;  // pixels per unit of width below the zoomed frame
        int width = 0;
        int height = 0;
    };
    Layout layout() const;
    int rowY(uint32_t level, const Layout& l) const;
    void paintFrame(QPainter& p, uint32_t node, double x, double w, int y) const;
    void paintSubtree(QPainter& p, uint32_t node, double x, uint32_t level, const Layout& l,
                      const QRect& clip) const;
    QColor frameColor(uint32_t node) const;
    QString amount(uint64_t value) const;
    void updateBreadcrumb();
    void applySearch();
    void updateCanvasSize();
    void scrollToRoot();

    std::shared_ptr<const FlameTree> m_tree;
    FlameUnit m_unit = FlameUnit::kTime;
    bool m_icicle = false;
    uint32_t m_zoom = 0;
    QString m_message;
    std::vector<QColor> m_colors;  // per name, as RGB: a fill converts any other spec each time
    std::vector<bool> m_matches;   // per name
    uint64_t m_matched = 0;
    QString m_search;
    QLabel* m_crumbs;
    QLineEdit* m_searchField;
    QLabel* m_matchedLabel;
    QScrollArea* m_scroll;
    FlameCanvas* m_canvas;
};

}  // namespace kestrel
