// kestrel: the GUI. `kestrel [FILE]`
#include <QApplication>

#include "main_window.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("kestrel");
    QApplication::setOrganizationName("kestrel");
    kestrel::MainWindow window;
    window.show();
    const QStringList args = QApplication::arguments();
    if (args.size() > 1) window.openFile(args.at(1));
    return QApplication::exec();
}
