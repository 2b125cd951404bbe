#pragma once
// Help > Keys and mouse, and Help > About. The key list is read from the window's
// actions (the timeline's, the menus', any other widget's), so it lists every key the
// window binds, as bound.
#include <QString>

class QWidget;

namespace kestrel {

class MainWindow;

// "0.1.0", the project's version.
QString kestrelVersion();
// The Keys dialog's text (HTML): keys by the widget they act in, then the mouse.
QString keyHelpText(const MainWindow& window);
// The About dialog's text (HTML): version, the file formats read, the libraries.
QString aboutText();
void showKeysDialog(MainWindow* window);
void showAboutDialog(QWidget* parent);

}  // namespace kestrel
