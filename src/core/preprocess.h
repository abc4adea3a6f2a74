// Turning a decoded image into the encoder's input: fit to the model's size, then map samples to the
// network's [-1, 1] through the model's intensity window (intensity.h), CHW float.
#pragma once
#include <string>
#include <vector>

#include "image.h"
#include "intensity.h"

namespace stratum {

enum class Fit {
    CenterCrop,  // crop the largest centred region with the model's aspect ratio, then resize
    Stretch,     // resize the whole image, ignoring its aspect ratio
};

Fit parse_fit(const std::string& name);  // "center_crop" or "stretch"; throws stratum::Error otherwise
std::string fit_name(Fit fit);

// The region of a width x height image that `fit` feeds the model (input width x height): the largest
// centred region with the input's aspect ratio (CenterCrop) or the whole image (Stretch). Pixels,
// integer, as resize_image crops. Throws stratum::Error for empty sizes.
struct CropRect {
    int x = 0, y = 0, width = 0, height = 0;
};
CropRect input_crop(int image_width, int image_height, int width, int height, Fit fit);

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
