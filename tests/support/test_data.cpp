#include "support/test_data.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>

namespace kestrel::test {
namespace {

// Throws when `path` cannot be opened: GoogleTest reports the exception as a failure of
// the test that read it, with this message. Reading as empty instead would let a test
// that misses its fixture check nothing and pass.
std::ifstream openOrThrow(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path + ": " + std::strerror(errno));
    return in;
}

}  // namespace

std::string dataPath(const std::string& name) {
    return std::string(KESTREL_TEST_DATA) + "/" + name;
}

std::vector<uint8_t> readBytes(const std::string& path) {
    std::ifstream in = openOrThrow(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string readText(const std::string& path) {
    std::ifstream in = openOrThrow(path);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string tempDir(const std::string& tag) {
    auto dir = std::filesystem::temp_directory_path() /
               ("kestrel-test-" + tag + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

}  // namespace kestrel::test
