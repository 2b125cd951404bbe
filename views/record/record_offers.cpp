#include "record_offers.h"

#include <sstream>

namespace kestrel {
namespace {

bool startsWith(const std::string& s, const char* prefix) {
    return s.rfind(prefix, 0) == 0;
}

// "no: Invalid argument" -> "Invalid argument"; "absent" -> "absent from this kernel".
std::string why(const std::string& answer) {
    if (startsWith(answer, "no: ")) return answer.substr(4);
    if (answer == "absent") return "absent from this kernel";
    return answer;
}

bool permissionOnly(const std::string& answer) {
    return answer.find("Permission denied") != std::string::npos ||
           answer.find("Operation not permitted") != std::string::npos;
}

}  // namespace

Offer offerFor(const std::vector<Capability>& caps, const std::string& item) {
    for (const Capability& c : caps) {
        if (c.item != item) continue;
        if (c.inInstance() || (c.instance == "-" && c.atTopLevel()))
            return {Offer::Kind::Allowed, {}};
        if (c.atTopLevel()) {
            return {Offer::Kind::TopLevelOnly,
                    QString::fromStdString(
                        "top-level buffer only (in an instance: " + why(c.instance) + ")")};
        }
        if (permissionOnly(c.instance) && (permissionOnly(c.topLevel) || c.topLevel == "-"))
            return {Offer::Kind::Unknown, QStringLiteral("not probed: needs root")};
        if (startsWith(c.topLevel, "not tried")) {
            return {Offer::Kind::Refused,
                    QString::fromStdString("refused in an instance (" + why(c.instance) +
                                           "); top level " + c.topLevel)};
        }
        if (c.instance == c.topLevel || c.topLevel == "-")
            return {Offer::Kind::Refused, QString::fromStdString("refused: " + why(c.instance))};
        return {Offer::Kind::Refused,
                QString::fromStdString("refused: " + why(c.instance) + " in an instance, " +
                                       why(c.topLevel) + " at the top level")};
    }
    return {Offer::Kind::Unknown, QStringLiteral("not probed")};
}

std::vector<std::string> probedClocks(const std::vector<Capability>& caps) {
    std::vector<std::string> out;
    for (const Capability& c : caps) {
        if (c.item != "trace_clock") continue;
        const std::string& answer = startsWith(c.instance, "yes: ") ? c.instance : c.topLevel;
        if (!startsWith(answer, "yes: ")) continue;
        std::istringstream in(answer.substr(5));
        for (std::string w; in >> w;) out.push_back(w);
    }
    return out;
}

}  // namespace kestrel
