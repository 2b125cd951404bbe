#pragma once
// `ktr record`'s options: they fill a RecordConfig (capture/record_config.h), the same
// struct the GUI's record dialog fills.
#include <string>
#include <vector>

#include "base/status.h"
#include "record_config.h"
#include "record_presets.h"

namespace CLI {
class App;
}  // namespace CLI

namespace kestrel::cli {

// Adds the options and the traced command (after `--`, or from the first argument that is
// not an option) to `record`; parsing fills `config`. A bad value is a CLI::ParseError
// naming the option and the value.
void addRecordOptions(CLI::App& record, RecordConfig& config);

// A preset's configuration, its lines parsed in order onto `config` (later lines add to
// or override earlier ones, as on a command line), without the checks of a whole command
// line: a preset may leave out what it asks for. The error names the preset's file and
// line ("sched.preset:3: --buffer-kb: expected ...").
Status applyPreset(const Preset& preset, RecordConfig& config);
Result<RecordConfig> presetConfig(const Preset& preset);
// `ktr record --list-presets`: one line per preset, its name, title and source.
std::string presetList();

// The same parse outside `ktr`: `args` are the words after "record". The error message is
// the line `ktr record` prints.
Result<RecordConfig> parseRecordArgs(const std::vector<std::string>& args);

}  // namespace kestrel::cli
