// The fixture helpers every suite reads tests/data with (tests/support/test_data.h): a
// fixture that cannot be read fails the test that wanted it, naming the file, instead
// of reading as empty and letting the test check nothing.
#include "support/test_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <stdexcept>

namespace kestrel {
namespace {

template <class Read>
void expectFailureNaming(Read read, const std::string& path) {
    try {
        read(path);
        ADD_FAILURE() << "a missing file read as empty: " << path;
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
}

TEST(TestData, MissingFixtureFailsNamingIt) {
    const std::string missing = test::dataPath("no-such-fixture.bin");
    expectFailureNaming([](const std::string& p) { return test::readBytes(p); }, missing);
    expectFailureNaming([](const std::string& p) { return test::readText(p); }, missing);
}

// tests/data/pages/README.md: page_cpu1.bin is one 4096-byte page; header_page starts
// with the page's timestamp field.
TEST(TestData, FixturesReadWhole) {
    EXPECT_EQ(test::readBytes(test::dataPath("pages/page_cpu1.bin")).size(), 4096u);
    EXPECT_EQ(
        test::readText(test::dataPath("pages/header_page")).rfind("\tfield: u64 timestamp", 0), 0u);
}

// An empty file that exists is read as what it is.
TEST(TestData, EmptyFileReadsAsEmpty) {
    const std::string path = test::tempDir("test-data-empty") + "/empty";
    std::ofstream{path};
    EXPECT_TRUE(test::readBytes(path).empty());
    EXPECT_TRUE(test::readText(path).empty());
}

}  // namespace
}  // namespace kestrel
