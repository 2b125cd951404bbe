// `cmake --install` into a scratch DESTDIR: ktr and kestrel, the .desktop entry (checked
// by desktop-file-validate when installed, else key by key), the file types it names
// defined in the shared-mime-info XML with magics that match real fixtures, the icon it
// names, and the polkit action naming the installed ktr.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <regex>
#include <sstream>

#include "support/process.h"
#include "support/test_data.h"

namespace kestrel {
namespace {

namespace fs = std::filesystem;

std::map<std::string, std::string> desktopKeys(const std::string& text) {
    std::map<std::string, std::string> keys;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);
    keys["[group]"] = line;
    while (std::getline(in, line)) {
        auto eq = line.find('=');
        if (eq != std::string::npos) keys[line.substr(0, eq)] = line.substr(eq + 1);
    }
    return keys;
}

// The bytes of a shared-mime-info string value: \xNN escapes decoded.
std::string magicBytes(const std::string& value) {
    std::string out;
    for (size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\\' && i + 3 < value.size() && value[i + 1] == 'x') {
            out += static_cast<char>(std::stoi(value.substr(i + 2, 2), nullptr, 16));
            i += 3;
        } else {
            out += value[i];
        }
    }
    return out;
}

class Install : public ::testing::Test {
protected:
    void SetUp() override {
        m_dest = test::tempDir("install");
        auto r = test::run("DESTDIR=" + test::shellQuote(m_dest) + " cmake --install " +
                           test::shellQuote(KESTREL_BUILD_DIR) + " 2>&1");
        ASSERT_EQ(r.exitCode, 0) << r.out;
        m_prefix = m_dest + KESTREL_INSTALL_PREFIX;
    }
    void TearDown() override { fs::remove_all(m_dest); }
    std::string share(const std::string& rel) const { return m_prefix + "/share/" + rel; }
    std::string m_dest, m_prefix;
};

TEST_F(Install, ProgramsAndDesktopFilesAreInPlace) {
    for (const char* program : {"kestrel", "ktr"}) {
        const std::string path = m_prefix + "/bin/" + program;
        EXPECT_EQ(::access(path.c_str(), X_OK), 0) << path;
    }
    const std::string desktop = share("applications/org.kestrel.Kestrel.desktop");
    ASSERT_TRUE(fs::exists(desktop));
    if (test::haveProgram("desktop-file-validate")) {
        auto r = test::run("desktop-file-validate " + test::shellQuote(desktop) + " 2>&1");
        EXPECT_EQ(r.exitCode, 0) << r.out;
        EXPECT_EQ(r.out, "");
    }
    auto keys = desktopKeys(test::readText(desktop));
    EXPECT_EQ(keys["[group]"], "[Desktop Entry]");
    EXPECT_EQ(keys["Type"], "Application");
    EXPECT_FALSE(keys["Name"].empty());
    EXPECT_EQ(keys["Exec"], "kestrel %f");  // a file manager passes the file
    EXPECT_EQ(keys["Terminal"], "false");
    EXPECT_TRUE(keys["Categories"].ends_with(";"));
    EXPECT_TRUE(fs::exists(share("icons/hicolor/scalable/apps/" + keys["Icon"] + ".svg")))
        << keys["Icon"];

    // Every type the entry opens is defined in the installed XML.
    const std::string xml = test::readText(share("mime/packages/org.kestrel.Kestrel.xml"));
    std::istringstream types(keys["MimeType"]);
    int count = 0;
    for (std::string type; std::getline(types, type, ';');) {
        EXPECT_NE(xml.find("<mime-type type=\"" + type + "\">"), std::string::npos) << type;
        ++count;
    }
    EXPECT_EQ(count, 2);
    if (test::haveProgram("xmllint")) {
        EXPECT_EQ(test::run("xmllint --noout " +
                            test::shellQuote(share("mime/packages/org.kestrel.Kestrel.xml")))
                      .exitCode,
                  0);
    }
}

// The magics in the XML are the first bytes of real files of each type.
TEST_F(Install, MimeMagicsMatchRealFiles) {
    const std::string xml = test::readText(share("mime/packages/org.kestrel.Kestrel.xml"));
    std::regex match(
        R"re(<mime-type type="([^"]+)">[\s\S]*?<match type="string" offset="0" value="([^"]+)"/>)re");
    std::map<std::string, std::string> magic;
    for (std::sregex_iterator it(xml.begin(), xml.end(), match), end; it != end; ++it)
        magic[(*it)[1]] = magicBytes((*it)[2]);
    ASSERT_EQ(magic.size(), 2u);
    const std::map<std::string, std::string> files = {
        {"application/x-kestrel-ktr", std::string(KESTREL_SOURCE_DIR) + "/resources/sample.ktr"},
        {"application/x-trace-cmd-dat", test::dataPath("function-graph.dat")}};
    for (const auto& [type, file] : files) {
        const std::string head = test::readText(file).substr(0, magic[type].size());
        EXPECT_EQ(head, magic[type]) << type << " vs " << file;
    }
    EXPECT_EQ(magic["application/x-trace-cmd-dat"].size(), 10u);
}

TEST_F(Install, PolkitActionNamesTheInstalledKtr) {
    const std::string policy =
        m_dest + KESTREL_POLKIT_ACTIONS_DIR + std::string("/org.kestrel.record.policy");
    ASSERT_TRUE(fs::exists(policy)) << policy;
    const std::string text = test::readText(policy);
    EXPECT_NE(text.find("<action id=\"org.kestrel.record\">"), std::string::npos);
    EXPECT_NE(text.find("\"org.freedesktop.policykit.exec.path\">" +
                        std::string(KESTREL_INSTALL_PREFIX) + "/bin/ktr<"),
              std::string::npos)
        << text;
    if (test::haveProgram("xmllint")) {
        EXPECT_EQ(test::run("xmllint --noout " + test::shellQuote(policy)).exitCode, 0);
    }
}

}  // namespace
}  // namespace kestrel
