#include "events/search_bar.h"

#include <QAction>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QTimer>
#include <QToolButton>

#include "jobs/background_pass.h"

namespace kestrel {

SearchBar::SearchBar(QWidget* parent)
    : QWidget(parent),
      m_pass(new BackgroundPass(this)),
      m_countPass(new BackgroundPass(this)),
      m_countDelay(new QTimer(this)) {
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addWidget(new QLabel(tr("Search"), this));
    m_column = new QComboBox(this);
    for (int c = 0; c < static_cast<int>(Column::Count); ++c) {
        m_column->addItem(QString::fromLatin1(columnName(static_cast<Column>(c))), c);
    }
    m_column->setCurrentIndex(m_column->findData(static_cast<int>(Column::Info)));
    m_mode = new QComboBox(this);
    m_mode->addItem(tr("contains"));
    m_mode->addItem(tr("regex"));
    m_text = new QLineEdit(this);
    m_text->setPlaceholderText(tr("text to find"));
    m_text->setClearButtonEnabled(true);
    m_case = new QCheckBox(tr("Match case"), this);
    m_case->setToolTip(tr("Upper and lower case letters differ when checked"));
    m_case->setAccessibleName(tr("Match case"));
    m_case->setChecked(true);
    m_prev = new QToolButton(this);
    m_prev->setText(tr("Previous"));
    m_next = new QToolButton(this);
    m_next->setText(tr("Next"));
    m_bar = new QProgressBar(this);
    m_bar->setMaximumWidth(140);
    m_bar->setTextVisible(false);  // styles draw it over the fill; the status says how far
    m_bar->setVisible(false);
    m_cancel = new QToolButton(this);
    m_cancel->setText(tr("Cancel"));
    m_cancel->setVisible(false);
    m_status = new QLabel(this);
    m_status->setObjectName(QStringLiteral("searchStatus"));
    // A long message (a bad regular expression) wraps rather than widening the bar past the
    // window's edge, where it was cut.
    m_status->setWordWrap(true);
    m_status->setTextFormat(Qt::PlainText);
    m_status->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    m_status->setMinimumWidth(m_status->fontMetrics().averageCharWidth() * 8);
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("searchCount"));
    m_countCancel = new QToolButton(this);
    m_countCancel->setText(tr("Stop counting"));
    m_countCancel->setVisible(false);
    layout->addWidget(m_column);
    layout->addWidget(m_mode);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_case);
    layout->addWidget(m_prev);
    layout->addWidget(m_next);
    layout->addWidget(m_bar);
    layout->addWidget(m_cancel);
    layout->addWidget(m_status);
    layout->addWidget(m_count);
    layout->addWidget(m_countCancel);

    connect(m_text, &QLineEdit::returnPressed, this, &SearchBar::findNext);
    connect(m_next, &QToolButton::clicked, this, &SearchBar::findNext);
    connect(m_prev, &QToolButton::clicked, this, &SearchBar::findPrevious);
    connect(m_cancel, &QToolButton::clicked, this, &SearchBar::cancel);
    connect(m_pass, &BackgroundPass::progress, this, [this](qint64 done, qint64 total) {
        m_bar->setMaximum(static_cast<int>(std::max<qint64>(total, 1)));
        m_bar->setValue(static_cast<int>(done));
        // Only a search counts chunks (numbering a match found does not).
        if (total > 0) setStatus(tr("searching… %1%").arg(100 * done / total));
    });
    connect(m_pass, &BackgroundPass::started, this, [this] {
        m_bar->setValue(0);
        m_bar->setVisible(true);
        m_cancel->setVisible(true);
    });
    connect(m_pass, &BackgroundPass::stopped, this, [this] {
        m_bar->setVisible(false);
        m_cancel->setVisible(false);
    });

    m_countDelay->setSingleShot(true);
    m_countDelay->setInterval(250);
    connect(m_countDelay, &QTimer::timeout, this, &SearchBar::restartCount);
    auto queryEdited = [this] {
        m_found = -1;
        m_number = 0;
        m_countDelay->start();
    };
    connect(m_text, &QLineEdit::textChanged, this, queryEdited);
    connect(m_column, &QComboBox::currentIndexChanged, this, queryEdited);
    connect(m_mode, &QComboBox::currentIndexChanged, this, queryEdited);
    connect(m_case, &QCheckBox::toggled, this, queryEdited);
    connect(m_countCancel, &QToolButton::clicked, this, [this] {
        m_countPass->cancel();
        m_count->setText(tr("count stopped"));
    });
    connect(m_countPass, &BackgroundPass::progress, this, [this](qint64 done, qint64 total) {
        m_count->setText(tr("counting… %1%").arg(100 * done / std::max<qint64>(total, 1)));
    });
    connect(m_countPass, &BackgroundPass::started, this, [this] {
        m_count->setText(tr("counting…"));
        m_countCancel->setVisible(true);
    });
    connect(m_countPass, &BackgroundPass::stopped, this,
            [this] { m_countCancel->setVisible(false); });

    m_findNextAction = addShortcutAction(tr("Find Next"), QKeySequence(Qt::Key_F3));
    m_findPreviousAction =
        addShortcutAction(tr("Find Previous"), QKeySequence(Qt::SHIFT | Qt::Key_F3));
    m_focusAction = addShortcutAction(tr("Find…"), QKeySequence::Find);
    connect(m_findNextAction, &QAction::triggered, this, &SearchBar::findNext);
    connect(m_findPreviousAction, &QAction::triggered, this, &SearchBar::findPrevious);
    connect(m_focusAction, &QAction::triggered, this, &SearchBar::focusText);
}

