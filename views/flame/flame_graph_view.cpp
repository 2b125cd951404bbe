#include "flame/flame_graph_view.h"

#include <QHBoxLayout>
#include <QHelpEvent>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPaintEvent>
#include <QPainter>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <cmath>

#include "flame/function_colors.h"
#include "timeline/time_scale.h"

namespace kestrel {

namespace {
constexpr int kRow = 18;                 // pixels per level
constexpr int kMinTextWidth = 28;        // a frame narrower than this shows no name
constexpr int kCrumbsShown = 6;          // breadcrumb entries before the middle is elided
const QColor kMatchColor(224, 64, 224);  // magenta: search hits

// x >= 0 here: plain rounding, without lround's call per frame.
int pixel(double x) {
    return int(x + 0.5);
}

QString percent(uint64_t part, uint64_t whole) {
    return QString::number(whole ? 100.0 * double(part) / double(whole) : 0.0, 'f', 1) +
           QStringLiteral(" %");
}
}  // namespace

class FlameCanvas : public QWidget {
public:
    explicit FlameCanvas(FlameGraphView* view) : m_view(view) {}

protected:
    void paintEvent(QPaintEvent* e) override {
        QPainter p(this);
        m_view->paintCanvas(p, e->rect());
    }
    void mousePressEvent(QMouseEvent* e) override {
        m_view->setFocus();
        if (e->button() != Qt::LeftButton) return;
        const uint32_t node = m_view->frameAt(e->position().toPoint());
        if (node != FlameGraphView::kNoFrame) m_view->zoomTo(node);
    }
    bool event(QEvent* e) override {
        if (e->type() != QEvent::ToolTip) return QWidget::event(e);
        auto* help = static_cast<QHelpEvent*>(e);
        const uint32_t node = m_view->frameAt(help->pos());
        if (node == FlameGraphView::kNoFrame) {
            QToolTip::hideText();
            e->ignore();
        } else {
            QToolTip::showText(help->globalPos(), m_view->toolTipFor(node), this);
        }
        return true;
    }

private:
    FlameGraphView* m_view;
};

FlameGraphView::FlameGraphView(QWidget* parent) : QWidget(parent) {
    setFocusPolicy(Qt::StrongFocus);
    m_crumbs = new QLabel(this);
    m_crumbs->setObjectName(QStringLiteral("flameBreadcrumb"));
    m_crumbs->setTextFormat(Qt::RichText);
    m_crumbs->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    connect(m_crumbs, &QLabel::linkActivated, this,
            [this](const QString& link) { zoomTo(link.toUInt()); });
    auto* reset = new QPushButton(tr("Reset"), this);
    reset->setToolTip(tr("Back to the root (Esc)"));
    connect(reset, &QPushButton::clicked, this, [this] { zoomTo(0); });
    m_searchField = new QLineEdit(this);
    m_searchField->setPlaceholderText(tr("Search functions"));
    m_searchField->setClearButtonEnabled(true);
    m_searchField->setMaximumWidth(220);
    connect(m_searchField, &QLineEdit::textChanged, this, &FlameGraphView::setSearch);
    m_matchedLabel = new QLabel(this);
    m_matchedLabel->setObjectName(QStringLiteral("flameMatched"));

    auto* bar = new QHBoxLayout;
    bar->addWidget(m_crumbs, 1);
    bar->addWidget(reset);
    bar->addWidget(m_searchField);
    bar->addWidget(m_matchedLabel);

    m_canvas = new FlameCanvas(this);
    m_scroll = new QScrollArea(this);
    m_scroll->setWidget(m_canvas);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setFrameShape(QFrame::NoFrame);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(m_scroll, 1);
    updateBreadcrumb();
}

QWidget* FlameGraphView::canvas() const {
    return m_canvas;
}

// The node at the same path of names in `to`, or the nearest ancestor found there.
static uint32_t samePath(const FlameTree& from, uint32_t node, const FlameTree& to) {
    uint32_t at = 0;
    const std::vector<uint32_t> path = from.path(node);
    for (size_t i = 1; i < path.size(); ++i) {
        const FlameTree::Node& n = to.nodes[at];
        uint32_t next = 0;
        for (uint32_t c = n.firstChild; c < n.firstChild + n.children && !next; ++c)
            if (to.nameOf(c) == from.nameOf(path[i])) next = c;
        if (!next) break;
        at = next;
    }
    return at;
}

void FlameGraphView::setTree(std::shared_ptr<const FlameTree> tree, FlameUnit unit) {
    // A new scope or selection keeps the zoom on the same path where it still exists.
    const uint32_t zoom = m_tree && tree && unit == m_unit ? samePath(*m_tree, m_zoom, *tree) : 0;
    m_tree = std::move(tree);
    m_unit = unit;
    m_zoom = zoom;
    m_colors.clear();
    if (m_tree) {
        m_colors.reserve(m_tree->names.size());
        for (const std::string& name : m_tree->names)
            m_colors.push_back(functionColor(QString::fromStdString(name)).toRgb());
    }
    applySearch();
    updateCanvasSize();
    updateBreadcrumb();
    scrollToRoot();
    m_canvas->update();
}

void FlameGraphView::setMessage(const QString& text) {
    m_message = text;
    m_canvas->update();
}

void FlameGraphView::setIcicle(bool icicle) {
    if (m_icicle == icicle) return;
    m_icicle = icicle;
    scrollToRoot();
    m_canvas->update();
}

void FlameGraphView::zoomTo(uint32_t node) {
    if (!m_tree || node >= m_tree->nodes.size()) node = 0;
    if (node == m_zoom) return;
    m_zoom = node;
    updateBreadcrumb();
    m_canvas->update();
    emit zoomChanged(node);
}

QString FlameGraphView::breadcrumb() const {
    QStringList names{QStringLiteral("all")};
    if (m_tree) {
        std::vector<uint32_t> path = m_tree->path(m_zoom);
        for (size_t i = 1; i < path.size(); ++i)
            names << QString::fromStdString(m_tree->nameOf(path[i]));
    }
    return names.join(QStringLiteral(" > "));
}

void FlameGraphView::updateBreadcrumb() {
    std::vector<uint32_t> path = m_tree ? m_tree->path(m_zoom) : std::vector<uint32_t>{0};
    QStringList parts;
    for (size_t i = 0; i < path.size(); ++i) {
        // Deep paths keep the root and the innermost frames; the middle is one ellipsis.
        if (path.size() > kCrumbsShown && i > 0 && i < path.size() - (kCrumbsShown - 1)) {
            if (i == 1) parts << QStringLiteral("…");
            continue;
        }
        const QString name =
            i == 0 ? QStringLiteral("all") : QString::fromStdString(m_tree->nameOf(path[i]));
        if (i + 1 == path.size()) {
            parts << QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped());
        } else {
            parts << QStringLiteral("<a href=\"%1\">%2</a>").arg(path[i]).arg(name.toHtmlEscaped());
        }
    }
    m_crumbs->setText(parts.join(QStringLiteral(" &gt; ")));
}

