#include "main_window.h"

#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>

#include "trace_model.h"

namespace kestrel {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    setWindowTitle("Kestrel");
    resize(1200, 700);
    m_summary = new QLabel(tr("Open a .ktr or trace.dat file (File > Open)."), this);
    m_summary->setAlignment(Qt::AlignLeft | Qt::AlignTop);
    m_summary->setMargin(16);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    setCentralWidget(m_summary);
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("&Open..."), QKeySequence::Open, this, &MainWindow::chooseFile);
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);
}

MainWindow::~MainWindow() = default;

void MainWindow::chooseFile() {
    QString path = QFileDialog::getOpenFileName(this, tr("Open trace"), QString(),
                                                tr("Traces (*.ktr *.dat);;All files (*)"));
    if (!path.isEmpty()) openFile(path);
}

bool MainWindow::openFile(const QString& path) {
    auto opened = TraceModel::open(path.toStdString());
    if (!opened) {
        QMessageBox::warning(this, tr("Cannot open trace"), QString::fromStdString(opened.message()));
        return false;
    }
    m_model = std::move(opened.value());
    setWindowTitle(QStringLiteral("Kestrel — %1").arg(path));
    showSummary();
    return true;
}

void MainWindow::showSummary() {
    const TraceModel& m = *m_model;
    double seconds = (m.endTime() - m.startTime()) / 1e9;
    QString text = tr("<h3>%1</h3><p>%2<br>kernel: %3<br>clock: %4<br>%5 CPUs, %6 frames, "
                      "%7 s</p>")
                       .arg(QString::fromStdString(m.source().path()).toHtmlEscaped(),
                            QString::fromStdString(m.source().formatName()),
                            QString::fromStdString(m.meta().uname).toHtmlEscaped(),
                            QString::fromStdString(m.meta().traceClock))
                       .arg(m.cpuCount())
                       .arg(m.frames().size())
                       .arg(seconds, 0, 'f', 6);
    m_summary->setText(text);
}

}  // namespace kestrel
