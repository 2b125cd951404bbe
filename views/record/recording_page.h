#pragma once
// The record dialog's "recording" page: elapsed time, per-CPU figures (events, raw and
// written bytes, lost events) and their totals, a Stop button while it runs, and how it
// ended once it has.
#include <QVector>
#include <QWidget>

#include "record/record_figures.h"

class QLabel;
class QPushButton;
class QTableWidget;

namespace kestrel {

class RecordingPage : public QWidget {
    Q_OBJECT
public:
    explicit RecordingPage(QWidget* parent = nullptr);

    void start(const QString& what);
    void showFigures(double elapsedSec, const QVector<RecordCpuFigures>& cpus);
    void finish(bool ok, const QString& message);
    QTableWidget* table() const { return m_table; }
    QPushButton* stopButton() const { return m_stop; }
    QString elapsedText() const;

signals:
    void stopRequested();

private:
    QLabel* m_what = nullptr;
    QLabel* m_elapsed = nullptr;
    QTableWidget* m_table = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_stop = nullptr;
};

}  // namespace kestrel
