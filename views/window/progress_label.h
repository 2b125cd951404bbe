#pragma once
// The text of a progress bar, beside it instead of over its fill (where styles draw it
// across the moving edge of the chunk): the label shows and hides with the bar and says
// `format` with %p replaced by the percentage, as QProgressBar::format does.
#include <QLabel>

class QProgressBar;

namespace kestrel {

class ProgressLabel : public QLabel {
    Q_OBJECT
public:
    ProgressLabel(QProgressBar* bar, const QString& format, QWidget* parent = nullptr);

protected:
    bool eventFilter(QObject* watched, QEvent* e) override;

private:
    void showValue();

    QProgressBar* m_bar;
    QString m_format;
};

}  // namespace kestrel
