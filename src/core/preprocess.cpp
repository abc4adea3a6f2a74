#include "preprocess.h"

#include "error.h"

#include <algorithm>

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image_resize.h>

namespace stratum {
namespace {

// Averages f_x x f_y blocks of the w x h region at `origin` (block grid centred, the few pixels left
// over at the edges dropped).
Image block_average(const std::uint8_t* origin, std::size_t stride, int w, int h, int channels, int fx, int fy) {
    Image out;
    out.width = w / fx;
    out.height = h / fy;
    out.channels = channels;
    out.pixels.resize(static_cast<std::size_t>(out.width) * out.height * channels);
    const std::uint8_t* start = origin + static_cast<std::size_t>((h % fy) / 2) * stride +
                                static_cast<std::size_t>((w % fx) / 2) * channels;
    const std::uint32_t n = static_cast<std::uint32_t>(fx) * fy;
    std::vector<std::uint32_t> sums(static_cast<std::size_t>(out.width) * channels);
    for (int oy = 0; oy < out.height; ++oy) {
        std::fill(sums.begin(), sums.end(), 0u);
        for (int dy = 0; dy < fy; ++dy) {
            const std::uint8_t* row = start + static_cast<std::size_t>(oy * fy + dy) * stride;
            for (int ox = 0; ox < out.width; ++ox)
                for (int dx = 0; dx < fx; ++dx)
                    for (int c = 0; c < channels; ++c)
                        sums[static_cast<std::size_t>(ox) * channels + c] += row[(static_cast<std::size_t>(ox) * fx + dx) * channels + c];
        }
        std::uint8_t* dst = out.pixels.data() + static_cast<std::size_t>(oy) * out.width * channels;
        for (std::size_t i = 0; i < sums.size(); ++i) dst[i] = static_cast<std::uint8_t>((sums[i] + n / 2) / n);
    }
    return out;
}

}  // namespace

Fit parse_fit(const std::string& name) {
    if (name == "center_crop") return Fit::CenterCrop;
    if (name == "stretch") return Fit::Stretch;
    throw Error("unknown fit \"" + name + "\" (expected center_crop or stretch)");
}

std::string fit_name(Fit fit) { return fit == Fit::CenterCrop ? "center_crop" : "stretch"; }

Image resize_image(const Image& image, int width, int height, Fit fit) {
    if (width <= 0 || height <= 0) throw Error("resize target must be positive");
    if (image.width <= 0 || image.height <= 0 || image.pixels.empty()) throw Error("resize of an empty image");
    int x0 = 0, y0 = 0, cw = image.width, ch = image.height;
    if (fit == Fit::CenterCrop) {
        // Compare aspect ratios in integers: image.w / image.h against width / height.
        const long long lhs = static_cast<long long>(image.width) * height;
        const long long rhs = static_cast<long long>(width) * image.height;
        if (lhs > rhs) {  // too wide
            cw = static_cast<int>(rhs / height);
            if (cw < 1) cw = 1;
            x0 = (image.width - cw) / 2;
        } else if (lhs < rhs) {  // too tall
            ch = static_cast<int>(lhs / width);
            if (ch < 1) ch = 1;
            y0 = (image.height - ch) / 2;
        }
    }
    Image out;
    out.width = width;
    out.height = height;
    out.channels = image.channels;
    std::size_t stride = static_cast<std::size_t>(image.width) * image.channels;
    const std::uint8_t* origin = image.pixels.data() + y0 * stride + static_cast<std::size_t>(x0) * image.channels;
    if (cw == width && ch == height) {
        out.pixels.resize(static_cast<std::size_t>(width) * height * image.channels);
        for (int y = 0; y < height; ++y)
            std::copy(origin + y * stride, origin + y * stride + static_cast<std::size_t>(width) * image.channels,
                      out.pixels.begin() + static_cast<std::size_t>(y) * width * image.channels);
        return out;
    }
    // Reductions of more than 4x first average whole blocks: the Mitchell filter's cost grows with the
    // ratio (about 250 taps per output pixel from 2000 to 32 pixels), while a block average is the same
    // low-pass in one pass, and it leaves at least 4 source pixels per output for the filter to finish.
    // (A 64 to 32 pixel training resize does not reach it.)
    const int fx = std::max(1, cw / (4 * width)), fy = std::max(1, ch / (4 * height));
    Image reduced;
    if (fx > 1 || fy > 1) {
        reduced = block_average(origin, stride, cw, ch, image.channels, fx, fy);
        origin = reduced.pixels.data();
        cw = reduced.width;
        ch = reduced.height;
        stride = static_cast<std::size_t>(reduced.width) * reduced.channels;
    }
    out.pixels.resize(static_cast<std::size_t>(width) * height * image.channels);
    const int ok = stbir_resize_uint8_generic(origin, cw, ch, static_cast<int>(stride), out.pixels.data(), width,
                                              height, 0, image.channels, STBIR_ALPHA_CHANNEL_NONE, 0,
                                              STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_LINEAR,
                                              nullptr);
    if (!ok) throw Error("resize failed (out of memory?)");
    return out;
}

std::vector<float> to_chw_float(const Image& image) {
    const std::size_t plane = static_cast<std::size_t>(image.width) * image.height;
    std::vector<float> chw(plane * image.channels);
    for (std::size_t i = 0; i < plane; ++i)
        for (int c = 0; c < image.channels; ++c)
            chw[c * plane + i] = static_cast<float>(image.pixels[i * image.channels + c]) / 127.5f - 1.0f;
    return chw;
}

std::vector<float> preprocess(const Image& decoded, const InputSpec& spec) {
    if (decoded.channels != spec.channels)
        throw Error("internal: image has " + std::to_string(decoded.channels) + " channels, model wants " +
                    std::to_string(spec.channels));
    return to_chw_float(resize_image(decoded, spec.width, spec.height, spec.fit));
}

}  // namespace stratum
