#include "events/event_table_model.h"

#include <QFontDatabase>
#include <QPalette>
#include <set>

namespace kestrel {

EventTableModel::EventTableModel(const TraceModel& model, EventFormats& formats, QObject* parent)
    : QAbstractTableModel(parent),
      m_model(model),
      m_formats(formats),
      m_text(std::make_unique<ColumnText>(formats, model.meta())) {
    // CPUs without frames (an empty top buffer beside an instance) do not count.
    std::set<uint32_t> buffers;
    for (uint32_t c = 0; c < model.cpuCount(); ++c) {
        if (!model.cpu(c).frames.empty()) buffers.insert(model.meta().cpus[c].buffer);
    }
    m_severalBuffers = buffers.size() > 1;
}

QString EventTableModel::longestBufferName() const {
    QString longest;
    for (uint32_t b = 0; b < m_model.meta().buffers.size(); ++b) {
        QString name = QString::fromStdString(ColumnText::bufferName(m_model.meta(), b));
        if (name.size() > longest.size()) longest = name;
    }
    return longest;
}

EventTableModel::~EventTableModel() = default;

void EventTableModel::setIndex(std::shared_ptr<const EventIndex> index) {
    beginResetModel();
    m_cursor.reset();
    m_matcher.reset();
    m_blocks.clear();
    m_cursorNext = ~0ull;
    m_windowStart = 0;
    m_index = std::move(index);
    if (m_index) {
        // The index was built with this filter, so it compiles here too.
        auto matcher = FilterMatcher::create(m_index->filter(), m_formats);
        if (matcher) {
            m_matcher = std::move(matcher.value());
            m_cursor = std::make_unique<RowCursor>(m_model, *m_index, *m_matcher);
            m_cursor->keepPrevious(true);
        } else {
            m_index.reset();
        }
    }
    endResetModel();
}

int EventTableModel::totalRows() const {
    return m_index ? static_cast<int>(std::min<uint64_t>(m_index->rows(), INT32_MAX)) : 0;
}

int EventTableModel::rowCount(const QModelIndex& parent) const {
    if (parent.isValid()) return 0;
    return std::min(totalRows() - m_windowStart, m_windowCapacity);
}

void EventTableModel::setWindowCapacity(int rows) {
    beginResetModel();
    m_windowCapacity = std::max(rows, 1);
    m_windowStart = 0;
    endResetModel();
}

bool EventTableModel::moveWindow(int start) {
    start = std::clamp(start, 0, std::max(totalRows() - m_windowCapacity, 0));
    if (start == m_windowStart) return false;
    m_windowStart = start;
    int rows = rowCount();
    if (rows > 0) emit dataChanged(index(0, 0), index(rows - 1, columnCount() - 1));
    return true;
}

int EventTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(Column::Count);
}

QVariant EventTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    if (section < 0 || section >= static_cast<int>(Column::Count)) return {};
    return QString::fromLatin1(columnName(static_cast<Column>(section)));
}

const EventTableModel::Block& EventTableModel::loadBlock(int first) const {
    for (auto it = m_blocks.begin(); it != m_blocks.end(); ++it) {
        if (it->first == first) {
            m_blocks.splice(m_blocks.begin(), m_blocks, it);
            return m_blocks.front();
        }
    }
    Block block;
    block.first = first;
    // Scrolling down continues where the cursor stopped; anything else seeks (the cursor
    // then still knows the record before the first row: a function_graph exit reads by it).
    if (m_cursorNext != static_cast<uint64_t>(first))
        m_cursor->seekRow(static_cast<uint64_t>(first));
    EventRef ev, next, prev;
    uint64_t r = 0;
    std::string text;
    int end = std::min(first + kBlockRows, totalRows());
    block.rows.reserve(static_cast<size_t>(end - first));
    m_cursorNext = ~0ull;
    for (int want = first; want < end && m_cursor->next(ev, r); ++want) {
        Neighbours around;
        // Only a function_graph entry merges with the record after it; the peek decodes
        // that one record from the page the cursor holds (a frame only at a frame's end,
        // through the cache the walk reads next anyway).
        if (m_text->needsNext(ev) && m_cursor->cursor().peekNextIfSameCpu(next))
            around.next = &next;
        if (m_cursor->previous(prev)) around.previous = &prev;
        Row row;
        row.ts = ev.ts;
        row.number = m_cursor->eventNumber();
        row.cpu = ev.cpu;
        row.graph = m_text->graphRow(ev, around);
        for (int c = 0; c < static_cast<int>(Column::Count); ++c) {
            text.clear();
            m_text->append(static_cast<Column>(c), ev, row.number, text, around);
            row.cells[static_cast<size_t>(c)] =
                QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
        }
        block.rows.push_back(std::move(row));
        m_cursorNext = r + 1;
    }
    m_blocks.push_front(std::move(block));
    if (m_blocks.size() > kCachedBlocks) m_blocks.pop_back();
    return m_blocks.front();
}

