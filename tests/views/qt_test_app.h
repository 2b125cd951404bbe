#pragma once
// One QApplication for a views test executable (gtest_main creates none). Run with
// QT_QPA_PLATFORM=offscreen; set here too so a plain run works headless.
#include <gtest/gtest.h>

#include <QApplication>
#include <cstdlib>

namespace kestrel::test {

class QtApp : public ::testing::Environment {
public:
    void SetUp() override {
        setenv("QT_QPA_PLATFORM", "offscreen", 0);
        static int argc = 1;
        static char name[] = "views_test";
        static char* argv[] = {name, nullptr};
        m_app = new QApplication(argc, argv);
    }
    void TearDown() override { delete m_app; }

private:
    QApplication* m_app = nullptr;
};

inline ::testing::Environment* const kQtApp = ::testing::AddGlobalTestEnvironment(new QtApp);

}  // namespace kestrel::test
