#include "recording_page.h"

#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace kestrel {
namespace {

QString megabytes(quint64 bytes) {
    return QString::number(static_cast<double>(bytes) / 1e6, 'f', 2) + QStringLiteral(" MB");
}

void setRow(QTableWidget* table, int row, const QStringList& cells) {
    for (int col = 0; col < cells.size(); ++col) {
        auto* item = new QTableWidgetItem(cells[col]);
        item->setTextAlignment(col == 0 ? Qt::AlignLeft | Qt::AlignVCenter
                                        : Qt::AlignRight | Qt::AlignVCenter);
        table->setItem(row, col, item);
    }
}

}  // namespace

RecordingPage::RecordingPage(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    m_what = new QLabel(this);
    m_what->setWordWrap(true);
    m_elapsed = new QLabel(this);
    QFont big = m_elapsed->font();
    big.setPointSizeF(big.pointSizeF() * 1.6);
    m_elapsed->setFont(big);
    m_table = new QTableWidget(0, 5, this);
    m_table->setHorizontalHeaderLabels(
        {tr("CPU"), tr("Events"), tr("Raw"), tr("Written"), tr("Lost")});
    m_table->verticalHeader()->hide();
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    m_stop = new QPushButton(tr("Stop"), this);
    layout->addWidget(m_what);
    layout->addWidget(m_elapsed);
    layout->addWidget(m_table, 1);
    layout->addWidget(m_message);
    layout->addWidget(m_stop, 0, Qt::AlignRight);
    connect(m_stop, &QPushButton::clicked, this, &RecordingPage::stopRequested);
}

void RecordingPage::start(const QString& what) {
    m_what->setText(what);
    m_elapsed->setText(tr("Starting..."));
    m_message->clear();
    m_table->setRowCount(0);
    m_stop->setEnabled(true);
    m_stop->show();
}

void RecordingPage::showFigures(double elapsedSec, const QVector<RecordCpuFigures>& cpus) {
    m_elapsed->setText(tr("Recording: %1 s").arg(elapsedSec, 0, 'f', 1));
    m_table->setRowCount(static_cast<int>(cpus.size()) + 1);
    RecordCpuFigures total;
    int row = 0;
    for (const RecordCpuFigures& c : cpus) {
        setRow(m_table, row++,
               {tr("cpu%1").arg(c.cpu), QString::number(c.events), megabytes(c.rawBytes),
                megabytes(c.compressedBytes), QString::number(c.lost)});
        total.events += c.events;
        total.rawBytes += c.rawBytes;
        total.compressedBytes += c.compressedBytes;
        total.lost += c.lost;
    }
    setRow(m_table, row,
           {tr("all"), QString::number(total.events), megabytes(total.rawBytes),
            megabytes(total.compressedBytes), QString::number(total.lost)});
    QFont bold = m_table->font();
    bold.setBold(true);
    for (int col = 0; col < 5; ++col) m_table->item(row, col)->setFont(bold);
}

void RecordingPage::finish(bool ok, const QString& message) {
    m_elapsed->setText(ok ? tr("Recorded") : tr("Recording failed"));
    m_message->setText(message);
    m_message->setStyleSheet(ok ? QString() : QStringLiteral("color: #b00000"));
    m_stop->hide();
}

QString RecordingPage::elapsedText() const {
    return m_elapsed->text();
}

}  // namespace kestrel
