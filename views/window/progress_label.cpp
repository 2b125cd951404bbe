#include "window/progress_label.h"

#include <QEvent>
#include <QProgressBar>

namespace kestrel {

ProgressLabel::ProgressLabel(QProgressBar* bar, const QString& format, QWidget* parent)
    : QLabel(parent), m_bar(bar), m_format(format) {
    bar->setTextVisible(false);
    bar->installEventFilter(this);
    setVisible(!bar->isHidden());
    connect(bar, &QProgressBar::valueChanged, this, &ProgressLabel::showValue);
    showValue();
}

bool ProgressLabel::eventFilter(QObject* watched, QEvent* e) {
    if (watched == m_bar &&
        (e->type() == QEvent::ShowToParent || e->type() == QEvent::HideToParent))
        setVisible(e->type() == QEvent::ShowToParent);
    return QLabel::eventFilter(watched, e);
}

void ProgressLabel::showValue() {
    const int span = m_bar->maximum() - m_bar->minimum();
    const int percent = span > 0 ? (m_bar->value() - m_bar->minimum()) * 100 / span : 0;
    setText(QString(m_format).replace(QStringLiteral("%p"), QString::number(std::max(0, percent))));
}

}  // namespace kestrel
