#pragma once
// One QApplication for a views test executable (gtest_main creates none). Run with
// QT_QPA_PLATFORM=offscreen; set here too so a plain run works headless. The user's
// state and settings directories ($XDG_STATE_HOME: sessions; $XDG_CONFIG_HOME: recent
// files) point into a temporary directory of the run, so that no test reads what the
// user or an earlier run left there, and none writes into the user's home.
#include <gtest/gtest.h>

#include <QApplication>
#include <QTemporaryDir>
#include <cstdlib>
#include <memory>
#include <ostream>

// gtest prints a QString as its text (it would print UTF-16 code units one by one).
inline void PrintTo(const QString& s, std::ostream* os) {
    *os << '"' << s.toStdString() << '"';
}

namespace kestrel::test {

class QtApp : public ::testing::Environment {
public:
    void SetUp() override {
        setenv("QT_QPA_PLATFORM", "offscreen", 0);
        m_home = std::make_unique<QTemporaryDir>();
        setenv("XDG_STATE_HOME", qPrintable(m_home->filePath("state")), 1);
        setenv("XDG_CONFIG_HOME", qPrintable(m_home->filePath("config")), 1);
        static int argc = 1;
        static char name[] = "views_test";
        static char* argv[] = {name, nullptr};
        m_app = new QApplication(argc, argv);
        QApplication::setOrganizationName(QStringLiteral("kestrel-tests"));
    }
    void TearDown() override {
        delete m_app;
        m_home.reset();
    }

private:
    QApplication* m_app = nullptr;
    std::unique_ptr<QTemporaryDir> m_home;
};

inline ::testing::Environment* const kQtApp = ::testing::AddGlobalTestEnvironment(new QtApp);

}  // namespace kestrel::test