const EventTableModel::Row* EventTableModel::row(int r) const {
    if (!m_cursor || r < 0 || r >= totalRows()) return nullptr;
    const Block& b = loadBlock(r - r % kBlockRows);
    size_t at = static_cast<size_t>(r - b.first);
    return at < b.rows.size() ? &b.rows[at] : nullptr;
}

QVariant EventTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid()) return {};
    if (role == Qt::FontRole) {
        auto c = static_cast<Column>(index.column());
        if (c == Column::Time || c == Column::Flags)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        // function_graph lines: the nesting indent and the duration column line up.
        if (c == Column::Info && graphRowOf(m_windowStart + index.row()) != GraphRow::kNone)
            return QFontDatabase::systemFont(QFontDatabase::FixedFont);
        return {};
    }
    if (role == Qt::ForegroundRole) {
        // A leaf's exit repeats what its entry's line said: greyed.
        if (static_cast<Column>(index.column()) == Column::Info &&
            graphRowOf(m_windowStart + index.row()) == GraphRow::kLeafExit) {
            return QPalette().brush(QPalette::Disabled, QPalette::Text);
        }
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        auto c = static_cast<Column>(index.column());
        bool right =
            c == Column::Index || c == Column::Cpu || c == Column::Time || c == Column::Pid;
        return QVariant::fromValue(Qt::AlignVCenter | (right ? Qt::AlignRight : Qt::AlignLeft));
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole && role != TimestampRole &&
        role != CpuRole) {
        return {};
    }
    const Row* r = row(m_windowStart + index.row());
    if (!r) return {};
    if (role == TimestampRole) return QVariant::fromValue<qulonglong>(r->ts);
    if (role == CpuRole) return QVariant::fromValue<uint>(r->cpu);
    return r->cells[static_cast<size_t>(index.column())];
}

QString EventTableModel::cellText(int r, Column c) const {
    const Row* x = row(r);
    return x ? x->cells[static_cast<size_t>(c)] : QString();
}

uint64_t EventTableModel::timestampOf(int r) const {
    const Row* x = row(r);
    return x ? x->ts : 0;
}

uint64_t EventTableModel::eventNumberOf(int r) const {
    const Row* x = row(r);
    return x ? x->number : 0;
}

GraphRow EventTableModel::graphRowOf(int r) const {
    const Row* x = row(r);
    return x ? x->graph : GraphRow::kNone;
}

bool EventTableModel::withEvent(int r, const std::function<void(const EventRef&)>& fn) const {
    if (!m_cursor || r < 0 || r >= totalRows()) return false;
    m_cursor->seekRow(static_cast<uint64_t>(r));
    m_cursorNext = ~0ull;
    EventRef ev;
    uint64_t got = 0;
    if (!m_cursor->next(ev, got) || got != static_cast<uint64_t>(r)) return false;
    fn(ev);
    return true;
}

int EventTableModel::rowNearTime(uint64_t t) const {
    if (!m_cursor || totalRows() == 0) return -1;
    uint64_t after = 0, before = 0;
    m_cursor->rowsAround(t, after, before);
    m_cursorNext = ~0ull;
    int last = totalRows() - 1;
    if (before == RowCursor::kNoRow) return static_cast<int>(std::min<uint64_t>(after, last));
    if (after >= m_index->rows()) return static_cast<int>(std::min<uint64_t>(before, last));
    uint64_t ta = timestampOf(static_cast<int>(after)), tb = timestampOf(static_cast<int>(before));
    return static_cast<int>(ta - t < t - tb ? after : before);
}

}  // namespace kestrel
