#include "record_presets.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace kestrel {
namespace {

namespace fs = std::filesystem;

struct BuiltIn {
    const char* name;
    const char* text;
};

// resources/presets/*.preset, written into the build by capture/CMakeLists.txt.
const BuiltIn kBuiltIns[] = {
#include "preset_texts.inc"
};

std::string trimmed(const std::string& s) {
    size_t b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return {};
    return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> textLines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

}  // namespace

// Blanks separate words, '...' keeps everything, "..." and bare words take backslash
// escapes.
std::optional<std::vector<std::string>> splitShellWords(const std::string& line) {
    std::vector<std::string> words;
    std::string word;
    bool inWord = false;
    char quote = 0;
    for (size_t i = 0; i < line.size(); ++i) {
        char ch = line[i];
        if (quote == '\'') {
            if (ch == '\'')
                quote = 0;
            else
                word += ch;
        } else if (ch == '\\' && i + 1 < line.size() &&
                   (quote == 0 || line[i + 1] == '"' || line[i + 1] == '\\')) {
            word += line[++i];
            inWord = true;
        } else if (quote == '"') {
            if (ch == '"')
                quote = 0;
            else
                word += ch;
        } else if (ch == '\'' || ch == '"') {
            quote = ch;
            inWord = true;
        } else if (ch == ' ' || ch == '\t' || ch == '\r') {
            if (inWord) words.push_back(word);
            word.clear();
            inWord = false;
        } else {
            word += ch;
            inWord = true;
        }
    }
    if (quote) return std::nullopt;
    if (inWord) words.push_back(word);
    return words;
}

namespace {

Status lineError(const Preset& preset, int line, const std::string& what) {
    return Status::error(preset.source + ":" + std::to_string(line) + ": " + what);
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

void add(std::vector<std::string>& w, const std::string& option, const std::string& value) {
    w.push_back(option);
    w.push_back(value);
}

void addAll(std::vector<std::string>& w, const std::string& option,
            const std::vector<std::string>& values) {
    for (const std::string& v : values) add(w, option, v);
}

std::string number(double v) {
    std::ostringstream s;
    s << v;
    return s.str();
}

// Options that take a value: a preset line keeps such an option with its value.
bool takesValue(const std::string& option) {
    static const char* const kValued[] = {"-e",
                                          "-f",
                                          "--kprobe",
                                          "--uprobe",
                                          "-p",
                                          "-l",
                                          "-n",
                                          "-g",
                                          "--graph-notrace",
                                          "--max-graph-depth",
                                          "-O",
                                          "-P",
                                          "-M",
                                          "-b",
                                          "-C",
                                          "-d",
                                          "-o",
                                          "--level",
                                          "--frame-pages",
                                          "--preset"};
    return std::find_if(std::begin(kValued), std::end(kValued),
                        [&](const char* v) { return option == v; }) != std::end(kValued);
}

}  // namespace

std::string Preset::title() const {
    for (const std::string& line : textLines(text)) {
        std::string t = trimmed(line);
        if (t.rfind("#ask", 0) == 0) continue;
        if (!t.empty() && t[0] == '#') return trimmed(t.substr(1));
    }
    return {};
}

Result<std::vector<PresetLine>> presetLines(const Preset& preset) {
    std::vector<PresetLine> out;
    std::vector<std::string> lines = textLines(preset.text);
    bool commandSeen = false;
    for (size_t i = 0; i < lines.size(); ++i) {
        const int number = static_cast<int>(i + 1);
        std::string t = trimmed(lines[i]);
        if (t.empty() || t[0] == '#') continue;
        auto words = splitShellWords(t);
        if (!words) return lineError(preset, number, "unterminated quote");
        if (commandSeen) return lineError(preset, number, "nothing may follow the command line");
        const std::string& first = words->front();
        if (first.size() < 2 || first[0] != '-')
            return lineError(preset, number,
                             "expected an option (a line starts with -), got '" + first + "'");
        if (first == "--") {
            if (words->size() < 2) return lineError(preset, number, "'--' without a command");
            commandSeen = true;
        }
        if (first == "--preset" || first.rfind("--preset=", 0) == 0)
            return lineError(preset, number, "a preset cannot include another preset");
        out.push_back({number, *words});
    }
    return out;
}

std::vector<PresetAsk> presetAsks(const Preset& preset) {
    std::vector<PresetAsk> asks;
    for (const std::string& line : textLines(preset.text)) {
        std::string t = trimmed(line);
        if (t.rfind("#ask ", 0) != 0) continue;
        std::string rest = trimmed(t.substr(5));
        size_t space = rest.find(' ');
        asks.push_back({rest.substr(0, space),
                        space == std::string::npos ? "" : trimmed(rest.substr(space + 1))});
    }
    return asks;
}

std::vector<std::string> missingAsks(const std::vector<PresetAsk>& asks,
                                     const RecordConfig& config) {
    std::vector<std::string> missing;
    for (const PresetAsk& a : asks) {
        bool given = true;
        if (a.option == "-g") given = !config.graphFunction.empty();
        if (a.option == "-l") given = !config.ftraceFilter.empty();
        if (a.option == "-P") given = !config.pids.empty() || !config.command.empty();
        if (a.option == "-p") given = !config.tracer.empty();
        if (!given) missing.push_back(a.option + " " + a.what);
    }
    return missing;
}

std::vector<Preset> builtInPresets() {
    std::vector<Preset> out;
    for (const BuiltIn& b : kBuiltIns)
        out.push_back({b.name, b.text, std::string("built-in ") + b.name + ".preset", true});
    return out;
}

std::string userPresetDir() {
    const char* config = std::getenv("XDG_CONFIG_HOME");
    std::string base;
    if (config && config[0] == '/') {
        base = config;
    } else {
        const char* home = std::getenv("HOME");
        base = std::string(home ? home : "") + "/.config";
    }
    return base + "/kestrel/presets";
}

std::vector<Preset> allPresets(const std::string& userDir) {
    std::map<std::string, Preset> byName;
    for (Preset& p : builtInPresets()) byName[p.name] = std::move(p);
    const fs::path dir = userDir.empty() ? userPresetDir() : userDir;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const fs::path& path = entry.path();
        if (path.extension() != ".preset" || !entry.is_regular_file(ec)) continue;
        std::string name = path.stem().string();
        if (!validPresetName(name)) continue;
        byName[name] = Preset{name, readFile(path), path.string(), false};
    }
    std::vector<Preset> out;
    for (auto& [name, preset] : byName) out.push_back(std::move(preset));
    return out;
}

std::optional<Preset> findPreset(const std::string& name, const std::string& userDir) {
    for (Preset& p : allPresets(userDir)) {
        if (p.name == name) return std::move(p);
    }
    return std::nullopt;
}

bool validPresetName(const std::string& name) {
    if (name.empty() || name[0] == '.' || name.size() > 100) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
    });
}

