#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::test {

// Path of a file under tests/data.
std::string dataPath(const std::string& name);
// The whole file; a file that cannot be read throws std::runtime_error naming it, which
// fails the calling test (never an empty result standing in for a missing fixture).
std::vector<uint8_t> readBytes(const std::string& path);
std::string readText(const std::string& path);
// A fresh empty directory under the build's temp area, removed by nobody (ctest's dir).
std::string tempDir(const std::string& tag);

}  // namespace kestrel::test
