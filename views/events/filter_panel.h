#pragma once
// Task, event type and CPU filters (check lists; everything checked = no filter) and
// the advanced filter in libtraceevent's syntax. Edits are applied after a short pause
// so that ticking several boxes starts one rebuild.
#include <QTimer>
#include <QWidget>

#include "analysis/trace_scan.h"
#include "query/event_filter.h"

class QListWidget;
class QLineEdit;
class QLabel;
class QVBoxLayout;

namespace kestrel {

class FilterPanel : public QWidget {
    Q_OBJECT
public:
    FilterPanel(const TraceModel& model, const EventFormats& formats, QWidget* parent = nullptr);

    // Fills the task and event lists with what the scan found (counts shown), keeping
    // the choices of `current` (the scan may finish after the user filtered).
    void setScan(const ScanResult& scan, const EventFilter& current = {});
    // The filter the controls describe (time range left open: the panel's owner sets it).
    EventFilter filter() const;
    // Checks what `filter` selects and shows its advanced text, without filterChanged: a
    // filter restored from a session, which the panel's owner applies itself.
    void showFilter(const EventFilter& filter);
    // Shows `message` under the advanced filter ("" hides it); `column` (into the text,
    // -1: none) puts a caret under the problem and the field's cursor on it.
    void setAdvancedError(const QString& message, int column = -1);
    QString advancedError() const;  // what the panel shows under the advanced filter, or ""

    QListWidget* tasks() const { return m_tasks; }
    QListWidget* events() const { return m_events; }
    QListWidget* cpus() const { return m_cpus; }
    QLineEdit* advanced() const { return m_advanced; }
    // The width at which every list shows its longest row whole.
    int contentWidth() const;

signals:
    void filterChanged();

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    QListWidget* makeList(const QString& title, QVBoxLayout* layout);
    void showErrorPlace();
    void fitToContent();

    const TraceModel& m_model;
    const EventFormats& m_formats;
    QListWidget* m_tasks = nullptr;
    QListWidget* m_events = nullptr;
    QListWidget* m_cpus = nullptr;
    QLineEdit* m_advanced = nullptr;
    QLabel* m_error = nullptr;
    QLabel* m_errorPlace = nullptr;  // the text and a caret line, in a fixed-width font
    QString m_errorText;             // the text the error is about
    int m_errorColumn = -1;
    QTimer m_debounce;
};

}  // namespace kestrel
