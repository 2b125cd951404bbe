// The record dialog (views/record) against a fake tracefs: what the kernel refuses is
// disabled with its reason in view, what only the top level allows says so; the events
// chosen, a preset, a target and a stop condition change recordArguments() (parsed back
// with ktr record's parser and compared with a configuration made by hand); the event
// count; the process picker lists this test's own process; the recording page's totals.
#include "record/record_dialog.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTreeWidget>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "qt_test_app.h"
#include "record/event_tree.h"
#include "record/function_list_edit.h"
#include "record/process_picker.h"
#include "record/recording_page.h"
#include "record_args.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;

// The events of the fake kernel, by system: sched_kthread_stop is in no preset.
const std::map<std::string, std::vector<std::string>> kEvents = {
    {"sched",
     {"sched_switch", "sched_waking", "sched_wakeup", "sched_wakeup_new", "sched_migrate_task",
      "sched_process_fork", "sched_process_exit", "sched_kthread_stop"}},
    {"irq", {"irq_handler_entry", "irq_handler_exit", "softirq_entry"}},
    {"irq_vectors", {"local_timer_entry", "local_timer_exit"}},
    {"raw_syscalls", {"sys_enter", "sys_exit"}},
};

// What a kernel would answer the probe: function_graph and set_graph_function only at the
// top level, wakeup refused in both, set_graph_notrace absent.
std::vector<Capability> fakeProbe(const Tracefs&) {
    return {
        {"tracer function_graph", "no: Invalid argument", "yes"},
        {"tracer function", "yes", "yes"},
        {"tracer wakeup", "no: Invalid argument", "no: Device or resource busy"},
        {"tracer blk", "yes", "yes"},
        {"set_ftrace_filter", "yes", "yes"},
        {"set_ftrace_notrace", "yes", "yes"},
        {"set_graph_function", "no: Invalid argument", "yes"},
        {"set_graph_notrace", "absent", "absent"},
        {"max_graph_depth", "yes", "yes"},
        {"set_event_pid", "yes", "yes"},
        {"trace_clock", "yes: local global mono", "yes: local global mono"},
    };
}

template <class Done>
bool waitUntil(Done done) {
    QElapsedTimer t;
    t.start();
    while (!done() && t.elapsed() < 20000)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 20);
    return done();
}

// The `-e` values of a built-in preset file, read the simplest way.
std::vector<std::string> presetEvents(const std::string& name) {
    std::vector<std::string> out;
    std::istringstream in(
        test::readText(std::string(KESTREL_SOURCE_DIR) + "/resources/presets/" + name + ".preset"));
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("-e ", 0) == 0) out.push_back(line.substr(3));
    }
    return out;
}

class RecordDialogTest : public ::testing::Test {
protected:
    void SetUp() override {
        m_root = test::tempDir("fake-tracefs-dialog");
        for (const auto& [system, names] : kEvents) {
            file("events/" + system + "/enable", "0\n");
            for (const std::string& n : names)
                file("events/" + system + "/" + n + "/enable", "0\n");
        }
        file("events/header_page", "");
        file("available_tracers", "function_graph function wakeup blk nop\n");
        file("trace_clock", "[local] global mono\n");
        file("options/stacktrace", "0\n");
        file("options/record-tgid", "0\n");
        // Unreadable: a directory where the list of functions should be.
        fs::create_directories(m_root + "/available_filter_functions");
        m_dialog = std::make_unique<RecordDialog>(QString::fromStdString(m_root), fakeProbe);
        ASSERT_TRUE(waitUntil([&] { return m_dialog->capabilitiesReady(); }));
        ASSERT_TRUE(waitUntil([&] { return m_dialog->form()->functionsLoaded(); }));
    }
    void TearDown() override {
        m_dialog.reset();
        fs::remove_all(m_root);
    }
    void file(const std::string& rel, const std::string& text) {
        fs::create_directories(fs::path(m_root + "/" + rel).parent_path());
        std::ofstream(m_root + "/" + rel) << text;
    }
    RecordConfig parsedArguments() const {
        std::vector<std::string> words;
        for (const QString& w : m_dialog->recordArguments()) words.push_back(w.toStdString());
        auto parsed = cli::parseRecordArgs(words);
        EXPECT_TRUE(parsed) << parsed.message();
        return parsed ? *parsed : RecordConfig{};
    }
    // A configuration with what the dialog always gives: its output file.
    RecordConfig base() const {
        RecordConfig c;
        c.output = m_dialog->outputPath().toStdString();
        return c;
    }
    QListWidgetItem* tracerItem(const QString& name) const {
        QListWidget* list = m_dialog->form()->tracers();
        for (int i = 0; i < list->count(); ++i) {
            if (list->item(i)->data(Qt::UserRole).toString() == name) return list->item(i);
        }
        return nullptr;
    }
    static bool enabled(const QListWidgetItem* item) { return item->flags() & Qt::ItemIsEnabled; }
    void check(const QString& system, const QString& event = {}) {
        QTreeWidgetItem* sys = m_dialog->form()->events()->systemItem(system);
        ASSERT_NE(sys, nullptr);
        if (event.isEmpty()) {
            sys->setCheckState(0, Qt::Checked);
            return;
        }
        for (int i = 0; i < sys->childCount(); ++i) {
            if (sys->child(i)->text(0) == event) sys->child(i)->setCheckState(0, Qt::Checked);
        }
    }
    std::string m_root;
    std::unique_ptr<RecordDialog> m_dialog;
};