// Window-wide, so F3 works from the table; the window may also put the action in a menu.
QAction* SearchBar::addShortcutAction(const QString& text, const QKeySequence& keys) {
    auto* action = new QAction(text, this);
    action->setShortcut(keys);
    action->setShortcutContext(Qt::WindowShortcut);
    addAction(action);
    return action;
}

// The tooltip holds the whole message, should a word be longer than the label is wide.
void SearchBar::setStatus(const QString& text) {
    m_status->setText(text);
    m_status->setToolTip(text);
}

void SearchBar::focusText() {
    m_text->setFocus(Qt::ShortcutFocusReason);
    m_text->selectAll();
}

SearchBar::~SearchBar() {
    m_pass->cancel();
    m_countPass->cancel();
}

void SearchBar::setContext(const TraceModel* model, FormatsPool* pool,
                           std::shared_ptr<const EventIndex> index) {
    m_pass->cancel();
    m_model = model;
    m_pool = pool;
    m_index = std::move(index);
    m_current = -1;
    m_found = -1;
    m_number = 0;
    restartCount();  // the rows changed (a filter, a range)
}

void SearchBar::restartCount() {
    m_countDelay->stop();
    m_countPass->cancel();
    m_counts.reset();
    m_count->clear();
    if (!m_model || !m_pool || !m_index || m_text->text().isEmpty()) return;
    auto result = std::make_shared<Result<MatchCounts>>(Status::error("not run"));
    auto index = m_index;
    const TraceModel* model = m_model;
    FormatsPool* pool = m_pool;
    SearchQuery q = query();
    m_countPass->start(
        [=](Progress& progress) { *result = countMatches(*model, *index, *pool, q, &progress); },
        [this, result, q] {
            if (!result->ok()) {
                // A bad regex: the search says why; the count just says it has none.
                m_count->setText(result->message() == "cancelled" ? tr("count stopped")
                                                                  : QString());
                return;
            }
            m_counts = std::make_shared<const MatchCounts>(std::move(result->value()));
            m_countedQuery = q;
            showCount();
            // A match found while counting gets its number now (one chunk's walk).
            if (m_found >= 0 && !m_pass->running()) numberFound();
        });
}

void SearchBar::numberFound() {
    auto number = std::make_shared<uint64_t>(0);
    auto counts = m_counts;
    auto index = m_index;
    const TraceModel* model = m_model;
    FormatsPool* pool = m_pool;
    const SearchQuery q = m_countedQuery;
    const auto row = static_cast<uint64_t>(m_found);
    m_pass->start(
        [=](Progress&) {
            auto n = matchNumber(*model, *index, *pool, q, *counts, row);
            if (n.ok()) *number = n.value();
        },
        [this, number] {
            m_number = *number;
            showCount();
        });
}

