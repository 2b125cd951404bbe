#pragma once
// KESTREL_SCREENSHOT=PATH with KESTREL_SCREENSHOT_DIALOG=record-live: kestrel opens the
// window and its record dialog, records KESTREL_SCREENSHOT_COMMAND (a shell command line)
// with KESTREL_SCREENSHOT_PRESET (default sched) into KESTREL_SCREENSHOT_OUTPUT, and once
// the live timeline has had a few models, draws the window with the dialog over it into
// PATH (PNG), stops the recording and quits (scripts/screenshots.sh: record-live.png).
namespace kestrel {

// -1 when the variables ask for no live picture; else the exit status (0: written).
int liveRecordingScreenshot();

}  // namespace kestrel
