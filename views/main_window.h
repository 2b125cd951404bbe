#pragma once
// The kestrel main window. At this stage it opens a trace and shows its summary;
// the timeline, table and analyses come with their own views.
#include <QMainWindow>
#include <memory>

class QLabel;

namespace kestrel {

class TraceModel;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;
    bool openFile(const QString& path);  // false (and a message box) on bad input
    const TraceModel* model() const { return m_model.get(); }

private:
    void chooseFile();
    void showSummary();

    std::unique_ptr<TraceModel> m_model;
    QLabel* m_summary = nullptr;
};

}  // namespace kestrel