void SearchBar::showCount() {
    if (!m_counts) return;
    const auto total = static_cast<qulonglong>(m_counts->total);
    if (m_number > 0) {
        m_count->setText(tr("%L1 of %L2").arg(static_cast<qulonglong>(m_number)).arg(total));
    } else if (total == 0) {
        m_count->setText(tr("no matches"));
    } else {
        m_count->setText(tr("%L1 matches").arg(total));
    }
}

SearchQuery SearchBar::query() const {
    SearchQuery q;
    q.column = static_cast<Column>(m_column->currentData().toInt());
    q.text = m_text->text().toStdString();
    q.regex = m_mode->currentIndex() == 1;
    q.caseSensitive = m_case->isChecked();
    return q;
}

void SearchBar::setColumnOffered(Column column, bool offered) {
    const int at = m_column->findData(static_cast<int>(column));
    if (offered && at < 0) {
        int before = 0;  // in column order
        while (before < m_column->count() &&
               m_column->itemData(before).toInt() < static_cast<int>(column)) {
            ++before;
        }
        m_column->insertItem(before, QString::fromLatin1(columnName(column)),
                             static_cast<int>(column));
    } else if (!offered && at >= 0) {
        m_column->removeItem(at);
    }
}

void SearchBar::setQuery(const SearchQuery& q) {
    const int at = m_column->findData(static_cast<int>(q.column));
    if (at >= 0) m_column->setCurrentIndex(at);
    m_text->setText(QString::fromStdString(q.text));
    m_mode->setCurrentIndex(q.regex ? 1 : 0);
    m_case->setChecked(q.caseSensitive);
}

bool SearchBar::busy() const {
    return m_pass->running() || m_countPass->running() || m_countDelay->isActive();
}

void SearchBar::findNext() {
    run(SearchDirection::Forward);
}
void SearchBar::findPrevious() {
    run(SearchDirection::Backward);
}
void SearchBar::cancel() {
    if (m_pass->running()) setStatus(tr("cancelled"));
    m_pass->cancel();
}

// Wraps like an editor: when nothing lies between the current row and the end of the
// table (in the search's direction), the search continues from the other end, and the
// status says it wrapped.
void SearchBar::run(SearchDirection direction) {
    if (!m_model || !m_pool || !m_index || m_text->text().isEmpty()) return;
    const bool forward = direction == SearchDirection::Forward;
    const uint64_t rows = m_index->rows();
    // kNoRow: nothing on this side of the current row; search only the wrapped pass.
    const uint64_t start = forward         ? static_cast<uint64_t>(m_current + 1)
                           : m_current > 0 ? static_cast<uint64_t>(m_current - 1)
                                           : kNoRow;
    const uint64_t wrapStart = forward ? 0 : (rows > 0 ? rows - 1 : 0);
    auto result = std::make_shared<Result<uint64_t>>(Status::error("not run"));
    auto wrapped = std::make_shared<bool>(false);
    auto number = std::make_shared<uint64_t>(0);
    // The count, when it is of this query and these rows, numbers the match found.
    std::shared_ptr<const MatchCounts> counts;
    if (m_counts && m_countedQuery == query()) counts = m_counts;
    auto index = m_index;
    const TraceModel* model = m_model;
    FormatsPool* pool = m_pool;
    SearchQuery q = query();
    setStatus({});
    m_pass->start(
        [=](Progress& progress) {
            if (start != kNoRow) {
                *result = searchRows(*model, *index, *pool, q, start, direction, &progress);
            }
            if (start == kNoRow || (result->ok() && result->value() == kNoRow)) {
                *wrapped = true;
                *result = searchRows(*model, *index, *pool, q, wrapStart, direction, &progress);
            }
            if (counts && result->ok() && result->value() != kNoRow) {
                auto n = matchNumber(*model, *index, *pool, q, *counts, result->value());
                if (n.ok()) *number = n.value();
            }
        },
        [this, result, wrapped, forward, number] {
            if (!result->ok()) {
                setStatus(QString::fromStdString(result->message()));
                emit notFound();
            } else if (result->value() == kNoRow) {
                setStatus(tr("not found"));
                emit notFound();
            } else {
                setStatus(!*wrapped ? QString()
                          : forward ? tr("wrapped to the top")
                                    : tr("wrapped to the bottom"));
                m_current = static_cast<int>(result->value());
                m_found = m_current;
                m_number = *number;
                showCount();
                emit found(m_current);
            }
        });
}

}  // namespace kestrel
