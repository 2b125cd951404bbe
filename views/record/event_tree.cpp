#include "event_tree.h"

#include <QLabel>
#include <QLineEdit>
#include <QRegularExpression>
#include <QTreeWidget>
#include <QVBoxLayout>

#include "tracefs.h"

namespace kestrel {
namespace {

// Files beside the systems and events in events/, not events themselves.
bool isEventDir(const Tracefs& fs, const std::string& rel) {
    return fs.isDir(rel);
}

QRegularExpression globRegex(const QString& glob) {
    return QRegularExpression(QRegularExpression::wildcardToRegularExpression(glob));
}

}  // namespace

EventTree::EventTree(QWidget* parent) : QWidget(parent) {
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_search = new QLineEdit(this);
    m_search->setPlaceholderText(tr("Search events (sched, irq:*, wakeup)"));
    m_search->setClearButtonEnabled(true);
    m_tree = new QTreeWidget(this);
    m_tree->setHeaderLabels({tr("Event"), tr("Filter")});
    m_tree->setColumnWidth(0, 250);
    m_tree->setUniformRowHeights(true);
    m_tree->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_count = new QLabel(this);
    layout->addWidget(m_search);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_count);
    connect(m_search, &QLineEdit::textChanged, this, &EventTree::applySearch);
    connect(m_tree, &QTreeWidget::itemChanged, this, [this](QTreeWidgetItem*, int) {
        if (m_filling) return;
        updateCount();
        emit changed();
    });
    // The filter column only: a name is the kernel's.
    connect(m_tree, &QTreeWidget::itemDoubleClicked, this, [this](QTreeWidgetItem* item, int col) {
        if (col == 1) m_tree->editItem(item, 1);
    });
    updateCount();
}

void EventTree::load(const Tracefs& fs) {
    m_filling = true;
    m_tree->clear();
    for (const std::string& system : fs.list("events")) {
        if (!isEventDir(fs, "events/" + system)) continue;
        auto* sys = new QTreeWidgetItem(m_tree, {QString::fromStdString(system)});
        sys->setFlags(sys->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsAutoTristate |
                      Qt::ItemIsEditable);
        sys->setCheckState(0, Qt::Unchecked);
        for (const std::string& name : fs.list("events/" + system)) {
            if (!isEventDir(fs, "events/" + system + "/" + name)) continue;
            auto* ev = new QTreeWidgetItem(sys, {QString::fromStdString(name)});
            ev->setFlags(ev->flags() | Qt::ItemIsUserCheckable | Qt::ItemIsEditable);
            ev->setCheckState(0, Qt::Unchecked);
        }
        if (sys->childCount() == 0) delete sys;
    }
    m_filling = false;
    applySearch();
    updateCount();
}

std::vector<EventSpec> EventTree::chosen() const {
    std::vector<EventSpec> out;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* sys = m_tree->topLevelItem(i);
        const Qt::CheckState state = sys->checkState(0);
        if (state == Qt::Unchecked) continue;
        const std::string system = sys->text(0).toStdString();
        bool ownFilters = false;
        for (int j = 0; j < sys->childCount(); ++j)
            ownFilters |= !sys->child(j)->text(1).trimmed().isEmpty();
        if (state == Qt::Checked && !ownFilters) {
            out.push_back({system, sys->text(1).trimmed().toStdString()});
            continue;
        }
        for (int j = 0; j < sys->childCount(); ++j) {
            const QTreeWidgetItem* ev = sys->child(j);
            if (ev->checkState(0) != Qt::Checked) continue;
            out.push_back(
                {system + ":" + ev->text(0).toStdString(), ev->text(1).trimmed().toStdString()});
        }
    }
    return out;
}

int EventTree::checkMatching(const QString& system, const QString& name, const QString& filter) {
    const QRegularExpression sysRe = globRegex(system.isEmpty() ? QStringLiteral("*") : system);
    const QRegularExpression nameRe = globRegex(name.isEmpty() ? QStringLiteral("*") : name);
    int matched = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* sys = m_tree->topLevelItem(i);
        if (!sysRe.match(sys->text(0)).hasMatch()) continue;
        const bool whole = name.isEmpty() || name == QLatin1String("*");
        if (whole && !system.isEmpty()) sys->setText(1, filter);
        for (int j = 0; j < sys->childCount(); ++j) {
            QTreeWidgetItem* ev = sys->child(j);
            if (!nameRe.match(ev->text(0)).hasMatch()) continue;
            ev->setCheckState(0, Qt::Checked);
            if (!whole) ev->setText(1, filter);
            ++matched;
        }
    }
    return matched;
}

