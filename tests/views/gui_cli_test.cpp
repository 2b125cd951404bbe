// `kestrel` as a user starts it from a shell: --help and --version print and exit without
// a window (and without a display), a bad option is a usage error.
#include <gtest/gtest.h>

#include <string>

#include "support/process.h"

namespace kestrel {
namespace {

// No display: what prints and exits must not need one. `timeout` ends a kestrel that
// opened a window instead (exit 124).
test::ProcessResult kestrel(const std::string& args) {
    return test::run("env -u DISPLAY -u WAYLAND_DISPLAY QT_QPA_PLATFORM=offscreen timeout 20 " +
                     test::shellQuote(KESTREL_BUILD_DIR "/app/kestrel") + " " + args);
}

TEST(KestrelCli, HelpPrintsUsageAndExits) {
    for (const char* option : {"--help", "-h"}) {
        SCOPED_TRACE(option);
        const test::ProcessResult r = kestrel(option);
        EXPECT_EQ(r.exitCode, 0);
        EXPECT_NE(r.out.find("Usage: "), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("[FILE]"), std::string::npos) << r.out;
        EXPECT_NE(r.out.find("--version"), std::string::npos) << r.out;
    }
}

TEST(KestrelCli, VersionPrintsTheVersionAndExits) {
    const test::ProcessResult r = kestrel("--version");
    EXPECT_EQ(r.exitCode, 0);
    EXPECT_EQ(r.out, "kestrel " KESTREL_VERSION "\n");
}

TEST(KestrelCli, AnUnknownOptionIsAUsageError) {
    const test::ProcessResult r = kestrel("--frobnicate 2>&1");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_EQ(r.out,
              "kestrel: Unknown option 'frobnicate'.\nRun with --help for more information.\n");
}

TEST(KestrelCli, TwoFilesAreAUsageError) {
    const test::ProcessResult r = kestrel("a.dat b.dat 2>&1");
    EXPECT_EQ(r.exitCode, 2);
    EXPECT_NE(r.out.find("one trace at a time"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace kestrel
