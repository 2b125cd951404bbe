#include "events/event_panel.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QSplitter>
#include <QVBoxLayout>

#include "events/details_pane.h"
#include "events/event_table_model.h"
#include "events/event_table_view.h"
#include "events/filter_panel.h"
#include "events/search_bar.h"
#include "jobs/background_pass.h"
#include "query/filter_text.h"

namespace kestrel {

EventPanel::EventPanel(const TraceModel& model, EventFormats& formats,
                       std::shared_ptr<const EventIndex> everyEvent, QWidget* parent)
    : QWidget(parent),
      m_model(model),
      m_formats(formats),
      m_callReader(formats),
      m_pool(model.meta()),
      m_fieldsPool(model.meta(), EventFormats::Use::kFields),
      m_everyEvent(std::move(everyEvent)) {
    m_search = new SearchBar(this);
    m_filters = new FilterPanel(model, formats, this);
    m_table = new EventTableView(this);
    m_tableModel = new EventTableModel(model, formats, this);
    m_table->setModel(m_tableModel);
    m_search->setColumnOffered(Column::Buffer, m_tableModel->severalBuffers());
    m_details = new DetailsPane(this);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("eventStatus"));
    m_indexBar = new QProgressBar(this);
    m_indexBar->setMaximumWidth(160);
    m_indexBar->setTextVisible(false);  // styles draw it over the fill; the status says how far
    m_indexBar->setVisible(false);
    m_indexPass = new BackgroundPass(this);

    auto* right = new QSplitter(Qt::Vertical, this);
    right->addWidget(m_table);
    right->addWidget(m_details);
    right->setStretchFactor(0, 3);
    right->setStretchFactor(1, 1);
    m_split = new QSplitter(Qt::Horizontal, this);
    m_split->addWidget(m_filters);
    m_split->addWidget(right);
    m_split->setStretchFactor(0, 0);
    m_split->setStretchFactor(1, 1);
    fitFilterWidth();
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_indexBar);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_search);
    layout->addWidget(m_split, 1);
    layout->addLayout(statusRow);

    connect(m_table, &EventTableView::rowSelected, this, &EventPanel::onRowSelected);
    connect(m_details, &DetailsPane::showCallRequested, this, &EventPanel::showCallRequested);
    connect(m_search, &SearchBar::found, this, [this](int row) { m_table->selectRow(row); });
    connect(m_filters, &FilterPanel::filterChanged, this, &EventPanel::applyPanelFilter);
    connect(m_indexPass, &BackgroundPass::progress, this, [this](qint64 done, qint64 total) {
        m_indexBar->setMaximum(static_cast<int>(std::max<qint64>(total, 1)));
        m_indexBar->setValue(static_cast<int>(done));
        if (m_indexing) {
            m_status->setText(
                tr("indexing events… %1%").arg(100 * done / std::max<qint64>(total, 1)));
        }
    });

    rebuildIndex();
}

EventPanel::~EventPanel() {
    // Child widgets outlive this body; their passes use m_pool and m_index, so they
    // stop here.
    m_search->cancel();
    m_indexPass->cancel();
}

void EventPanel::setCallTrees(std::shared_ptr<const CallTrees> trees) {
    m_details->setCallTrees(std::move(trees));
}

void EventPanel::setScan(const ScanResult& scan) {
    m_filters->setScan(scan, m_filter);
    fitFilterWidth();
    m_scanReady = true;
    emit scanFinished();
}

// The filters as wide as their longest row (task and event names were cut at a fixed
// width), but never more than a third of the panel: the table comes first.
void EventPanel::fitFilterWidth() {
    const int total = std::max(width(), 1200);
    const int filters = std::min(m_filters->contentWidth(), total / 3);
    m_split->setSizes({filters, total - filters});
}

void EventPanel::rebuildIndex() {
    if (m_everyEvent && m_filter.selectsAll()) {
        m_indexPass->cancel();
        installIndex(m_everyEvent);
        return;
    }
    m_indexing = true;
    m_indexBar->setValue(0);
    m_indexBar->setVisible(true);
    m_status->setText(tr("indexing events…"));
    auto result =
        std::make_shared<Result<std::shared_ptr<const EventIndex>>>(Status::error("not run"));
    EventFilter filter = m_filter;
    const TraceModel* m = &m_model;
    FormatsPool* pool = &m_fieldsPool;
    // The index of every event numbers the events before a time range in one short walk.
    std::shared_ptr<const EventIndex> every = m_everyEvent;
    m_indexPass->start(
        [=](Progress& progress) {
            *result = EventIndex::build(*m, *pool, filter, &progress, 0, every.get());
        },
        [this, result] {
            m_indexing = false;
            m_indexBar->setVisible(false);
            if (!result->ok()) {
                m_filters->setAdvancedError(QString::fromStdString(result->message()));
                setStale(true);
                return;
            }
            m_filters->setAdvancedError({});
            if (result->value()->filter().selectsAll()) m_everyEvent = result->value();
            installIndex(result->value());
        });
}