Result<std::string> savePreset(const std::string& name, const std::string& text,
                               const std::string& userDir) {
    if (!validPresetName(name))
        return Status::error("'" + name + "' is not a preset name (letters, digits, - _ .)");
    const fs::path dir = userDir.empty() ? userPresetDir() : userDir;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) return Status::error("cannot create " + dir.string() + ": " + ec.message());
    const fs::path path = dir / (name + ".preset");
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Status::error("cannot write " + path.string());
    return path.string();
}

std::vector<std::string> recordWords(const RecordConfig& c) {
    std::vector<std::string> w;
    for (const EventSpec& e : c.events) {
        add(w, "-e", e.spec);
        if (!e.filter.empty()) add(w, "-f", e.filter);
    }
    for (const std::string& k : c.kprobes) add(w, "--kprobe", k);
    for (const std::string& u : c.uprobes) add(w, "--uprobe", u);
    if (!c.tracer.empty()) add(w, "-p", c.tracer);
    addAll(w, "-l", c.ftraceFilter);
    addAll(w, "-n", c.ftraceNotrace);
    addAll(w, "-g", c.graphFunction);
    addAll(w, "--graph-notrace", c.graphNotrace);
    if (c.maxGraphDepth >= 0) add(w, "--max-graph-depth", std::to_string(c.maxGraphDepth));
    addAll(w, "-O", c.options);
    for (int pid : c.pids) add(w, "-P", std::to_string(pid));
    if (!c.followFork) w.push_back("--no-follow-fork");
    if (!c.cpumask.empty()) add(w, "-M", c.cpumask);
    if (c.bufferKb) add(w, "-b", std::to_string(c.bufferKb));
    if (!c.clock.empty()) add(w, "-C", c.clock);
    if (c.strict) w.push_back("--strict");
    if (c.placement == RecordConfig::Placement::TopLevel) w.push_back("--top");
    if (c.placement == RecordConfig::Placement::Instance) w.push_back("--instance");
    if (c.force) w.push_back("--force");
    if (c.traceSelf) w.push_back("--trace-self");
    if (c.durationSec > 0) add(w, "-d", number(c.durationSec));
    if (c.pidOnly) w.push_back("--pid-only");
    add(w, "-o", c.output);
    if (c.zstdLevel != RecordConfig{}.zstdLevel) add(w, "--level", std::to_string(c.zstdLevel));
    if (c.pagesPerFrame != RecordConfig{}.pagesPerFrame)
        add(w, "--frame-pages", std::to_string(c.pagesPerFrame));
    if (c.quiet) w.push_back("-q");
    if (!c.command.empty()) {
        w.push_back("--");
        w.insert(w.end(), c.command.begin(), c.command.end());
    }
    return w;
}

std::string quoteWord(const std::string& word) {
    if (!word.empty() && word.find_first_of(" \t'\"\\#$*?;&|<>(){}`") == std::string::npos)
        return word;
    std::string out = "'";
    for (char ch : word) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
}

std::string presetText(const RecordConfig& config, const std::string& title) {
    std::string text = "# " + title + "\n";
    std::vector<std::string> w = recordWords(config);
    for (size_t i = 0; i < w.size();) {
        if (w[i] == "--") {
            text += "--";
            for (size_t j = i + 1; j < w.size(); ++j) text += " " + quoteWord(w[j]);
            text += "\n";
            break;
        }
        const bool valued = takesValue(w[i]) && i + 1 < w.size();
        if (w[i] == "-o") {
            i += 2;  // each recording names its own output
            continue;
        }
        text += w[i];
        if (valued) text += " " + quoteWord(w[i + 1]);
        text += "\n";
        i += valued ? 2 : 1;
    }
    return text;
}

}  // namespace kestrel
