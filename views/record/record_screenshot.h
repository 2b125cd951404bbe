#pragma once
// KESTREL_SCREENSHOT=PATH with KESTREL_SCREENSHOT_DIALOG=record: kestrel opens the record
// dialog instead of the window, waits for the capability probe and the function names,
// draws the dialog into PATH (PNG) and quits (scripts/screenshots.sh takes docs/' pictures
// so). KESTREL_SCREENSHOT_TRACEFS=ROOT reads that tree instead of the mounted tracefs;
// KESTREL_SCREENSHOT_PROBE=FILE takes the probe's answers from FILE (one item a line:
// item, in an instance, at the top level, separated by tabs) instead of trying them;
// KESTREL_SCREENSHOT_PRESET=NAME applies that preset, KESTREL_SCREENSHOT_TRACER=NAME
// chooses that tracer, KESTREL_SCREENSHOT_GRAPH=F types F as the graph function.

namespace kestrel {

// -1 when the variables ask for no dialog picture; else the exit status (0: written).
int recordDialogScreenshot();

}  // namespace kestrel
