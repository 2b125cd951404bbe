#include "timeline/timeline_actions.h"

#include <QAction>
#include <QKeyEvent>

#include "timeline/timeline_view.h"

namespace kestrel {

TimelineActions::TimelineActions(TimelineView* view) : QObject(view), m_view(view) {
    TimelineView* v = view;
    zoomIn = add(tr("Zoom &in"), {Qt::Key_Plus, Qt::Key_Equal, Qt::Key_W},
                 tr("Zoom in at the mouse (the middle of the view when the mouse is elsewhere)"));
    zoomOut = add(tr("Zoom &out"), {Qt::Key_Minus, Qt::Key_S}, tr("Zoom out"));
    zoomFit = add(tr("Zoom to &fit"), {Qt::Key_F}, tr("Show the whole trace"));
    zoomSelection = add(tr("Zoom to &selection"), {Qt::Key_Z},
                        tr("Show the selected range, then clear the selection"));
    zoomMarkers = add(tr("Zoom to &markers A-B"), {}, tr("Show the time from marker A to B"));
    panLeft = add(tr("Pan left"), {Qt::Key_Left}, tr("Move an eighth of the view earlier"));
    panRight = add(tr("Pan right"), {Qt::Key_Right}, tr("Move an eighth of the view later"));
    toStart = add(tr("Go to start"), {Qt::Key_Home}, tr("The trace's start, at the same zoom"));
    toEnd = add(tr("Go to end"), {Qt::Key_End}, tr("The trace's end, at the same zoom"));
    markerA = add(tr("Marker &A at the mouse"), {Qt::Key_1},
                  tr("Place marker A where the mouse is (a click does the same)"));
    markerB = add(tr("Marker &B at the mouse"), {Qt::Key_2},
                  tr("Place marker B where the mouse is (Shift+click does the same)"));
    goToA = add(tr("Go to marker A"), {QKeySequence(Qt::CTRL | Qt::Key_1)},
                tr("Bring marker A to the middle of the view"));
    goToB = add(tr("Go to marker B"), {QKeySequence(Qt::CTRL | Qt::Key_2)},
                tr("Bring marker B to the middle of the view"));
    clearSelection =
        add(tr("Clear selection"), {Qt::Key_Escape}, tr("Clear the selected range (markers stay)"));
    clearMarkers = add(tr("Clear markers"), {Qt::Key_Delete}, tr("Remove markers A and B"));

    connect(zoomIn, &QAction::triggered, v, [v] { v->zoomBy(2.0, v->anchorX()); });
    connect(zoomOut, &QAction::triggered, v, [v] { v->zoomBy(0.5, v->anchorX()); });
    connect(zoomFit, &QAction::triggered, v, &TimelineView::zoomToFit);
    connect(zoomSelection, &QAction::triggered, v, &TimelineView::zoomToSelection);
    connect(zoomMarkers, &QAction::triggered, v, &TimelineView::zoomToMarkers);
    connect(panLeft, &QAction::triggered, v, [v] { v->panBy(-v->scale().width / 8.0); });
    connect(panRight, &QAction::triggered, v, [v] { v->panBy(v->scale().width / 8.0); });
    connect(toStart, &QAction::triggered, v, [v] { v->goToEnd(false); });
    connect(toEnd, &QAction::triggered, v, [v] { v->goToEnd(true); });
    connect(markerA, &QAction::triggered, v, [v] { v->markerAtMouse(false); });
    connect(markerB, &QAction::triggered, v, [v] { v->markerAtMouse(true); });
    connect(goToA, &QAction::triggered, v, [v] { v->goToMarker(false); });
    connect(goToB, &QAction::triggered, v, [v] { v->goToMarker(true); });
    connect(clearSelection, &QAction::triggered, v, &TimelineView::clearSelection);
    connect(clearMarkers, &QAction::triggered, v, &TimelineView::clearMarkers);
}

QAction* TimelineActions::add(const QString& text, const QList<QKeySequence>& keys,
                              const QString& tip) {
    auto* action = new QAction(text, this);
    action->setShortcuts(keys);
    action->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    action->setToolTip(tip);
    action->setStatusTip(tip);
    m_view->addAction(action);  // its keys act while the view has focus
    return action;
}

QList<QAction*> TimelineActions::all() const {
    return {zoomIn,  zoomOut,  zoomFit, zoomSelection,  zoomMarkers,
            panLeft, panRight, toStart, toEnd,          markerA,
            markerB, goToA,    goToB,   clearSelection, clearMarkers};
}

// '+' arrives as Shift+'+' on most layouts, and keypad keys carry KeypadModifier: the
// key counts without either, as Qt's shortcut map also tries it.
bool TimelineActions::trigger(const QKeyEvent& e) const {
    const Qt::KeyboardModifiers mods = e.modifiers();
    const QList<QKeySequence> tries = {
        QKeySequence(QKeyCombination(mods, Qt::Key(e.key()))),
        QKeySequence(
            QKeyCombination(mods & ~(Qt::ShiftModifier | Qt::KeypadModifier), Qt::Key(e.key())))};
    for (QAction* action : all()) {
        if (!action->isEnabled()) continue;
        for (const QKeySequence& key : action->shortcuts()) {
            if (tries.contains(key)) {
                action->trigger();
                return true;
            }
        }
    }
    return false;
}

QList<std::pair<QString, QString>> TimelineActions::mouseHelp() {
    return {
        {tr("Wheel, Ctrl+wheel"), tr("zoom at the mouse")},
        {tr("Shift+wheel"), tr("pan")},
        {tr("Wheel over the row labels"), tr("scroll the rows")},
        {tr("Drag"), tr("pan")},
        {tr("Click"), tr("marker A (and the event table goes to the nearest event)")},
        {tr("Shift+click"), tr("marker B")},
        {tr("Right-drag, Ctrl+drag"), tr("select a range (the event table shows just that)")},
        {tr("Click a buffer header"), tr("collapse or expand its CPU rows")},
        {tr("Right-click a task label"), tr("remove the task row")},
    };
}

}  // namespace kestrel