TEST_F(RecordDialogTest, RefusedItemsAreDisabledWithTheirReasonsInView) {
    m_dialog->show();
    QListWidgetItem* wakeup = tracerItem("wakeup");
    ASSERT_NE(wakeup, nullptr);
    EXPECT_FALSE(enabled(wakeup));
    EXPECT_TRUE(wakeup->text().contains("Invalid argument")) << wakeup->text().toStdString();
    EXPECT_TRUE(wakeup->text().contains("Device or resource busy")) << wakeup->text().toStdString();
    EXPECT_TRUE(wakeup->toolTip().contains("Device or resource busy"))
        << wakeup->toolTip().toStdString();
    QListWidgetItem* graph = tracerItem("function_graph");
    ASSERT_NE(graph, nullptr);
    EXPECT_TRUE(enabled(graph));
    EXPECT_TRUE(graph->text().contains("top-level buffer only")) << graph->text().toStdString();
    QListWidgetItem* function = tracerItem("function");
    ASSERT_NE(function, nullptr);
    EXPECT_TRUE(enabled(function));
    EXPECT_EQ(function->text(), "function");

    RecordForm* form = m_dialog->form();
    EXPECT_FALSE(form->offerWidget("set_graph_notrace")->isEnabled());
    QLabel* absent = form->offerLabel("set_graph_notrace");
    EXPECT_TRUE(absent->isVisible());
    EXPECT_TRUE(absent->text().contains("absent")) << absent->text().toStdString();
    EXPECT_TRUE(form->offerWidget("set_graph_function")->isEnabled());
    QLabel* topOnly = form->offerLabel("set_graph_function");
    EXPECT_TRUE(topOnly->isVisible());
    EXPECT_TRUE(topOnly->text().contains("top-level buffer only")) << topOnly->text().toStdString();
    EXPECT_FALSE(form->offerLabel("set_ftrace_filter")->isVisible());
    // No completion, and why.
    EXPECT_TRUE(form->functionNote()->text().contains("available_filter_functions"));
    EXPECT_TRUE(form->functionNote()->text().contains("Is a directory"))
        << form->functionNote()->text().toStdString();
    EXPECT_EQ(form->graphFunctions()->wordCompleter(), nullptr);
    // An option the fake kernel lacks.
    bool sawFuncStack = false;
    for (QCheckBox* box : form->findChildren<QCheckBox*>()) {
        if (box->toolTip() != "option func_stack_trace") continue;
        sawFuncStack = true;
        EXPECT_FALSE(box->isEnabled());
    }
    EXPECT_TRUE(sawFuncStack);
}

TEST_F(RecordDialogTest, ChosenEventsAreTheArgumentsAndTheCount) {
    EXPECT_FALSE(m_dialog->recordButton()->isEnabled());  // nothing to record yet
    check("irq");
    check("sched", "sched_switch");
    check("sched", "sched_waking");
    RecordConfig expected = base();
    expected.events = {{"irq", ""}, {"sched:sched_switch", ""}, {"sched:sched_waking", ""}};
    EXPECT_TRUE(parsedArguments() == expected);
    const size_t events = kEvents.at("irq").size() + 2;
    EXPECT_EQ(m_dialog->form()->events()->countText(),
              QString("%1 events in 2 systems").arg(events));
    EXPECT_TRUE(m_dialog->recordButton()->isEnabled());

    // A search hides what does not match; the chosen events stay chosen.
    m_dialog->form()->events()->setSearch("timer");
    QTreeWidgetItem* sched = m_dialog->form()->events()->systemItem("sched");
    EXPECT_TRUE(sched->isHidden());
    EXPECT_FALSE(m_dialog->form()->events()->systemItem("irq_vectors")->isHidden());
    EXPECT_TRUE(parsedArguments() == expected);
}