void FlameGraphView::setSearch(const QString& text) {
    if (text == m_search) return;
    m_search = text;
    if (m_searchField->text() != text) m_searchField->setText(text);
    applySearch();
    emit searchChanged(text);
}

void FlameGraphView::applySearch() {
    m_matches = m_tree ? namesContaining(*m_tree, m_search.toStdString()) : std::vector<bool>{};
    m_matched = m_tree ? matchedTotal(*m_tree, m_matches) : 0;
    m_matchedLabel->setText(matchedText());
    m_canvas->update();
}

QString FlameGraphView::matchedText() const {
    if (m_search.isEmpty() || !m_tree) return {};
    return tr("Matched: %1 (%2)")
        .arg(percent(m_matched, m_tree->nodes[0].total), amount(m_matched));
}

QString FlameGraphView::amount(uint64_t value) const {
    if (m_unit == FlameUnit::kSamples)
        return value == 1 ? tr("1 sample") : tr("%1 samples").arg(value);
    return QString::fromStdString(formatDuration(value));
}

void FlameGraphView::updateCanvasSize() {
    const int levels = m_tree ? int(m_tree->maxDepth) + 1 : 1;
    m_canvas->setMinimumHeight(levels * kRow + 2);
}

void FlameGraphView::scrollToRoot() {
    auto scroll = [this] {
        QScrollBar* bar = m_scroll->verticalScrollBar();
        bar->setValue(m_icicle ? bar->minimum() : bar->maximum());
    };
    scroll();
    QTimer::singleShot(0, this, scroll);  // the range follows the canvas' new height later
}

