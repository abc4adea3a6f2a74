#include "preprocess.h"

#include "error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <type_traits>

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image_resize.h>

namespace stratum {
namespace {

// Averages f_x x f_y blocks of the w x h region at `origin` (block grid centred, the few pixels left
// over at the edges dropped). `stride` in samples.
template <typename T>
Image block_average(const T* origin, std::size_t stride, int w, int h, int channels, int fx, int fy, SampleType type) {
    Image out;
    out.width = w / fx;
    out.height = h / fy;
    out.channels = channels;
    out.type = type;
    std::vector<T>& samples = samples_of<T>(out);
    samples.resize(static_cast<std::size_t>(out.width) * out.height * channels);
    const T* start = origin + static_cast<std::size_t>((h % fy) / 2) * stride +
                     static_cast<std::size_t>((w % fx) / 2) * channels;
    const double n = static_cast<double>(fx) * fy;
    std::vector<double> sums(static_cast<std::size_t>(out.width) * channels);
    for (int oy = 0; oy < out.height; ++oy) {
        std::fill(sums.begin(), sums.end(), 0.0);
        for (int dy = 0; dy < fy; ++dy) {
            const T* row = start + static_cast<std::size_t>(oy * fy + dy) * stride;
            for (int ox = 0; ox < out.width; ++ox)
                for (int dx = 0; dx < fx; ++dx)
                    for (int c = 0; c < channels; ++c)
                        sums[static_cast<std::size_t>(ox) * channels + c] += row[(static_cast<std::size_t>(ox) * fx + dx) * channels + c];
        }
        T* dst = samples.data() + static_cast<std::size_t>(oy) * out.width * channels;
        for (std::size_t i = 0; i < sums.size(); ++i) {
            if constexpr (std::is_same_v<T, float>) dst[i] = static_cast<float>(sums[i] / n);
            else dst[i] = static_cast<T>(std::floor(sums[i] / n + 0.5));
        }
    }
    return out;
}

template <typename T>
int stb_resize(const T* in, int w, int h, int stride_bytes, T* out, int ow, int oh, int channels) {
    if constexpr (std::is_same_v<T, std::uint8_t>)
        return stbir_resize_uint8_generic(in, w, h, stride_bytes, out, ow, oh, 0, channels, STBIR_ALPHA_CHANNEL_NONE, 0,
                                          STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_LINEAR, nullptr);
    else if constexpr (std::is_same_v<T, std::uint16_t>)
        return stbir_resize_uint16_generic(in, w, h, stride_bytes, out, ow, oh, 0, channels, STBIR_ALPHA_CHANNEL_NONE, 0,
                                           STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_LINEAR, nullptr);
    else
        return stbir_resize_float_generic(in, w, h, stride_bytes, out, ow, oh, 0, channels, STBIR_ALPHA_CHANNEL_NONE, 0,
                                          STBIR_EDGE_CLAMP, STBIR_FILTER_DEFAULT, STBIR_COLORSPACE_LINEAR, nullptr);
}

template <typename T>
Image resize_typed(const Image& image, int width, int height, int x0, int y0, int cw, int ch) {
    Image out;
    out.width = width;
    out.height = height;
    out.channels = image.channels;
    out.type = image.type;
    out.significant_bits = image.significant_bits;
    out.has_stated_range = image.has_stated_range;
    out.stated_min = image.stated_min;
    out.stated_max = image.stated_max;
    out.notes = image.notes;
    const std::vector<T>& in = samples_of<T>(image);
    std::vector<T>& result = samples_of<T>(out);
    std::size_t stride = static_cast<std::size_t>(image.width) * image.channels;
    const T* origin = in.data() + y0 * stride + static_cast<std::size_t>(x0) * image.channels;
    result.resize(static_cast<std::size_t>(width) * height * image.channels);
    if (cw == width && ch == height) {
        for (int y = 0; y < height; ++y)
            std::copy(origin + y * stride, origin + y * stride + static_cast<std::size_t>(width) * image.channels,
                      result.begin() + static_cast<std::size_t>(y) * width * image.channels);
        return out;
    }
    // Reductions of more than 4x first average whole blocks: the Mitchell filter's cost grows with the
    // ratio (about 250 taps per output pixel from 2000 to 32 pixels), while a block average is the same
    // low-pass in one pass, and it leaves at least 4 source pixels per output for the filter to finish.
    // (A 64 to 32 pixel training resize does not reach it.)
    const int fx = std::max(1, cw / (4 * width)), fy = std::max(1, ch / (4 * height));
    Image reduced;
    if (fx > 1 || fy > 1) {
        reduced = block_average<T>(origin, stride, cw, ch, image.channels, fx, fy, image.type);
        origin = samples_of<T>(reduced).data();
        cw = reduced.width;
        ch = reduced.height;
        stride = static_cast<std::size_t>(reduced.width) * reduced.channels;
    }
    if (!stb_resize<T>(origin, cw, ch, static_cast<int>(stride * sizeof(T)), result.data(), width, height, image.channels))
        throw Error("resize failed (out of memory?)");
    return out;
}

}  // namespace

Fit parse_fit(const std::string& name) {
    if (name == "center_crop") return Fit::CenterCrop;
    if (name == "stretch") return Fit::Stretch;
    throw Error("unknown fit \"" + name + "\" (expected center_crop or stretch)");
}

std::string fit_name(Fit fit) { return fit == Fit::CenterCrop ? "center_crop" : "stretch"; }

CropRect input_crop(int image_width, int image_height, int width, int height, Fit fit) {
    if (width <= 0 || height <= 0) throw Error("resize target must be positive");
    if (image_width <= 0 || image_height <= 0) throw Error("resize of an empty image");
    CropRect r{0, 0, image_width, image_height};
    if (fit == Fit::CenterCrop) {
        // Compare aspect ratios in integers: image.w / image.h against width / height.
        const long long lhs = static_cast<long long>(image_width) * height;
        const long long rhs = static_cast<long long>(width) * image_height;
        if (lhs > rhs) {  // too wide
            r.width = std::max(1, static_cast<int>(rhs / height));
            r.x = (image_width - r.width) / 2;
        } else if (lhs < rhs) {  // too tall
            r.height = std::max(1, static_cast<int>(lhs / width));
            r.y = (image_height - r.height) / 2;
        }
    }
    return r;
}

Image resize_image(const Image& image, int width, int height, Fit fit) {
    if (width <= 0 || height <= 0) throw Error("resize target must be positive");
    if (image.width <= 0 || image.height <= 0 || image.sample_count() == 0) throw Error("resize of an empty image");
    const CropRect c = input_crop(image.width, image.height, width, height, fit);
    const int x0 = c.x, y0 = c.y, cw = c.width, ch = c.height;
    switch (image.type) {
        case SampleType::UInt8: return resize_typed<std::uint8_t>(image, width, height, x0, y0, cw, ch);
        case SampleType::UInt16: return resize_typed<std::uint16_t>(image, width, height, x0, y0, cw, ch);
        default: return resize_typed<float>(image, width, height, x0, y0, cw, ch);
    }
}

std::vector<float> to_chw_float(const Image& image, const IntensityWindow& window) {
    const std::size_t plane = static_cast<std::size_t>(image.width) * image.height;
    std::vector<float> chw(plane * image.channels);
    const bool classic = image.type == SampleType::UInt8 && window == IntensityWindow{};
    const double scale = 2.0 / (window.hi - window.lo);
    std::size_t i = 0;
    for_each_sample(image, [&](double v) {
        const std::size_t p = i / image.channels, c = i % image.channels;
        // The classic 8-bit window keeps its historical float spelling, value / 127.5 - 1.
        chw[c * plane + p] = classic ? static_cast<float>(v) / 127.5f - 1.0f
                                     : static_cast<float>((in_window_units(v, image.type, window) - window.lo) * scale - 1.0);
        ++i;
    });
    return chw;
}

Image to_display8(const Image& image, const IntensityWindow& window) {
    Image out;
    out.width = image.width;
    out.height = image.height;
    out.channels = image.channels;
    out.notes = image.notes;
    if (image.type == SampleType::UInt8 && window == IntensityWindow{}) {
        out.pixels = image.pixels;
        return out;
    }
    out.pixels.reserve(image.sample_count());
    const double scale = 255.0 / (window.hi - window.lo);
    for_each_sample(image, [&](double v) {
        const double level = (in_window_units(v, image.type, window) - window.lo) * scale;
        out.pixels.push_back(static_cast<std::uint8_t>(std::min(255.0, std::max(0.0, level)) + 0.5));
    });
    return out;
}

std::vector<float> preprocess(const Image& decoded, const InputSpec& spec) {
    if (decoded.channels != spec.channels)
        throw Error("internal: image has " + std::to_string(decoded.channels) + " channels, model wants " +
                    std::to_string(spec.channels));
    return to_chw_float(resize_image(decoded, spec.width, spec.height, spec.fit), spec.window);
}

}  // namespace stratum
