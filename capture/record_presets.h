#pragma once
// Recording presets: starting configurations kept as editable text, the `ktr record`
// words one option per line (`-e sched:sched_switch`, `-p function_graph`, `-- CMD ARGS`
// last), `#` comments. The first comment line is the preset's title; a line
// `#ask OPTION WHAT` says the preset needs OPTION from whoever uses it (`#ask -g the
// function to graph`). Built-in presets are compiled in from resources/presets/; user
// presets live in $XDG_CONFIG_HOME/kestrel/presets/NAME.preset (~/.config when unset)
// and replace a built-in of the same name. `ktr record --preset NAME` and the GUI's
// record dialog read the same presets.
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "record_config.h"

namespace kestrel {

struct Preset {
    std::string name;
    std::string text;
    std::string source;  // the file, or "built-in NAME.preset"
    bool builtIn = false;

    std::string title() const;  // the first comment line, without '#'
};

// An option the preset needs from its user: "-g" (a graph function), "-l" (a function
// filter), "-P" (a pid, or a command after --), "-p" (a tracer).
struct PresetAsk {
    std::string option;
    std::string what;  // "the function to graph"
};

struct PresetLine {
    int number = 0;  // 1-based line of the text
    std::vector<std::string> words;
};

// The option lines of a preset, split into words as a shell would (quotes, backslash).
// The error names the source and the line: "sched.preset:4: unterminated quote".
Result<std::vector<PresetLine>> presetLines(const Preset& preset);
std::vector<PresetAsk> presetAsks(const Preset& preset);
// What `config` still lacks of the asks, e.g. {"-g the function to graph"}.
std::vector<std::string> missingAsks(const std::vector<PresetAsk>& asks,
                                     const RecordConfig& config);

std::vector<Preset> builtInPresets();
std::string userPresetDir();  // $XDG_CONFIG_HOME/kestrel/presets, or ~/.config/...
// Built-in presets, then the user's (a user preset replaces the built-in of its name),
// sorted by name. `userDir` "" = userPresetDir().
std::vector<Preset> allPresets(const std::string& userDir = {});
std::optional<Preset> findPreset(const std::string& name, const std::string& userDir = {});
// A preset name is a file name: letters, digits, '-', '_', '.', not starting with '.'.
bool validPresetName(const std::string& name);
// Writes userDir/NAME.preset (creating the folder): the path written.
Result<std::string> savePreset(const std::string& name, const std::string& text,
                               const std::string& userDir = {});

// The `ktr record` words of a configuration (parseRecordArgs gives it back), -o OUTPUT
// included, the command last after "--".
std::vector<std::string> recordWords(const RecordConfig& config);
// A preset's text for a configuration: `title` as the first comment, then one option per
// line. The output file is left out: each recording names its own.
std::string presetText(const RecordConfig& config, const std::string& title);
// Splits a line into words as a shell would (blanks, '...', "...", backslash);
// nullopt: an unterminated quote.
std::optional<std::vector<std::string>> splitShellWords(const std::string& line);
// Words quoted for a preset line or a shell: plain words as they are, others in quotes.
std::string quoteWord(const std::string& word);

}  // namespace kestrel
