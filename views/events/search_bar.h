#pragma once
// Search over the table: a column, a text (contains or regular expression), next and
// previous. Each search runs in the background on every core (searchRows) with a real
// progress bar and a cancel button; the result is the row to select. It wraps at either end
// like an editor. A second background pass counts the matches (countMatches) whenever the
// query or the rows change, so the bar shows "N matches", and "n of N" for a match found.
// The actions (F3, Shift+F3, Ctrl+F) work anywhere in the window; a menu can hold them too.
#include <QWidget>
#include <memory>

#include "query/event_search.h"

class QComboBox;
class QLineEdit;
class QCheckBox;
class QProgressBar;
class QToolButton;
class QLabel;
class QAction;
class QTimer;

namespace kestrel {

class BackgroundPass;

class SearchBar : public QWidget {
    Q_OBJECT
public:
    explicit SearchBar(QWidget* parent = nullptr);
    ~SearchBar() override;

    void setContext(const TraceModel* model, FormatsPool* pool,
                    std::shared_ptr<const EventIndex> index);
    void setCurrentRow(int row) { m_current = row; }
    SearchQuery query() const;
    void setQuery(const SearchQuery& q);
    // Offers `column` in the column list or not (the Buffer column with one buffer).
    void setColumnOffered(Column column, bool offered);
    // A search or the count is running.
    bool busy() const;
    QLineEdit* textEdit() const { return m_text; }
    // Find next (F3), find previous (Shift+F3), focus the text (Ctrl+F); window-wide.
    QAction* findNextAction() const { return m_findNextAction; }
    QAction* findPreviousAction() const { return m_findPreviousAction; }
    QAction* focusAction() const { return m_focusAction; }

public slots:
    void findNext();
    void findPrevious();
    void cancel();
    // Puts the caret in the text field with the text selected.
    void focusText();

signals:
    void found(int row);
    void notFound();

private:
    void run(SearchDirection direction);
    void restartCount();
    void showCount();
    void setStatus(const QString& text);
    void numberFound();
    QAction* addShortcutAction(const QString& text, const QKeySequence& keys);

    const TraceModel* m_model = nullptr;
    FormatsPool* m_pool = nullptr;
    std::shared_ptr<const EventIndex> m_index;
    int m_current = -1;
    QComboBox* m_column = nullptr;
    QLineEdit* m_text = nullptr;
    QComboBox* m_mode = nullptr;
    QCheckBox* m_case = nullptr;
    QToolButton* m_prev = nullptr;
    QToolButton* m_next = nullptr;
    QProgressBar* m_bar = nullptr;
    QToolButton* m_cancel = nullptr;
    QLabel* m_status = nullptr;
    BackgroundPass* m_pass = nullptr;
    // The count: of m_countedQuery over m_index; m_number is the place of m_found among
    // the matches (0: not known).
    BackgroundPass* m_countPass = nullptr;
    QTimer* m_countDelay = nullptr;  // typing restarts the count once, not per key
    QLabel* m_count = nullptr;
    QToolButton* m_countCancel = nullptr;
    std::shared_ptr<const MatchCounts> m_counts;
    SearchQuery m_countedQuery;
    int m_found = -1;
    uint64_t m_number = 0;
    QAction* m_findNextAction = nullptr;
    QAction* m_findPreviousAction = nullptr;
    QAction* m_focusAction = nullptr;
};

}  // namespace kestrel
