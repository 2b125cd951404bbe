#pragma once
// The bar above the timeline that says what is missing from the trace on screen: what
// its reader found on opening (a file cut short, chunks left out: TraceSource::warnings())
// and what the passes skipped since (frames and pages that do not read: the model's
// DamageLog). One sentence says what and where; "Details" lists every piece. It is no
// dialog: the trace stays usable, and × dismisses it. The window calls showProblems()
// after the open and after each pass over the events, since passes find damage as they
// read; a dismissed banner comes back only when there is more to say.
#include <QFrame>
#include <QStringList>

class QLabel;
class QPlainTextEdit;
class QToolButton;

namespace kestrel {

class TraceModel;

struct DamageReport {
    QString summary;      // empty when nothing is missing
    QStringList details;  // one line per problem (the first 200)
    size_t count = 0;     // problems: warnings + damaged pieces
};

DamageReport describeProblems(const TraceModel& model);

class DamageBanner : public QFrame {
    Q_OBJECT
public:
    explicit DamageBanner(QWidget* parent = nullptr);
    void showProblems(const TraceModel* model);  // nullptr: no trace, nothing to say
    QString summary() const;
    QStringList details() const { return m_report.details; }
    void dismiss();

private:
    void toggleDetails();

    QLabel* m_summary = nullptr;
    QPlainTextEdit* m_details = nullptr;
    QToolButton* m_toggle = nullptr;
    QToolButton* m_close = nullptr;
    DamageReport m_report;
    size_t m_dismissedAt = 0;  // problems there were when × was pressed
    const TraceModel* m_model = nullptr;
};

}  // namespace kestrel
