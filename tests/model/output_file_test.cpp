// OutputFile: written beside the output, renamed over it on commit(), and on failure
// nothing removed but its own temporary file.
#include "base/output_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;

class OutputFileTest : public ::testing::Test {
protected:
    void SetUp() override { m_dir = test::tempDir("output-file"); }
    void TearDown() override { fs::remove_all(m_dir); }
    std::string path(const std::string& name) const { return m_dir + "/" + name; }
    std::vector<std::string> entries() const {
        std::vector<std::string> out;
        for (const auto& e : fs::directory_iterator(m_dir)) out.push_back(e.path().filename());
        std::sort(out.begin(), out.end());
        return out;
    }
    static void write(int fd, const std::string& text) {
        ASSERT_EQ(::write(fd, text.data(), text.size()), static_cast<ssize_t>(text.size()));
    }
    std::string m_dir;
};

TEST_F(OutputFileTest, CommitReplacesTheFileAndKeepsItsPermissionBits) {
    std::ofstream(path("out")) << "old";
    ASSERT_EQ(::chmod(path("out").c_str(), 0640), 0);
    auto out = OutputFile::create(path("out"));
    ASSERT_TRUE(out) << out.message();
    write(out.value()->fd(), "new");
    // Until commit the output is untouched and the data sits in a hidden file beside it.
    EXPECT_EQ(test::readText(path("out")), "old");
    EXPECT_EQ(fs::path(out.value()->tempPath()).parent_path(), fs::path(m_dir));
    EXPECT_EQ(fs::path(out.value()->tempPath()).filename().string().rfind(".out.", 0), 0u);
    ASSERT_TRUE(out.value()->commit());
    EXPECT_EQ(test::readText(path("out")), "new");
    EXPECT_EQ(fs::status(path("out")).permissions(),
              fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read);
    out.value().reset();
    EXPECT_EQ(entries(), std::vector<std::string>{"out"});
}

TEST_F(OutputFileTest, DestroyedBeforeCommitRemovesOnlyItsTemporaryFile) {
    std::ofstream(path("out")) << "keep me";
    {
        auto out = OutputFile::create(path("out"));
        ASSERT_TRUE(out) << out.message();
        write(out.value()->fd(), "half a file");
        EXPECT_EQ(entries().size(), 2u);
    }
    EXPECT_EQ(test::readText(path("out")), "keep me");
    EXPECT_EQ(entries(), std::vector<std::string>{"out"});
    {
        auto fresh = OutputFile::create(path("new"));
        ASSERT_TRUE(fresh) << fresh.message();
    }
    EXPECT_EQ(entries(), std::vector<std::string>{"out"});
}

TEST_F(OutputFileTest, SymlinkIsFollowedAndStays) {
    fs::create_directory(path("data"));
    std::ofstream(path("data/real")) << "old";
    fs::create_symlink("data/real", path("link"));
    fs::create_symlink("data/absent", path("dangling"));
    for (const char* name : {"link", "dangling"}) {
        auto out = OutputFile::create(path(name));
        ASSERT_TRUE(out) << out.message();
        EXPECT_EQ(fs::path(out.value()->tempPath()).parent_path(), fs::path(path("data")));
        write(out.value()->fd(), name);
        ASSERT_TRUE(out.value()->commit());
        EXPECT_TRUE(fs::is_symlink(path(name)));
    }
    EXPECT_EQ(test::readText(path("data/real")), "link");
    EXPECT_EQ(test::readText(path("data/absent")), "dangling");
}

TEST_F(OutputFileTest, RefusesWhatIsNotARegularFileBeforeCreatingAnything) {
    fs::create_directory(path("dir"));
    ASSERT_EQ(::mkfifo(path("fifo").c_str(), 0600), 0);
    fs::create_symlink("dir", path("link-to-dir"));
    for (auto [name, kind] : {std::pair{"dir", "a directory"}, std::pair{"fifo", "a FIFO"},
                              std::pair{"link-to-dir", "a directory"}}) {
        auto out = OutputFile::create(path(name));
        ASSERT_FALSE(out) << name;
        EXPECT_EQ(out.message(), path(name) + ": not a regular file (" + kind +
                                     "); the output must be a regular file or a new name");
    }
    auto null = OutputFile::create("/dev/null");
    ASSERT_FALSE(null);
    EXPECT_NE(null.message().find("(a character device)"), std::string::npos) << null.message();
    EXPECT_EQ(entries(), (std::vector<std::string>{"dir", "fifo", "link-to-dir"}));
    EXPECT_TRUE(fs::is_empty(path("dir")));
}

TEST_F(OutputFileTest, MissingDirectoryNamesTheOutput) {
    auto out = OutputFile::create(path("no/such/dir/out"));
    ASSERT_FALSE(out);
    EXPECT_EQ(out.message(),
              path("no/such/dir/out") + ": cannot create: No such file or directory");
}

TEST_F(OutputFileTest, SameFileSeesEverySpellingOfOneFile) {
    std::ofstream(path("a")) << "x";
    std::ofstream(path("b")) << "x";
    fs::create_hard_link(path("a"), path("hard"));
    fs::create_symlink("a", path("soft"));
    fs::create_directory(path("sub"));
    for (const char* other : {"a", "./a", "sub/../a", "hard", "soft"})
        EXPECT_TRUE(OutputFile::sameFile(path("a"), m_dir + "/" + other)) << other;
    EXPECT_FALSE(OutputFile::sameFile(path("a"), path("b")));
    EXPECT_FALSE(OutputFile::sameFile(path("a"), path("absent")));
}

}  // namespace
}  // namespace kestrel