void FlameGraphView::keyPressEvent(QKeyEvent* e) {
    if (e->key() == Qt::Key_Escape) {
        zoomTo(0);
        return;
    }
    QWidget::keyPressEvent(e);
}

FlameGraphView::Layout FlameGraphView::layout() const {
    Layout l;
    l.width = m_canvas->width();
    l.height = m_canvas->height();
    const uint64_t w = m_tree ? m_tree->width(m_zoom) : 0;
    l.scale = w ? double(l.width) / double(w) : 0;
    return l;
}

int FlameGraphView::rowY(uint32_t level, const Layout& l) const {
    return m_icicle ? int(level) * kRow : l.height - (int(level) + 1) * kRow;
}

QRect FlameGraphView::visibleCanvasRect() const {
    return QRect(-m_canvas->pos(), m_scroll->viewport()->size());
}

QColor FlameGraphView::frameColor(uint32_t node) const {
    const FlameTree::Node& n = m_tree->nodes[node];
    if (!m_matches.empty() && m_matches[n.name] && node != 0) return kMatchColor;
    if (m_tree->diff) {
        const uint64_t most = std::max(n.total, n.before);
        const double change = most ? (double(n.total) - double(n.before)) / double(most) : 0;
        return growthColor(change).toRgb();  // the painter fills in RGB
    }
    if (node == 0) return QColor(200, 200, 200);
    return m_colors[n.name];
}

void FlameGraphView::paintFrame(QPainter& p, uint32_t node, double x, double w, int y) const {
    const int x0 = pixel(x);
    int width = std::max(1, pixel(x + w) - x0);
    if (width > 2) --width;  // a gap between neighbours
    const QRect r(x0, y, width, kRow - 1);
    const QColor color = frameColor(node);
    p.fillRect(r, color);
    if (width < kMinTextWidth) return;
    const QString name =
        node == 0 ? QStringLiteral("all") : QString::fromStdString(m_tree->nameOf(node));
    const QString text = p.fontMetrics().elidedText(name, Qt::ElideRight, width - 6);
    if (text.size() < 2) return;  // an ellipsis alone says nothing
    // Dark text on light frames, white on the strong reds and blues.
    const int luma = (299 * color.red() + 587 * color.green() + 114 * color.blue()) / 1000;
    p.setPen(luma < 120 ? Qt::white : Qt::black);
    p.drawText(r.adjusted(3, 0, -3, 0), Qt::AlignVCenter | Qt::AlignLeft, text);
}

void FlameGraphView::paintSubtree(QPainter& p, uint32_t node, double x, uint32_t level,
                                  const Layout& l, const QRect& clip) const {
    const double w = double(m_tree->width(node)) * l.scale;
    const int y = rowY(level, l);
    // Levels move away from the root: past the clip on that side, so is everything deeper.
    if (m_icicle ? y > clip.bottom() : y + kRow <= clip.top()) return;
    if (x > clip.right() + 1 || x + w < clip.left()) return;
    if (y <= clip.bottom() && y + kRow > clip.top()) paintFrame(p, node, x, w, y);
    const FlameTree::Node& n = m_tree->nodes[node];
    double cx = x;
    for (uint32_t c = n.firstChild; c < n.firstChild + n.children; ++c) {
        const double cw = double(m_tree->width(c)) * l.scale;
        if (cw < 1.0) break;  // widest first: the rest are narrower still
        paintSubtree(p, c, cx, level + 1, l, clip);
        cx += cw;
    }
}

void FlameGraphView::paintCanvas(QPainter& p, const QRect& clip) const {
    p.fillRect(clip, palette().base());
    const Layout l = layout();
    if (!m_tree || m_tree->width(0) == 0 || l.scale == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        const QString text = m_message.isEmpty() ? tr("Nothing to show") : m_message;
        p.drawText(visibleCanvasRect(), Qt::AlignCenter | Qt::TextWordWrap, text);
        return;
    }
    p.setPen(Qt::black);
    const std::vector<uint32_t> path = m_tree->path(m_zoom);
    for (size_t i = 0; i + 1 < path.size(); ++i) {  // the zoomed frame's ancestors
        const int y = rowY(uint32_t(i), l);
        if (y <= clip.bottom() && y + kRow > clip.top()) paintFrame(p, path[i], 0, l.width, y);
    }
    paintSubtree(p, m_zoom, 0, m_tree->nodes[m_zoom].depth, l, clip);
}

