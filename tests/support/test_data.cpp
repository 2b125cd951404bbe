#include "support/test_data.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

namespace kestrel::test {

std::string dataPath(const std::string& name) {
    return std::string(KESTREL_TEST_DATA) + "/" + name;
}

std::vector<uint8_t> readBytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::string readText(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
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
