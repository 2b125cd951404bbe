#pragma once
// The timeline's commands, one QAction each, with their keys: the one place a timeline
// key is defined. The actions belong to the view and their keys act only while the
// timeline has focus (Qt::WidgetWithChildrenShortcut), so a key typed in the event table
// or the search field means what it means there. The menus and the tool bar show the
// same actions (a click on them acts on the timeline wherever the focus is); Help > Keys
// and the README list their keys.
#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QString>
#include <utility>

class QAction;
class QKeyEvent;

namespace kestrel {

class TimelineView;

class TimelineActions : public QObject {
    Q_OBJECT
public:
    explicit TimelineActions(TimelineView* view);

    QAction* zoomIn = nullptr;          // + = W: at the mouse, else at the middle
    QAction* zoomOut = nullptr;         // - S
    QAction* zoomFit = nullptr;         // F: the whole trace
    QAction* zoomSelection = nullptr;   // Z: the selected range, which is then cleared
    QAction* zoomMarkers = nullptr;     // from marker A to marker B
    QAction* panLeft = nullptr;         // Left
    QAction* panRight = nullptr;        // Right
    QAction* toStart = nullptr;         // Home: the trace's start, same zoom
    QAction* toEnd = nullptr;           // End
    QAction* markerA = nullptr;         // 1: marker A at the mouse
    QAction* markerB = nullptr;         // 2
    QAction* goToA = nullptr;           // Ctrl+1: marker A to the middle of the view
    QAction* goToB = nullptr;           // Ctrl+2
    QAction* clearSelection = nullptr;  // Esc: the selected range only
    QAction* clearMarkers = nullptr;    // Del: markers A and B

    QList<QAction*> all() const;
    // A key that reached the view itself (its window is not the active one, so Qt's
    // shortcut map did not see it): triggers the action bound to it. False when none is.
    bool trigger(const QKeyEvent& e) const;

    // What the mouse does on the timeline, for Help > Keys: (gesture, effect).
    static QList<std::pair<QString, QString>> mouseHelp();

private:
    QAction* add(const QString& text, const QList<QKeySequence>& keys, const QString& tip);

    TimelineView* m_view;
};

}  // namespace kestrel
