// The intensity window: how an image's sample values become the network's [-1, 1], the same in the
// trainer, the CLI and the page; the notes for images that do not sit in it; and the window a
// training set implies.
#pragma once
#include <string>
#include <vector>

#include "image.h"

namespace stratum {

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

// The units' names, in cards and texts: "8-bit", "16-bit", "as stored". parse_window_units throws
// stratum::Error for any other name.
std::string window_units(SampleType depth);
SampleType parse_window_units(const std::string& name);

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

// The note column of the CLI's CSV and the page's table: how the file was read (the decoder's notes:
// alpha composited, CMYK converted, orientation applied) and window_note, joined by "; "; "" when
// there is nothing to say.
std::string image_note(const Image& image, const IntensityWindow& window);

// The window a training set implies, and why (recorded in the model card):
//   every image 8-bit                      -> 0:255 (8-bit), "8-bit training images"
//   16-bit images with one stated range    -> that range, as stored, "TIFF SMinSampleValue/SMaxSampleValue"
//   16-bit images stating b significant bits (PNG sBIT, TIFF BitsPerSample) with every sample
//   below 2^b                              -> 0:2^b-1 (16-bit), "12 significant bits stated by the files"
//   otherwise (16-bit or float)            -> the smallest and largest sample over all images, "fitted: ..."
// `images` are the training images as the network sees them (resized); 8-bit images among 16-bit
// ones count in 16-bit units. Throws stratum::Error when `images` is empty or holds no spread.
struct ChosenWindow {
    IntensityWindow window;
    std::string source;
};
ChosenWindow choose_window(const std::vector<Image>& images);

}  // namespace stratum
