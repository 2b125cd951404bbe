// ktr: the Kestrel command line. Exit codes: 0 ok, 1 bad input, 2 usage.
#include <cstdio>
#include <cstring>
#include <string>

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: ktr COMMAND ...\n");
        return 2;
    }
    std::fprintf(stderr, "ktr: unknown command '%s'\n", argv[1]);
    return 2;
}
