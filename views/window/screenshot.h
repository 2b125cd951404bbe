#pragma once
// KESTREL_SCREENSHOT=PATH: once the window is idle (the analysis has landed, the event
// panel has its row index and its lists), the window draws itself into PATH (PNG) and
// the application quits; exit status 1 when the trace did not open or analyse.
// KESTREL_SCREENSHOT_MENU=TITLE draws that menu of the menu bar opened ("View", "Filter").
// KESTREL_SCREENSHOT_TAB=TITLE shows that tab of the bottom area ("Flame graph"). A
// function_graph trace is drawn once its call trees are built as well.
// KESTREL_SCREENSHOT_FLAME=diff compares markers A–B (before) with the selected range
// (after) in the "Flame graph" tab, =icicle draws it upside down; the picture waits for
// the graph. KESTREL_SCREENSHOT_FUNCTION=NAME selects that function in the "Functions"
// tab, so its callers and callees show. KESTREL_SCREENSHOT_LATENCY=KIND ("wakeup", "irq",
// ... as `ktr latency` names them) runs that kind on the "Latency" tab and shows it;
// KESTREL_SCREENSHOT_LATENCY_WORST=N then goes to the Nth worst instance (1: the worst),
// KESTREL_SCREENSHOT_COMPARE=PATH compares with that trace's latencies of the same kind,
// KESTREL_SCREENSHOT_BREAKDOWN=key|task|cpu stacks the histogram's bars by that field.
// When the session placed marker A, the event table shows the event there with its
// details, as a click on A would. scripts/screenshots.sh takes the README's pictures so.
#include <QObject>
#include <QString>

namespace kestrel {

class MainWindow;

class Screenshot : public QObject {
    Q_OBJECT
public:
    // Reads the variables; does nothing when KESTREL_SCREENSHOT is unset.
    static void armFromEnvironment(MainWindow* window);
    Screenshot(MainWindow* window, const QString& path, const QString& menu);

private:
    void analysed(bool ok);
    void whenPanelReady();
    void showTab();
    void setFlameMode();
    bool selectFunction();
    void whenViewsReady();
    void runLatency();
    void whenLatencyReady();
    void take();

    MainWindow* m_window;
    QString m_path;
    QString m_menu;
    QString m_tab;
    QString m_flame;
    QString m_function;
    QString m_latency;
    int m_worst = 0;
    QString m_compare;
    QString m_breakdown;
};

}  // namespace kestrel
