#include "window/help_dialogs.h"

#include <QAction>
#include <QDialog>
#include <QDialogButtonBox>
#include <QMessageBox>
#include <QTextBrowser>
#include <QVBoxLayout>
#include <utility>

#include "timeline/timeline_actions.h"
#include "timeline/timeline_view.h"
#include "window/main_window.h"

namespace kestrel {
namespace {

using Rows = QList<std::pair<QString, QString>>;

QString plain(const QAction* action) {
    return action->text().remove(QLatin1Char('&')).remove(QStringLiteral("..."));
}

QString keysOf(const QAction* action) {
    QStringList keys;
    for (const QKeySequence& k : action->shortcuts()) keys << k.toString(QKeySequence::NativeText);
    return keys.join(QStringLiteral(", "));
}

QString table(const QString& title, const Rows& rows) {
    if (rows.isEmpty()) return {};
    QString html = QStringLiteral("<h3>%1</h3><table cellspacing=\"0\" cellpadding=\"3\">")
                       .arg(title.toHtmlEscaped());
    for (const auto& [keys, what] : rows) {
        html += QStringLiteral("<tr><td><b>%1</b></td><td>%2</td></tr>")
                    .arg(keys.toHtmlEscaped(), what.toHtmlEscaped());
    }
    return html + QStringLiteral("</table>");
}

}  // namespace

QString kestrelVersion() {
    return QStringLiteral(KESTREL_VERSION);
}

QString keyHelpText(const MainWindow& window) {
    const QList<QAction*> timelineActions = window.timelineView()->keyActions()->all();
    Rows timeline, everywhere, widgets;
    for (const QAction* a : timelineActions) {
        if (!a->shortcuts().isEmpty()) timeline.append({keysOf(a), plain(a)});
    }
    QList<const QAction*> seen;
    for (const QAction* a : window.findChildren<QAction*>()) {
        if (a->shortcuts().isEmpty() || timelineActions.contains(a) || seen.contains(a)) continue;
        seen.append(a);
        const bool global = a->shortcutContext() == Qt::WindowShortcut ||
                            a->shortcutContext() == Qt::ApplicationShortcut;
        (global ? everywhere : widgets).append({keysOf(a), plain(a)});
    }
    const Rows tableKeys = {
        {QObject::tr("Up, Down, Page Up, Page Down"), QObject::tr("move through the events")},
        {QObject::tr("Ctrl+Home, Ctrl+End"), QObject::tr("the first, the last event")},
        {QObject::tr("Home, End"), QObject::tr("the first, the last column")},
    };
    return table(QObject::tr("Anywhere in the window"), everywhere) +
           table(QObject::tr("Timeline (once it has focus: click it)"), timeline) +
           table(QObject::tr("Event table (once it has focus)"), tableKeys) +
           table(QObject::tr("Other widgets (while they have focus)"), widgets) +
           table(QObject::tr("Mouse on the timeline"), TimelineActions::mouseHelp());
}

QString aboutText() {
    return QObject::tr(
               "<h3>Kestrel %1</h3>"
               "<p>A viewer for Linux kernel ftrace traces: which task ran on which CPU "
               "when, who woke whom, where a function spent its time.</p>"
               "<p><b>Files it reads</b></p><ul>"
               "<li><b>.ktr</b>, Kestrel's own: ring-buffer pages in zstd frames with a "
               "frame index (written by <code>ktr record</code> and "
               "<code>ktr convert</code>)</li>"
               "<li><b>trace.dat</b> of trace-cmd, versions 6 and 7: uncompressed, zlib or "
               "zstd; the top buffer and the buffers of tracefs instances</li></ul>"
               "<p>Events are named, printed and filtered by libtraceevent %2. Qt %3.</p>")
        .arg(kestrelVersion(), QStringLiteral(KESTREL_TRACEEVENT_VERSION),
             QString::fromLatin1(qVersion()));
}

void showKeysDialog(MainWindow* window) {
    auto* dialog = new QDialog(window);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setObjectName(QStringLiteral("keysDialog"));
    dialog->setWindowTitle(QObject::tr("Keys and mouse"));
    auto* text = new QTextBrowser(dialog);
    text->setHtml(keyHelpText(*window));
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, dialog);
    QObject::connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::reject);
    auto* layout = new QVBoxLayout(dialog);
    layout->addWidget(text);
    layout->addWidget(buttons);
    dialog->resize(560, 640);
    dialog->show();
}

void showAboutDialog(QWidget* parent) {
    QMessageBox::about(parent, QObject::tr("About Kestrel"), aboutText());
}

}  // namespace kestrel
