#include "support/process.h"

#include <sys/wait.h>

#include <cstdio>

namespace kestrel::test {

ProcessResult run(const std::string& command) {
    ProcessResult r;
    FILE* p = popen(command.c_str(), "r");
    if (!p) return r;
    char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    int status = pclose(p);
    r.exitCode = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return r;
}

bool haveProgram(const std::string& name) {
    return run("command -v " + shellQuote(name) + " >/dev/null 2>&1").exitCode == 0;
}

std::string shellQuote(const std::string& s) {
    std::string q = "'";
    for (char c : s) {
        if (c == '\'')
            q += "'\\''";
        else
            q += c;
    }
    return q + "'";
}

}  // namespace kestrel::test