TEST_F(RecordDialogTest, PresetsSetTheArguments) {
    ASSERT_FALSE(m_dialog->applyPreset("nosuch"));
    ASSERT_TRUE(m_dialog->applyPreset("sched"));
    RecordConfig expected = base();
    const auto& sched = kEvents.at("sched");
    for (const std::string& spec : presetEvents("sched")) {
        const std::string name = spec.substr(spec.find(':') + 1);
        if (std::find(sched.begin(), sched.end(), name) != sched.end())
            expected.events.push_back({spec, ""});
    }
    expected.options = {"record-tgid"};
    // The dialog lists events in the tree's order (by name), a preset in its own.
    RecordConfig got = parsedArguments();
    auto byName = [](const EventSpec& a, const EventSpec& b) { return a.spec < b.spec; };
    std::sort(got.events.begin(), got.events.end(), byName);
    std::sort(expected.events.begin(), expected.events.end(), byName);
    EXPECT_TRUE(got == expected) << m_dialog->recordArguments().join(' ').toStdString();

    // irq:* is every irq event: the whole system.
    ASSERT_TRUE(m_dialog->applyPreset("irq"));
    std::vector<EventSpec> events = parsedArguments().events;
    ASSERT_FALSE(events.empty());
    EXPECT_EQ(events[0].spec, "irq");

    // funcgraph asks for the function: no recording until it is given.
    ASSERT_TRUE(m_dialog->applyPreset("funcgraph"));
    EXPECT_FALSE(m_dialog->recordButton()->isEnabled());
    m_dialog->form()->graphFunctions()->setText("vfs_read");
    EXPECT_TRUE(m_dialog->recordButton()->isEnabled());
    RecordConfig graph = parsedArguments();
    EXPECT_EQ(graph.tracer, "function_graph");
    EXPECT_EQ(graph.graphFunction, std::vector<std::string>{"vfs_read"});

    // A preset saved from the dialog loads back as the same configuration.
    RecordConfig before = parsedArguments();
    auto saved = m_dialog->form()->saveAsPreset(
        "mine", QString::fromStdString(presetText(m_dialog->config(), "mine")));
    ASSERT_TRUE(saved) << saved.message();
    ASSERT_TRUE(m_dialog->applyPreset("sched"));
    ASSERT_TRUE(m_dialog->applyPreset("mine"));
    EXPECT_TRUE(parsedArguments() == before);
}

TEST_F(RecordDialogTest, TargetsAndStopConditions) {
    check("raw_syscalls");
    RecordForm* form = m_dialog->form();
    const int self = static_cast<int>(::getpid());
    ProcessPicker* picker = form->processes();
    picker->refresh();
    picker->setSearch(QString::number(self));
    bool listed = false;
    for (int i = 0; i < picker->list()->topLevelItemCount(); ++i) {
        QTreeWidgetItem* item = picker->list()->topLevelItem(i);
        if (item->text(0).toInt() == self && !item->isHidden()) listed = true;
    }
    EXPECT_TRUE(listed);
    form->setTarget(RecordForm::Target::Processes);
    EXPECT_FALSE(m_dialog->recordButton()->isEnabled());  // no process chosen yet
    picker->setChosenPids({self});
    form->setStop(RecordForm::Stop::Duration, 2.5);
    RecordConfig expected = base();
    expected.events = {{"raw_syscalls", ""}};
    expected.pids = {self};
    expected.durationSec = 2.5;
    EXPECT_TRUE(parsedArguments() == expected);
    EXPECT_TRUE(m_dialog->workingDirectory().isEmpty());

    const QString dir = QString::fromStdString(m_root);
    form->setCommand("sh -c 'sleep 1; echo \"a b\"'", dir);
    form->setStop(RecordForm::Stop::CommandExit);
    expected.pids.clear();
    expected.durationSec = 0;
    expected.command = {"sh", "-c", "sleep 1; echo \"a b\""};
    EXPECT_TRUE(parsedArguments() == expected);
    EXPECT_EQ(m_dialog->workingDirectory(), dir);
    const QStringList args = m_dialog->recordArguments();
    ASSERT_GE(args.size(), 4);
    EXPECT_EQ(args[args.size() - 4], "--");
    form->setOutputPath("relative.ktr");
    EXPECT_EQ(m_dialog->outputPath(), QDir::current().absoluteFilePath("relative.ktr"));
}

TEST_F(RecordDialogTest, TheRecordingPageShowsTotalsAndOnlyClosesWhenFinished) {
    check("sched");
    QSignalSpy record(m_dialog.get(), &RecordDialog::recordRequested);
    m_dialog->recordButton()->click();
    EXPECT_EQ(record.count(), 1);
    m_dialog->show();
    m_dialog->showRecording();
    QSignalSpy stop(m_dialog.get(), &RecordDialog::stopRequested);
    const QVector<RecordCpuFigures> cpus = {{0, 1000, 4096 * 3, 5000, 2}, {1, 250, 4096, 1200, 0}};
    m_dialog->showFigures(1.5, cpus);
    QTableWidget* table = m_dialog->recordingPage()->table();
    ASSERT_EQ(table->rowCount(), 3);
    EXPECT_EQ(table->item(2, 1)->text(), "1250");
    EXPECT_EQ(table->item(2, 4)->text(), "2");
    EXPECT_EQ(table->item(2, 2)->text(), QString("%1 MB").arg(4096.0 * 4 / 1e6, 0, 'f', 2));
    m_dialog->reject();  // Escape while recording: the dialog stays
    EXPECT_TRUE(m_dialog->isVisible());
    m_dialog->recordingPage()->stopButton()->click();
    EXPECT_EQ(stop.count(), 1);
    m_dialog->showFinished(true, "wrote trace.ktr");
    m_dialog->reject();
    EXPECT_FALSE(m_dialog->isVisible());
}

}  // namespace
}  // namespace kestrel
