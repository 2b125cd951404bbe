#pragma once
// The File menu: Open..., Open Recent, Compare with... (a second trace's latencies on the
// Latency tab's histogram), Remove comparison, Export session..., Import session..., Quit. Open
// Recent lists the last ten traces opened (QSettings "recentFiles", absolute paths) that
// are still there: files that are gone are dropped from the list whenever it is shown,
// and when opening one finds it missing. Export and import need a trace on screen.
#include <QObject>
#include <QStringList>

class QAction;
class QMenu;

namespace kestrel {

class MainWindow;

class FileMenu : public QObject {
    Q_OBJECT
public:
    explicit FileMenu(MainWindow* window);
    QMenu* menu() const { return m_menu; }
    QMenu* recentMenu() const { return m_recent; }
    QAction* openAction() const { return m_open; }  // also on the tool bar

    void addRecent(const QString& path);
    void forgetRecent(const QString& path);
    // Newest first, without (and forgetting) the files that are gone.
    QStringList recentFiles();
    void setTraceLoaded(bool loaded);

private:
    void fillRecent();
    void chooseTrace();
    void chooseExport();
    void chooseImport();
    void chooseComparison();

    MainWindow* m_window;
    QMenu* m_menu = nullptr;
    QMenu* m_recent = nullptr;
    QAction* m_open = nullptr;
    QAction* m_export = nullptr;
    QAction* m_import = nullptr;
    QAction* m_compare = nullptr;
    QAction* m_uncompare = nullptr;
};

}  // namespace kestrel