uint32_t FlameGraphView::frameAt(QPoint pos) const {
    const Layout l = layout();
    if (!m_tree || l.scale == 0 || pos.x() < 0 || pos.x() >= l.width) return kNoFrame;
    const int fromRoot = m_icicle ? pos.y() : l.height - 1 - pos.y();
    if (fromRoot < 0) return kNoFrame;
    const uint32_t level = uint32_t(fromRoot / kRow);
    const uint32_t zoomDepth = m_tree->nodes[m_zoom].depth;
    if (level <= zoomDepth) return m_tree->path(m_zoom)[level];
    uint32_t node = m_zoom;
    double x = 0;
    for (uint32_t at = zoomDepth; at < level; ++at) {
        const FlameTree::Node& n = m_tree->nodes[node];
        uint32_t found = kNoFrame;
        for (uint32_t c = n.firstChild; c < n.firstChild + n.children; ++c) {
            const double cw = double(m_tree->width(c)) * l.scale;
            if (cw < 1.0) break;
            if (pos.x() >= x && pos.x() < x + cw) {
                found = c;
                break;
            }
            x += cw;
        }
        if (found == kNoFrame) return kNoFrame;
        node = found;
    }
    return node;
}

QRect FlameGraphView::frameRect(uint32_t node) const {
    const Layout l = layout();
    if (!m_tree || node >= m_tree->nodes.size() || l.scale == 0) return {};
    const std::vector<uint32_t> path = m_tree->path(node);
    const uint32_t depth = m_tree->nodes[node].depth;
    const uint32_t zoomDepth = m_tree->nodes[m_zoom].depth;
    if (depth <= zoomDepth) {  // an ancestor of the zoomed frame, or it
        if (m_tree->path(m_zoom)[depth] != node) return {};
        return QRect(0, rowY(depth, l), l.width, kRow - 1);
    }
    if (path[zoomDepth] != m_zoom) return {};
    double x = 0, w = l.width;
    for (uint32_t at = zoomDepth + 1; at <= depth; ++at) {
        const FlameTree::Node& parent = m_tree->nodes[path[at - 1]];
        for (uint32_t c = parent.firstChild; c < path[at]; ++c)
            x += double(m_tree->width(c)) * l.scale;
        w = double(m_tree->width(path[at])) * l.scale;
        if (w < 1.0) return {};
    }
    const int x0 = pixel(x);
    return QRect(x0, rowY(depth, l), std::max(1, pixel(x + w) - x0), kRow - 1);
}

QString FlameGraphView::toolTipFor(uint32_t node) const {
    if (!m_tree || node >= m_tree->nodes.size()) return {};
    const FlameTree::Node& n = m_tree->nodes[node];
    const QString name =
        node == 0 ? QStringLiteral("all") : QString::fromStdString(m_tree->nameOf(node));
    QStringList lines{QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped())};
    if (m_tree->diff) {
        const int64_t change = int64_t(n.total) - int64_t(n.before);
        const QString sign = change > 0   ? QStringLiteral("+")
                             : change < 0 ? QStringLiteral("−")
                                          : QString();
        const uint64_t magnitude = uint64_t(change < 0 ? -change : change);
        const QString relative = n.before ? sign + percent(magnitude, n.before) : tr("new");
        lines << tr("Before: %1 (self %2)").arg(amount(n.before), amount(n.beforeSelf))
              << tr("After: %1 (self %2)").arg(amount(n.total), amount(n.self))
              << tr("Change: %1%2 (%3)").arg(sign, amount(magnitude), relative);
        return lines.join(QStringLiteral("<br>"));
    }
    const uint64_t root = m_tree->nodes[0].total;
    lines << tr("Total: %1").arg(amount(n.total)) << tr("Self: %1").arg(amount(n.self));
    QString share = tr("%1 of all").arg(percent(n.total, root));
    if (m_zoom != 0) {
        share += tr(", %1 of %2")
                     .arg(percent(n.total, m_tree->nodes[m_zoom].total),
                          QString::fromStdString(m_tree->nameOf(m_zoom)).toHtmlEscaped());
    }
    lines << share;
    if (m_unit == FlameUnit::kTime) lines << tr("Calls: %1").arg(n.count);
    return lines.join(QStringLiteral("<br>"));
}

}  // namespace kestrel
