#include "intensity.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "error.h"

namespace stratum {
namespace {

std::string number_text(double v) {
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%.6g", v);
    return buffer;
}

}  // namespace

std::string window_units(SampleType depth) {
    return depth == SampleType::Float32 ? "as stored" : sample_type_name(depth);
}

SampleType parse_window_units(const std::string& name) {
    if (name == "8-bit") return SampleType::UInt8;
    if (name == "16-bit") return SampleType::UInt16;
    if (name == "as stored") return SampleType::Float32;
    throw Error("unknown intensity window units \"" + name + "\" (expected 8-bit, 16-bit or as stored)");
}

std::string window_text(const IntensityWindow& window) {
    return number_text(window.lo) + ":" + number_text(window.hi) + " (" + window_units(window.depth) + ")";
}

IntensityWindow parse_window(const std::string& text, SampleType depth, const std::string& field) {
    const std::size_t colon = text.find(':');
    auto fail = [&](const std::string& why) -> IntensityWindow {
        throw Error(field + " \"" + text + "\": " + why + " (expected LO:HI, for example 0:4095 for 12-bit data)");
    };
    if (colon == std::string::npos) return fail("no colon");
    auto number = [&](const std::string& part, double& out) {
        const char* begin = part.c_str();
        char* end = nullptr;
        out = std::strtod(begin, &end);
        return !part.empty() && end == begin + part.size() && std::isfinite(out);
    };
    IntensityWindow w;
    w.depth = depth;
    if (!number(text.substr(0, colon), w.lo) || !number(text.substr(colon + 1), w.hi)) return fail("not two numbers");
    if (!(w.lo < w.hi)) return fail("LO must be below HI");
    return w;
}

double in_window_units(double value, SampleType from, const IntensityWindow& window) {
    if (from == window.depth || from == SampleType::Float32 || window.depth == SampleType::Float32) return value;
    return from == SampleType::UInt8 ? value * 257.0 : value / 257.0;
}

WindowFit fit_in_window(const Image& image, const IntensityWindow& window) {
    WindowFit fit;
    fit.stored = image.type;
    std::size_t below = 0, above = 0, n = 0;
    double brightest = -HUGE_VAL;
    for_each_sample(image, [&](double v) {
        const double u = in_window_units(v, image.type, window);
        below += u < window.lo;
        above += u > window.hi;
        brightest = std::max(brightest, v);
        ++n;
    });
    if (n > 0) {
        fit.below = static_cast<double>(below) / n;
        fit.above = static_cast<double>(above) / n;
        fit.brightest_stored = brightest;
        fit.brightest = in_window_units(brightest, image.type, window);
    }
    return fit;
}

std::string window_note(const WindowFit& fit, const IntensityWindow& window) {
    auto percent = [](double share) {
        char buffer[32];
        std::snprintf(buffer, sizeof buffer, share < 0.001 ? "%.2g %%" : "%.1f %%", share * 100);
        return std::string(buffer);
    };
    std::string note;
    if (fit.above > 0) note = percent(fit.above) + " of samples above";
    if (fit.below > 0) note += (note.empty() ? "" : ", ") + percent(fit.below) + " below";
    if (!note.empty()) return note + " the intensity window " + window_text(window);
    if (fit.brightest >= window.lo + (window.hi - window.lo) / 16) return "";
    note = "dark for the intensity window " + window_text(window) + ": the brightest sample is " + number_text(fit.brightest);
    if (fit.stored == SampleType::UInt16 && window.depth != SampleType::Float32 && fit.brightest_stored > 0) {
        int bits = 1;
        while (bits < 16 && std::ldexp(1.0, bits) - 1 < fit.brightest_stored) ++bits;
        const std::string top = number_text(std::ldexp(1.0, bits) - 1);
        note += " (" + number_text(fit.brightest_stored) + " as stored: " + std::to_string(bits) +
                "-bit data? score with --input-range 0:" + top + ")";
    }
    return note;
}

std::string image_note(const Image& image, const IntensityWindow& window) {
    std::string note;
    for (const std::string& n : image.notes) note += (note.empty() ? "" : "; ") + n;
    const std::string w = window_note(fit_in_window(image, window), window);
    if (!w.empty()) note += (note.empty() ? "" : "; ") + w;
    return note;
}

ChosenWindow choose_window(const std::vector<Image>& images) {
    if (images.empty()) throw Error("no training images to choose an intensity window from");
    bool any16 = false, any_float = false;
    for (const Image& image : images) {
        any16 = any16 || image.type == SampleType::UInt16;
        any_float = any_float || image.type == SampleType::Float32;
    }
    if (!any16 && !any_float) return {IntensityWindow{}, "8-bit training images"};
    if (!any_float) {
        // What the 16-bit files say about themselves, when they all say the same.
        const Image* first = nullptr;
        bool same_range = true, same_bits = true;
        double largest = 0;
        for (const Image& image : images) {
            if (image.type != SampleType::UInt16) continue;
            if (first == nullptr) first = &image;
            same_range = same_range && image.has_stated_range && image.stated_min == first->stated_min &&
                         image.stated_max == first->stated_max;
            same_bits = same_bits && image.significant_bits > 0 && image.significant_bits == first->significant_bits;
            for (const std::uint16_t v : image.samples16) largest = std::max(largest, double(v));
        }
        if (same_range && first->has_stated_range)
            return {IntensityWindow{first->stated_min, first->stated_max, SampleType::Float32},
                    "the range the files state (TIFF SMinSampleValue/SMaxSampleValue)"};
        if (same_bits && largest <= std::ldexp(1.0, first->significant_bits) - 1)
            return {IntensityWindow{0, std::ldexp(1.0, first->significant_bits) - 1, SampleType::UInt16},
                    std::to_string(first->significant_bits) + " significant bits, as the files state"};
    }
    IntensityWindow window{HUGE_VAL, -HUGE_VAL, any_float ? SampleType::Float32 : SampleType::UInt16};
    for (const Image& image : images)
        for_each_sample(image, [&](double v) {
            const double u = in_window_units(v, image.type, window);
            window.lo = std::min(window.lo, u);
            window.hi = std::max(window.hi, u);
        });
    if (!(window.lo < window.hi)) throw Error("the training images hold a single intensity value: no window to fit");
    return {window, "fitted: the smallest and largest sample of the training images, as the network sees them"};
}

}  // namespace stratum
