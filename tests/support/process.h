#pragma once
// Running the ktr binary and other programs from tests.
#include <string>

namespace kestrel::test {

struct ProcessResult {
    int exitCode = -1;
    std::string out;  // standard output
};

// Runs `command` through /bin/sh; stderr goes to `stderrPath` when given, else is kept
// in the test's output.
ProcessResult run(const std::string& command);
bool haveProgram(const std::string& name);
std::string shellQuote(const std::string& s);

}  // namespace kestrel::test