QStringList EventTree::setChosen(const std::vector<EventSpec>& specs) {
    m_filling = true;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* sys = m_tree->topLevelItem(i);
        sys->setText(1, {});
        for (int j = 0; j < sys->childCount(); ++j) {
            sys->child(j)->setCheckState(0, Qt::Unchecked);
            sys->child(j)->setText(1, {});
        }
    }
    QStringList unmatched;
    for (const EventSpec& e : specs) {
        const QString spec = QString::fromStdString(e.spec);
        const QString filter = QString::fromStdString(e.filter);
        const int colon = spec.indexOf(':');
        int n = 0;
        if (colon >= 0) {
            n = checkMatching(spec.left(colon), spec.mid(colon + 1), filter);
        } else {
            // A bare word is a system when one has that name, else an event of any system.
            n = systemItem(spec) ? checkMatching(spec, {}, filter)
                                 : checkMatching({}, spec, filter);
            if (n == 0) n = checkMatching(spec, {}, filter);
        }
        if (n == 0) unmatched << spec;
    }
    // What a preset chose is in view: partly chosen systems open, the first one scrolled to.
    QTreeWidgetItem* first = nullptr;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* sys = m_tree->topLevelItem(i);
        sys->setExpanded(sys->checkState(0) == Qt::PartiallyChecked);
        if (!first && sys->checkState(0) != Qt::Unchecked) first = sys;
    }
    if (first) m_tree->scrollToItem(first, QAbstractItemView::PositionAtTop);
    m_filling = false;
    updateCount();
    emit changed();
    return unmatched;
}

QTreeWidgetItem* EventTree::systemItem(const QString& system) const {
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        if (m_tree->topLevelItem(i)->text(0) == system) return m_tree->topLevelItem(i);
    }
    return nullptr;
}

int EventTree::chosenEventCount() const {
    int n = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        const QTreeWidgetItem* sys = m_tree->topLevelItem(i);
        for (int j = 0; j < sys->childCount(); ++j)
            n += sys->child(j)->checkState(0) == Qt::Checked;
    }
    return n;
}

int EventTree::chosenSystemCount() const {
    int n = 0;
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
        n += m_tree->topLevelItem(i)->checkState(0) != Qt::Unchecked;
    return n;
}

void EventTree::setSearch(const QString& text) {
    m_search->setText(text);
}

QString EventTree::countText() const {
    return m_count->text();
}

void EventTree::applySearch() {
    const QString text = m_search->text().trimmed();
    const int colon = text.indexOf(':');
    const QString sysPart = colon >= 0 ? text.left(colon) : text;
    const QString namePart = colon >= 0 ? text.mid(colon + 1) : text;
    auto matches = [](const QString& pattern, const QString& s) {
        if (pattern.isEmpty()) return true;
        if (pattern.contains('*') || pattern.contains('?'))
            return globRegex(pattern).match(s).hasMatch();
        return s.contains(pattern, Qt::CaseInsensitive);
    };
    for (int i = 0; i < m_tree->topLevelItemCount(); ++i) {
        QTreeWidgetItem* sys = m_tree->topLevelItem(i);
        const bool sysHit =
            colon >= 0 ? matches(sysPart, sys->text(0)) : matches(text, sys->text(0));
        int shown = 0;
        for (int j = 0; j < sys->childCount(); ++j) {
            QTreeWidgetItem* ev = sys->child(j);
            const bool hit = colon >= 0 ? sysHit && matches(namePart, ev->text(0))
                                        : sysHit || matches(namePart, ev->text(0));
            ev->setHidden(!hit);
            shown += hit;
        }
        sys->setHidden(shown == 0);
        sys->setExpanded(!text.isEmpty() && shown > 0 && !(colon < 0 && sysHit));
    }
}

void EventTree::updateCount() {
    const int events = chosenEventCount();
    const int systems = chosenSystemCount();
    if (events == 0) {
        m_count->setText(tr("No events chosen"));
        return;
    }
    m_count->setText(tr("%1 %2 in %3 %4")
                         .arg(events)
                         .arg(events == 1 ? tr("event") : tr("events"))
                         .arg(systems)
                         .arg(systems == 1 ? tr("system") : tr("systems")));
}

}  // namespace kestrel
