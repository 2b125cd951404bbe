// ktr: the Kestrel command line. Exit codes: 0 ok, 1 bad input, 2 usage.
#include <cstdio>
#include <cstring>
#include <string>

#include "cli.h"

namespace {

const char kUsageText[] =
    "usage: ktr COMMAND [ARGS]\n"
    "\n"
    "  info FILE                 format, kernel, clock, CPUs, time range, events, lost events\n"
    "  dump FILE [--cpu N] [--pid P] [--event SYS:NAME|NAME] [--from SEC] [--to SEC]\n"
    "                            events as text, like `trace-cmd report`\n"
    "  stats FILE                event counts per event type, task and CPU\n"
    "  convert IN OUT.ktr        write a trace.dat (or .ktr) as .ktr\n"
    "  record [-e SPEC]... [-o OUT.ktr] [-d SEC] [-- CMD]  record kernel events (root)\n"
    "\n"
    "FILE is a .ktr or a trace-cmd trace.dat (v6 or v7). --cpu, --pid and --event repeat.\n";

}  // namespace

int main(int argc, char** argv) {
    using namespace kestrel::cli;
    if (argc < 2 || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "--help") ||
        !std::strcmp(argv[1], "help")) {
        std::fputs(kUsageText, argc < 2 ? stderr : stdout);
        return argc < 2 ? kUsage : kOk;
    }
    std::string command = argv[1];
    Args args;
    int subArgc = argc - 2;
    char** subArgv = argv + 2;
    if (command == "info" || command == "stats" || command == "convert") {
        if (!parseArgs(subArgc, subArgv, {}, {}, args)) return kUsage;
        if (command == "info") return cmdInfo(args);
        if (command == "stats") return cmdStats(args);
        return cmdConvert(args);
    }
    if (command == "record") return cmdRecord(std::vector<std::string>(argv + 2, argv + argc));
    if (command == "dump") {
        if (!parseArgs(subArgc, subArgv, {"--cpu", "--pid", "--event", "--from", "--to"}, {},
                       args)) {
            return kUsage;
        }
        return cmdDump(args);
    }
    std::fprintf(stderr, "ktr: unknown command '%s'\n%s", command.c_str(), kUsageText);
    return kUsage;
}
