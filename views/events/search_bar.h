#pragma once
// Search over the table: a column, a text (contains or regular expression), next and
// previous. Each search runs in the background on every core (searchRows) with a real
// progress bar and a cancel button; the result is the row to select.
#include <QWidget>
#include <memory>

#include "query/event_search.h"

class QComboBox;
class QLineEdit;
class QCheckBox;
class QProgressBar;
class QToolButton;
class QLabel;

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
    bool busy() const;
    QLineEdit* textEdit() const { return m_text; }

public slots:
    void findNext();
    void findPrevious();
    void cancel();

signals:
    void found(int row);
    void notFound();

private:
    void run(SearchDirection direction);

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
};

}  // namespace kestrel
