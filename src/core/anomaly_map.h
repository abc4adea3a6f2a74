// Anomaly maps (issue 19): where in an image the model sees a difference from what it learnt. The
// graph gives raw residual maps (the card's MapSpec: mean over channels of |x - G(E(x))| per pixel, or
// of the critic's features of x and of G(E(x)) at one resolution); this file calibrates them per
// position against the training images, brings them to the model's input size, colours them on one
// scale anchored at the map's threshold, and draws them over the original image beside the
// reconstruction. The page and `stratum score --maps` both call these functions.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "image.h"
#include "model_card.h"
#include "preprocess.h"

namespace stratum {

// What the page and `stratum score --maps` start from: each panel's longer side, and the overlay's opacity.
constexpr int kMapViewSide = 256;
constexpr double kDefaultMapOpacity = 0.6;

// Per position (row-major, spec.height x spec.width values at `raw`): (raw - median) / spread, the
// robust z-score against the training images at that position, so that a border position that the
// generator always draws badly does not look anomalous. Throws stratum::Error when `count` differs
// from the spec's positions or a value is not finite.
std::vector<float> calibrate_map(const float* raw, std::size_t count, const MapSpec& spec);

// A map's calibration from the training images: `spec` names the map and its size; `raw` holds n
// images' raw residuals, image after image (n x height x width). Fills, per position, the median and
// 1.4826 x MAD (floored at a tenth of the median spread over positions and at 1e-6, so that a position
// where every training image agrees does not divide by ~0), and the threshold: quantile q over the
// images of each one's largest value of the calibrated map at the input size (map_at_input: the
// values the overlay colours). Throws stratum::Error for n < 2, q outside (0, 1) or a non-finite value.
MapSpec calibrate_map_spec(MapSpec spec, const float* raw, std::size_t n, const InputSpec& input, double q);

// Bilinear resampling of a w x h map to out_w x out_h with half-pixel centres and clamped edges (as
// torch's interpolate(mode="bilinear", align_corners=False)); a same-size map is copied.
std::vector<float> upsample_map(const std::vector<float>& map, int w, int h, int out_w, int out_h);

// The calibrated map at the model's input size (input.width x input.height, row-major): what the
// overlay shows and what `stratum score --maps` writes as numbers. Throws as calibrate_map.
std::vector<float> map_at_input(const float* raw, std::size_t count, const MapSpec& spec, const InputSpec& input);

// The colour of a calibrated value on the one scale every image shares: u = value / threshold;
// below u = 0.5 nothing is painted (alpha 0); then blue (0.5) to cyan (0.75, faint) to yellow at
// the threshold (u = 1) to orange (1.5) and red (u >= 2), ever more opaque. RGBA, straight alpha.
struct MapColour {
    std::uint8_t r = 0, g = 0, b = 0, a = 0;
};
MapColour map_colour(double value, double threshold);

// The original image as the page and the CLI show it beside its map: the whole decoded image through
// the model's intensity window (to_display8), RGB, scaled (aspect kept) so that its longer side is
// `longer_side` pixels, and the region the model saw (input_crop) in the view's pixels.
struct MapView {
    Image image;  // RGB8
    double crop_x = 0, crop_y = 0, crop_width = 0, crop_height = 0;
};
// Throws stratum::Error for an empty image or longer_side < 8.
MapView make_map_view(const Image& decoded, const InputSpec& spec, int longer_side);

// The view with the map (input.width x input.height calibrated values, map_at_input) drawn over the
// crop: each view pixel in the crop samples the map bilinearly and blends map_colour at `opacity`
// (0-1) x its alpha; pixels outside the crop, which the model never saw, are dimmed to half. RGB8.
Image overlay_map(const MapView& view, const std::vector<float>& map, const InputSpec& input, double threshold,
                  double opacity);

// The reconstruction G(E(x)) (`chw`: input.channels x input.height x input.width values in [-1, 1],
// the graph's "reconstructed" output) as an image the size of the view: drawn into the crop (each
// view pixel shows the input pixel it falls on), mid-grey outside. RGB8, through the inverse of the
// input mapping ([-1, 1] -> 0-255 on the display scale of the intensity window).
Image reconstruction_view(const float* chw, std::size_t count, const MapView& view, const InputSpec& input);

// Image | reconstruction | overlay side by side with 4 white pixels between them: the PNG that
// `stratum score --maps` writes and the page saves. RGB8.
Image map_triptych(const MapView& view, const Image& reconstruction, const Image& overlay);

// A horizontal bar of the colour scale (width x height RGB8 over a checker of greys for the faint
// end), from 0 to 2 x threshold, for legends.
Image map_scale_bar(int width, int height);

}  // namespace stratum
