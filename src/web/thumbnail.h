// Table and hover thumbnails: a square centre crop, RGBA for a GL texture.
#pragma once
#include <cstdint>
#include <vector>

#include "preprocess.h"

namespace web {

constexpr int kThumbnail = 32;

// kThumbnail x kThumbnail RGBA (gray images repeated into R, G and B; alpha opaque), samples shown
// through the model's intensity window (to_display8).
std::vector<std::uint8_t> make_thumbnail(const stratum::Image& image, const stratum::IntensityWindow& window);

}  // namespace web