void EventPanel::installIndex(std::shared_ptr<const EventIndex> index) {
    m_indexing = false;
    m_indexBar->setVisible(false);
    m_index = std::move(index);
    m_tableModel->setIndex(m_index);
    m_search->setContext(&m_model, &m_pool, m_index);
    m_details->clearEvent();
    setStale(false);
    emit indexBuilt();
    if (m_hasPendingTime) {
        m_hasPendingTime = false;
        showTime(m_pendingTime);
    }
}

// Rows that no longer answer the filter the panel shows (it did not compile, or its index
// failed) stay readable but greyed, and the status says whose rows they are.
void EventPanel::setStale(bool stale) {
    m_stale = stale;
    m_table->setEnabled(!stale);
    const auto rows = static_cast<qulonglong>(m_index ? m_index->rows() : 0);
    if (stale) {
        m_status->setText(tr("Filter not applied: the table shows the %L1 events of the "
                             "previous filter")
                              .arg(rows));
    } else if (m_index && !m_indexing) {
        m_status->setText(tr("%L1 events").arg(rows));
    }
}

int EventPanel::selectedRow() const {
    return m_table->currentRowIndex();
}

void EventPanel::onRowSelected(int row) {
    m_search->setCurrentRow(row);
    if (row < 0) {
        m_details->clearEvent();
        return;
    }
    // The title first: reading cells may move the table's cursor, and the event handed
    // to withEvent() lives only as long as the cursor stays on it.
    auto text = [this, row](Column c) { return m_tableModel->cellText(row, c); };
    QString where = tr("CPU %1").arg(text(Column::Cpu));
    if (m_tableModel->severalBuffers()) where = text(Column::Buffer) + u' ' + where;
    QString title = tr("#%1   %2   %3   %4   %5-%6")
                        .arg(text(Column::Index), text(Column::Event), text(Column::Time), where,
                             text(Column::Task), text(Column::Pid));
    uint64_t ts = 0;
    uint32_t cpu = 0;
    m_tableModel->withEvent(row, [&](const EventRef& ev) {
        ts = ev.ts;
        cpu = ev.cpu;
        CallRecord call;
        bool graph = m_callReader.read(ev, call);
        m_details->showEvent(m_formats, ev, title, graph ? &call : nullptr);
    });
    emit eventSelected(ts, static_cast<int>(cpu));
}

void EventPanel::showTime(uint64_t t) {
    if (!indexReady()) {
        m_hasPendingTime = true;
        m_pendingTime = t;
        return;
    }
    int row = m_tableModel->rowNearTime(t);
    if (row < 0) return;
    QSignalBlocker block(this);  // the timeline asked; do not echo eventSelected back
    m_table->selectRow(row);
}

void EventPanel::setTimeRange(uint64_t from, uint64_t to) {
    EventFilter f = m_filter;
    f.from = from;
    f.to = to;
    setFilter(f);
}

void EventPanel::applyPanelFilter() {
    EventFilter f = m_filters->filter();
    f.from = m_filter.from;
    f.to = m_filter.to;
    // An advanced filter that does not compile never reaches the index builder; the table
    // keeps the previous filter's rows, marked as such.
    size_t column = kNoColumn;
    auto check = FilterMatcher::create(f, m_formats, &column);
    if (!check) {
        m_filters->setAdvancedError(QString::fromStdString(check.message()),
                                    column == kNoColumn ? -1 : static_cast<int>(column));
        setStale(true);
        return;
    }
    m_filters->setAdvancedError({});
    setStale(false);
    setFilter(f);
}

void EventPanel::setFilter(const EventFilter& filter) {
    if (filter == m_filter && m_index) return;
    m_filter = filter;
    emit filterChanged(m_filter);
    rebuildIndex();
}

}  // namespace kestrel
