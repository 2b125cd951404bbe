#pragma once
// Pieces of the commands' text, CSV and JSON output.
#include <cstdint>
#include <string>

namespace kestrel::cli {

std::string micros(uint64_t ns);               // "12.345": microseconds, 3 decimals
std::string jsonString(const std::string& s);  // quoted, with \" \\ and \u00XX escapes
std::string csvField(const std::string& s);    // quoted (RFC 4180) where it must be

}  // namespace kestrel::cli
