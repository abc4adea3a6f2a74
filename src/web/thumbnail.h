// Table and hover thumbnails: a square centre crop, RGBA for a GL texture.
#pragma once
#include <cstdint>
#include <vector>

#include "image.h"

namespace web {

constexpr int kThumbnail = 32;

// kThumbnail x kThumbnail RGBA (gray images repeated into R, G and B; alpha opaque).
std::vector<std::uint8_t> make_thumbnail(const stratum::Image& image);

}  // namespace web
