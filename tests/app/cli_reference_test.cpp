// docs/cli.md and README's `ktr --help` block are what the ktr under test prints:
// scripts/cli-reference.sh writes both from the binary, and this test runs it into a
// scratch directory and fails when the committed files differ (run the script to update
// them after changing an option or a help text).
#include <gtest/gtest.h>

#include <filesystem>

#include "support/process.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

const std::string kSource = KESTREL_SOURCE_DIR;

TEST(CliReference, DocsAndReadmeSayWhatKtrPrints) {
    const std::string dir = test::tempDir("cli-reference");
    const std::string readme = dir + "/README.md", cli = dir + "/cli.md";
    std::filesystem::copy_file(kSource + "/README.md", readme);
    const auto r = test::run("bash " + test::shellQuote(kSource + "/scripts/cli-reference.sh") +
                             " " + test::shellQuote(KTR_BINARY) + " " + test::shellQuote(cli) +
                             " " + test::shellQuote(readme));
    ASSERT_EQ(r.exitCode, 0) << r.out;
    EXPECT_EQ(test::readText(cli), test::readText(kSource + "/docs/cli.md"))
        << "docs/cli.md is not what ktr prints: run scripts/cli-reference.sh";
    EXPECT_EQ(test::readText(readme), test::readText(kSource + "/README.md"))
        << "README.md's ktr --help is not what ktr prints: run scripts/cli-reference.sh";
    // Every command's options are there, `ktr record`'s -d among them.
    const std::string doc = test::readText(cli);
    for (const char* command : {"info", "dump", "stats", "convert", "record"})
        EXPECT_NE(doc.find(std::string("## `ktr ") + command + "`"), std::string::npos) << command;
    EXPECT_NE(doc.find("-d,--duration SEC"), std::string::npos);
}

}  // namespace
}  // namespace kestrel
