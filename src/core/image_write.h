// Encoding images (stb_image_write), for sample grids, thumbnails and test fixtures.
#pragma once
#include <cstdint>
#include <vector>

#include "image.h"

namespace stratum {

std::vector<std::uint8_t> encode_png(const Image& image);
// Baseline JPEG, quality 1-100 (gray or RGB; alpha is dropped by stb).
std::vector<std::uint8_t> encode_jpeg(const Image& image, int quality);

}  // namespace stratum
