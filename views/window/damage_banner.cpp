#include "window/damage_banner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPlainTextEdit>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <set>

#include "decode/trace_model.h"
#include "timeline/time_scale.h"

namespace kestrel {
namespace {

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

constexpr qsizetype kMaxDetails = 200;

// "1 problem", "2 problems" (no translations are loaded, so tr's %n would keep the "(s)").
QString count(size_t n, const char* one, const char* many) {
    return (n == 1 ? QObject::tr(one) : QObject::tr(many)).arg(QLocale().toString(qulonglong(n)));
}

QString withoutPath(const TraceModel& model, const std::string& warning) {
    const std::string prefix = model.source().path() + ": ";
    return qs(warning.rfind(prefix, 0) == 0 ? warning.substr(prefix.size()) : warning);
}

// A reader's warning about a file that ends before its data does
// (model/import/tracedat_index.cpp, model/ktr/ktr_reader.cpp word them).
bool saysCutShort(const std::string& warning) {
    for (const char* word : {"truncated", "file ends", "cut short", "are not read"}) {
        if (warning.find(word) != std::string::npos) return true;
    }
    return false;
}

// Where a file cut short lost its data: the CPUs whose events stop well before the
// trace's end (by more than 1 % of its span), each with the time its events stop at.
QString whereCut(const TraceModel& model) {
    const uint64_t end = model.endTime(), span = end - model.startTime();
    QStringList early;
    for (size_t c = 0; c < model.cpuCount(); ++c) {
        const CpuTrack& track = model.cpu(c);
        if (track.frames.empty() || track.lastTs == kUnknownTime) continue;
        const uint64_t last = model.toTraceTime(track.lastTs);
        if (last < end && end - last > span / 100)
            early << QObject::tr("%1's events stop at %2 s")
                         .arg(qs(model.cpuLabel(c)), qs(formatTime(last, 1000)));
    }
    if (early.isEmpty()) return {};
    return QObject::tr("%1, the trace runs to %2 s")
        .arg(QLocale().createSeparatedList(early), qs(formatTime(end, 1000)));
}

QString openingPart(const TraceModel& model) {
    const std::vector<std::string> warnings = model.source().warnings();
    if (warnings.empty()) return {};
    const QString found =
        count(warnings.size(), "%1 problem found on opening", "%1 problems found on opening");
    if (!std::any_of(warnings.begin(), warnings.end(), saysCutShort)) return found;
    const QString where = whereCut(model);
    return where.isEmpty() ? QObject::tr("the file is cut short (%1)").arg(found)
                           : QObject::tr("the file is cut short (%1): %2").arg(found, where);
}

QString damagePart(const TraceModel& model, const std::vector<Damage>& damage) {
    if (damage.empty()) return {};
    std::set<uint32_t> cpus;
    uint64_t events = 0, from = ~0ull, to = 0;
    bool eventsKnown = true;
    for (const Damage& d : damage) {
        cpus.insert(d.cpu);
        if (d.events == ~0ull)
            eventsKnown = false;
        else
            events += d.events;
        if (d.from != ~0ull) {
            from = std::min(from, d.from);
            to = std::max(to, d.to);
        }
    }
    QStringList labels;
    for (uint32_t c : cpus) labels << qs(model.cpuLabel(c));
    QString text = QObject::tr("%1 could not be read on %2")
                       .arg(count(damage.size(), "%1 piece", "%1 pieces"),
                            QLocale().createSeparatedList(labels));
    QStringList what;
    if (eventsKnown) what << QObject::tr("%L1 events").arg(static_cast<qulonglong>(events));
    // The analysis draws a frame it could not read, where its times are known, as a gap.
    if (from != ~0ull)
        what << QObject::tr("%1 s to %2 s, hatched in red on the CPU rows")
                    .arg(qs(formatTime(from, 1000)), qs(formatTime(to, 1000)));
    if (!what.isEmpty()) text += QStringLiteral(" (") + what.join(QStringLiteral(", ")) + ')';
    return text;
}

QString detailOf(const TraceModel& model, const Damage& d) {
    QString line = qs(model.describe(d));
    if (d.from != ~0ull)
        line += QObject::tr(" [%1 s to %2 s]").arg(qs(formatTime(d.from)), qs(formatTime(d.to)));
    return line;
}

}  // namespace

DamageReport describeProblems(const TraceModel& model) {
    DamageReport r;
    const std::vector<Damage> damage = model.damage();
    QStringList parts;
    for (const QString& part : {openingPart(model), damagePart(model, damage)}) {
        if (!part.isEmpty()) parts << part;
    }
    const std::vector<std::string> warnings = model.source().warnings();
    r.count = warnings.size() + damage.size();
    // A trace damaged all over has thousands of pieces: the first ones say enough.
    for (const std::string& w : warnings) {
        if (r.details.size() < kMaxDetails) r.details << withoutPath(model, w);
    }
    for (const Damage& d : damage) {
        if (r.details.size() < kMaxDetails) r.details << detailOf(model, d);
    }
    if (r.count > static_cast<size_t>(r.details.size()))
        r.details << QObject::tr("... and %L1 more")
                         .arg(static_cast<qulonglong>(r.count -
                                                      static_cast<size_t>(r.details.size())));
    if (parts.isEmpty()) return r;
    r.summary =
        QObject::tr("Data is missing from this trace: %1.").arg(parts.join(QStringLiteral("; ")));
    return r;
}

DamageBanner::DamageBanner(QWidget* parent) : QFrame(parent) {
    setObjectName(QStringLiteral("damageBanner"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(255, 243, 205));  // a warning's amber, not an error's red
    pal.setColor(QPalette::WindowText, QColor(90, 60, 0));
    setPalette(pal);

    auto* icon = new QLabel(this);
    icon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(18, 18));
    m_summary = new QLabel(this);
    m_summary->setObjectName(QStringLiteral("damageSummary"));
    m_summary->setWordWrap(true);
    m_summary->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_toggle = new QToolButton(this);
    m_toggle->setObjectName(QStringLiteral("damageDetailsButton"));
    m_toggle->setText(tr("Details"));
    m_toggle->setCheckable(true);
    m_close = new QToolButton(this);
    m_close->setObjectName(QStringLiteral("damageDismiss"));
    m_close->setText(QStringLiteral("×"));
    m_close->setToolTip(tr("Hide this message (it comes back if more data turns out missing)"));
    m_close->setAutoRaise(true);
    m_details = new QPlainTextEdit(this);
    m_details->setObjectName(QStringLiteral("damageDetails"));
    m_details->setReadOnly(true);
    m_details->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_details->setMaximumHeight(8 * fontMetrics().lineSpacing());  // the timeline keeps its room
    m_details->hide();

    auto* row = new QHBoxLayout;
    row->addWidget(icon, 0, Qt::AlignTop);
    row->addWidget(m_summary, 1);
    row->addWidget(m_toggle, 0, Qt::AlignTop);
    row->addWidget(m_close, 0, Qt::AlignTop);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 4, 4, 4);
    layout->addLayout(row);
    layout->addWidget(m_details);
    connect(m_toggle, &QToolButton::toggled, this, &DamageBanner::toggleDetails);
    connect(m_close, &QToolButton::clicked, this, &DamageBanner::dismiss);
    hide();
}

// Called every 100 ms while the analysis runs: the text is made again only when there
// is more to say.
void DamageBanner::showProblems(const TraceModel* model) {
    if (model != m_model) {  // another trace: what was dismissed was about the last one
        m_model = model;
        m_dismissedAt = 0;
        m_report = {};
        m_toggle->setChecked(false);
    } else if (!model ||
               model->source().warnings().size() + model->damage().size() == m_report.count) {
        return;
    }
    m_report = model ? describeProblems(*model) : DamageReport{};
    m_summary->setText(m_report.summary);
    m_details->setPlainText(m_report.details.join(QLatin1Char('\n')));
    setVisible(!m_report.summary.isEmpty() && m_report.count > m_dismissedAt);
}

QString DamageBanner::summary() const {
    return isHidden() ? QString() : m_report.summary;
}

void DamageBanner::dismiss() {
    m_dismissedAt = m_report.count;
    hide();
}

void DamageBanner::toggleDetails() {
    m_details->setVisible(m_toggle->isChecked());
}

}  // namespace kestrel
