#pragma once
// Patching a trace.dat fixture's bytes in place (tests of options and of damage).
#include <cstdint>
#include <string>
#include <vector>

namespace kestrel::test {

// Replaces the option (id, newData.size()) whose data starts with `oldData` by
// (newId, newData); the sizes match, so nothing else in the file moves.
std::vector<uint8_t> patchOption(std::vector<uint8_t> bytes, uint16_t id,
                                 const std::string& oldData, uint16_t newId,
                                 const std::vector<uint8_t>& newData);

std::vector<uint8_t> bytesOf(const std::string& s);

}  // namespace kestrel::test
