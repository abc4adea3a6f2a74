#include "thumbnail.h"

#include "preprocess.h"

namespace web {

std::vector<std::uint8_t> make_thumbnail(const stratum::Image& image, const stratum::IntensityWindow& window) {
    const stratum::Image small =
        stratum::to_display8(stratum::resize_image(image, kThumbnail, kThumbnail, stratum::Fit::CenterCrop), window);
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(kThumbnail) * kThumbnail * 4, 255);
    for (std::size_t i = 0; i < static_cast<std::size_t>(kThumbnail) * kThumbnail; ++i)
        for (int c = 0; c < 3; ++c) rgba[i * 4 + c] = small.pixels[i * small.channels + (small.channels == 3 ? c : 0)];
    return rgba;
}

}  // namespace web
