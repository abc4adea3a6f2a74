// Turning a decoded image into the encoder's input: fit to the model's size, then map samples to the
// network's [-1, 1] through an explicit intensity window, CHW float.
#pragma once
#include <string>
#include <vector>

#include "image.h"

namespace stratum {

enum class Fit {
    CenterCrop,  // crop the largest centred region with the model's aspect ratio, then resize
    Stretch,     // resize the whole image, ignoring its aspect ratio
};

Fit parse_fit(const std::string& name);  // "center_crop" or "stretch"; throws stratum::Error otherwise
std::string fit_name(Fit fit);

// The intensity window: sample value `lo` maps to -1 and `hi` to 1, linearly, values outside it
// beyond -1 and 1 (never clamped: a brighter-than-ever cell must stay brighter). `depth` gives the
// units of `lo` and `hi`: UInt8, 0-255 (an image of 16-bit samples is first divided by 257,
// unrounded); UInt16, 0-65535 (8-bit samples are first multiplied by 257); Float32, the samples as
// the file stores them, whatever their type (what --input-range gives, and float training data).
// No per-image contrast stretch: it would erase the brightness differences a detector must see.
struct IntensityWindow {
    double lo = 0;
    double hi = 255;
    SampleType depth = SampleType::UInt8;
    bool operator==(const IntensityWindow& o) const { return lo == o.lo && hi == o.hi && depth == o.depth; }
};

// "0:255 (8-bit)", "0:65535 (16-bit)", "0:4095 (as stored)": the spelling in CSVs, cards and notes.
std::string window_text(const IntensityWindow& window);
// Parses "LO:HI" (finite numbers, LO < HI) with the given units; throws stratum::Error naming `field`.
IntensityWindow parse_window(const std::string& text, SampleType depth, const std::string& field);
// A sample of type `from` in the units of `window` (see IntensityWindow).
double in_window_units(double value, SampleType from, const IntensityWindow& window);

// How an image's samples sit in a window, for the note every front-end shows.
struct WindowFit {
    double below = 0;      // share of samples under lo, 0..1
    double above = 0;      // share over hi, 0..1
    double brightest = 0;  // the largest sample in window units
    double brightest_stored = 0;  // ... and as stored
    SampleType stored = SampleType::UInt8;
};
WindowFit fit_in_window(const Image& image, const IntensityWindow& window);
// "" when the image sits in the window; else a note a user can act on: "3.1 % of samples above the
// intensity window 0:255 (8-bit)", or, for an image that fills under 1/16 of it, "dark for the
// intensity window 0:255 (8-bit): the brightest sample is 14.8", adding for 16-bit files "(4095 as
// stored: 12-bit data? score with --input-range 0:4095)".
std::string window_note(const WindowFit& fit, const IntensityWindow& window);

// Resizes with stb_image_resize: Mitchell filter when shrinking, Catmull-Rom when enlarging, on the
// sample values as they are (no sRGB linearisation), clamped edges, in the image's own sample type.
// Same size: a plain copy.
Image resize_image(const Image& image, int width, int height, Fit fit = Fit::CenterCrop);

// Planar CHW floats through `window` (default 0-255: value / 127.5 - 1, so 0 -> -1, 255 -> 1).
std::vector<float> to_chw_float(const Image& image, const IntensityWindow& window = {});

// 8-bit samples for display (thumbnails, maps): the window mapped to 0-255, clamped.
Image to_display8(const Image& image, const IntensityWindow& window);

// Resize and lay out in one call: what every front-end feeds the encoder.
struct InputSpec {
    int width = 32;
    int height = 32;
    int channels = 3;
    Fit fit = Fit::CenterCrop;
    IntensityWindow window;
};
std::vector<float> preprocess(const Image& decoded, const InputSpec& spec);

}  // namespace stratum
