// Encoding images (stb_image_write), for sample grids, thumbnails and test fixtures.
#pragma once
#include <cstdint>
#include <vector>

#include "image.h"

namespace stratum {

std::vector<std::uint8_t> encode_png(const Image& image);

}  // namespace stratum
