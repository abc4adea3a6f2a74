#include "anomaly_map.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>

#include "error.h"
#include "stats.h"

namespace stratum {
namespace {

std::uint8_t to_byte(double v) { return static_cast<std::uint8_t>(std::min(255.0, std::max(0.0, v)) + 0.5); }

// Bilinear sample of a w x h map at (x, y) in its pixel coordinates (centres at integers), clamped.
float sample(const std::vector<float>& map, int w, int h, double x, double y) {
    x = std::min(std::max(x, 0.0), static_cast<double>(w - 1));
    y = std::min(std::max(y, 0.0), static_cast<double>(h - 1));
    const int x0 = static_cast<int>(x), y0 = static_cast<int>(y);
    const int x1 = std::min(x0 + 1, w - 1), y1 = std::min(y0 + 1, h - 1);
    const double tx = x - x0, ty = y - y0;
    const auto at = [&](int xx, int yy) { return static_cast<double>(map[static_cast<std::size_t>(yy) * w + xx]); };
    const double top = at(x0, y0) + (at(x1, y0) - at(x0, y0)) * tx;
    const double bottom = at(x0, y1) + (at(x1, y1) - at(x0, y1)) * tx;
    return static_cast<float>(top + (bottom - top) * ty);
}

Image rgb_image(int width, int height) {
    Image out;
    out.width = width;
    out.height = height;
    out.channels = 3;
    out.pixels.assign(static_cast<std::size_t>(width) * height * 3, 0);
    return out;
}

bool in_crop(const MapView& v, double x, double y) {
    return x >= v.crop_x && x < v.crop_x + v.crop_width && y >= v.crop_y && y < v.crop_y + v.crop_height;
}

}  // namespace

std::vector<float> calibrate_map(const float* raw, std::size_t count, const MapSpec& spec) {
    const std::size_t positions = static_cast<std::size_t>(spec.width) * spec.height;
    if (count != positions || spec.median.size() != positions || spec.spread.size() != positions)
        throw Error("map \"" + spec.name + "\": the graph gave " + std::to_string(count) + " values, the card expects " +
                    std::to_string(spec.width) + " x " + std::to_string(spec.height));
    std::vector<float> out(positions);
    for (std::size_t i = 0; i < positions; ++i) {
        if (!std::isfinite(raw[i])) throw Error("map \"" + spec.name + "\": the graph gave a value that is not finite");
        out[i] = static_cast<float>((raw[i] - spec.median[i]) / spec.spread[i]);
    }
    return out;
}

MapSpec calibrate_map_spec(MapSpec m, const float* raw, std::size_t n, const InputSpec& input, double q) {
    if (n < 2) throw Error("map " + m.name + ": calibration needs at least 2 training images");
    if (!(q > 0 && q < 1)) throw Error("map " + m.name + ": the threshold quantile must lie in (0, 1)");
    const std::size_t positions = static_cast<std::size_t>(m.width) * m.height;
    if (positions == 0) throw Error("map " + m.name + ": empty size");
    m.median.clear();
    m.spread.clear();
    m.threshold_quantile = q;
    std::vector<double> mads, column(n);
    for (std::size_t p = 0; p < positions; ++p) {
        for (std::size_t i = 0; i < n; ++i) {
            column[i] = raw[i * positions + p];
            if (!std::isfinite(column[i])) throw Error("map " + m.name + ": a training image gave a value that is not finite");
        }
        const double median = quantile(column, 0.5);
        for (double& v : column) v = std::abs(v - median);
        m.median.push_back(median);
        mads.push_back(1.4826 * quantile(column, 0.5));
    }
    const double floor = std::max(1e-6, 0.1 * quantile(mads, 0.5));
    for (double s : mads) m.spread.push_back(std::max(s, floor));
    m.threshold = 1.0;  // placeholder while the maxima are measured
    std::vector<double> maxima;
    for (std::size_t i = 0; i < n; ++i) {
        const std::vector<float> at_input = map_at_input(raw + i * positions, positions, m, input);
        maxima.push_back(*std::max_element(at_input.begin(), at_input.end()));
    }
    m.threshold = std::max(1e-3, quantile(maxima, q));
    return m;
}

std::vector<float> upsample_map(const std::vector<float>& map, int w, int h, int out_w, int out_h) {
    if (w < 1 || h < 1 || out_w < 1 || out_h < 1 || map.size() != static_cast<std::size_t>(w) * h)
        throw Error("upsample_map: the map's size does not match its dimensions");
    if (w == out_w && h == out_h) return map;
    std::vector<float> out(static_cast<std::size_t>(out_w) * out_h);
    const double sx = static_cast<double>(w) / out_w, sy = static_cast<double>(h) / out_h;
    for (int y = 0; y < out_h; ++y)
        for (int x = 0; x < out_w; ++x)
            out[static_cast<std::size_t>(y) * out_w + x] = sample(map, w, h, (x + 0.5) * sx - 0.5, (y + 0.5) * sy - 0.5);
    return out;
}

std::vector<float> map_at_input(const float* raw, std::size_t count, const MapSpec& spec, const InputSpec& input) {
    return upsample_map(calibrate_map(raw, count, spec), spec.width, spec.height, input.width, input.height);
}

MapColour map_colour(double value, double threshold) {
    struct Stop {
        double u, r, g, b, a;
    };
    static constexpr std::array<Stop, 5> stops{{{0.5, 40, 60, 200, 0},
                                                {0.75, 0, 200, 230, 90},
                                                {1.0, 255, 230, 0, 190},
                                                {1.5, 255, 140, 0, 215},
                                                {2.0, 230, 20, 20, 235}}};
    const double u = threshold > 0 && std::isfinite(value) ? value / threshold : 0.0;
    if (u <= stops.front().u) return {};
    const Stop* hi = &stops.back();
    const Stop* lo = hi;
    for (std::size_t i = 1; i < stops.size(); ++i)
        if (u < stops[i].u) {
            lo = &stops[i - 1];
            hi = &stops[i];
            break;
        }
    const double t = hi == lo ? 0.0 : (u - lo->u) / (hi->u - lo->u);
    const auto mix = [&](double a, double b) { return to_byte(a + (b - a) * t); };
    return {mix(lo->r, hi->r), mix(lo->g, hi->g), mix(lo->b, hi->b), mix(lo->a, hi->a)};
}

MapView make_map_view(const Image& decoded, const InputSpec& spec, int longer_side) {
    if (longer_side < 8) throw Error("map view: the longer side must be at least 8 pixels");
    if (decoded.width < 1 || decoded.height < 1) throw Error("map view: empty image");
    Image display = to_display8(decoded, spec.window);
    const double s = static_cast<double>(longer_side) / std::max(decoded.width, decoded.height);
    const int vw = std::max(1, static_cast<int>(std::lround(decoded.width * s)));
    const int vh = std::max(1, static_cast<int>(std::lround(decoded.height * s)));
    Image scaled = resize_image(display, vw, vh, Fit::Stretch);
    MapView view;
    view.image = rgb_image(vw, vh);
    for (std::size_t p = 0; p < static_cast<std::size_t>(vw) * vh; ++p)
        for (int c = 0; c < 3; ++c)
            view.image.pixels[p * 3 + c] = scaled.pixels[p * scaled.channels + (scaled.channels == 1 ? 0 : c)];
    const CropRect crop = input_crop(decoded.width, decoded.height, spec.width, spec.height, spec.fit);
    const double fx = static_cast<double>(vw) / decoded.width, fy = static_cast<double>(vh) / decoded.height;
    view.crop_x = crop.x * fx;
    view.crop_y = crop.y * fy;
    view.crop_width = crop.width * fx;
    view.crop_height = crop.height * fy;
    return view;
}

Image overlay_map(const MapView& view, const std::vector<float>& map, const InputSpec& input, double threshold,
                  double opacity) {
    if (map.size() != static_cast<std::size_t>(input.width) * input.height)
        throw Error("overlay_map: the map is not the model's input size");
    opacity = std::min(1.0, std::max(0.0, opacity));
    Image out = view.image;
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            std::uint8_t* px = &out.pixels[(static_cast<std::size_t>(y) * out.width + x) * 3];
            const double cx = x + 0.5, cy = y + 0.5;
            if (!in_crop(view, cx, cy)) {
                for (int c = 0; c < 3; ++c) px[c] = static_cast<std::uint8_t>(px[c] / 2);
                continue;
            }
            const double mx = (cx - view.crop_x) / view.crop_width * input.width - 0.5;
            const double my = (cy - view.crop_y) / view.crop_height * input.height - 0.5;
            const MapColour colour = map_colour(sample(map, input.width, input.height, mx, my), threshold);
            const double a = opacity * colour.a / 255.0;
            const double rgb[3] = {static_cast<double>(colour.r), static_cast<double>(colour.g), static_cast<double>(colour.b)};
            for (int c = 0; c < 3; ++c) px[c] = to_byte(px[c] * (1 - a) + rgb[c] * a);
        }
    return out;
}

Image reconstruction_view(const float* chw, std::size_t count, const MapView& view, const InputSpec& input) {
    const std::size_t plane = static_cast<std::size_t>(input.width) * input.height;
    if (count != plane * input.channels) throw Error("reconstruction: the graph gave another size than the model's input");
    Image out = rgb_image(view.image.width, view.image.height);
    for (int y = 0; y < out.height; ++y)
        for (int x = 0; x < out.width; ++x) {
            std::uint8_t* px = &out.pixels[(static_cast<std::size_t>(y) * out.width + x) * 3];
            const double cx = x + 0.5, cy = y + 0.5;
            if (!in_crop(view, cx, cy)) {
                px[0] = px[1] = px[2] = 128;
                continue;
            }
            const int ix = std::min(input.width - 1, static_cast<int>((cx - view.crop_x) / view.crop_width * input.width));
            const int iy = std::min(input.height - 1, static_cast<int>((cy - view.crop_y) / view.crop_height * input.height));
            for (int c = 0; c < 3; ++c) {
                const int channel = input.channels == 1 ? 0 : c;
                px[c] = to_byte((chw[channel * plane + static_cast<std::size_t>(iy) * input.width + ix] + 1.0) * 127.5);
            }
        }
    return out;
}

Image map_triptych(const MapView& view, const Image& reconstruction, const Image& overlay) {
    const int w = view.image.width, h = view.image.height, gap = 4;
    for (const Image* panel : {&reconstruction, &overlay})
        if (panel->width != w || panel->height != h || panel->channels != 3)
            throw Error("map_triptych: the panels differ in size");
    Image out = rgb_image(3 * w + 2 * gap, h);
    std::fill(out.pixels.begin(), out.pixels.end(), 255);
    const Image* panels[3] = {&view.image, &reconstruction, &overlay};
    for (int k = 0; k < 3; ++k)
        for (int y = 0; y < h; ++y)
            std::copy_n(&panels[k]->pixels[static_cast<std::size_t>(y) * w * 3], static_cast<std::size_t>(w) * 3,
                        &out.pixels[(static_cast<std::size_t>(y) * out.width + k * (w + gap)) * 3]);
    return out;
}

Image map_scale_bar(int width, int height) {
    if (width < 1 || height < 1) throw Error("map_scale_bar: empty size");
    Image out = rgb_image(width, height);
    for (int y = 0; y < height; ++y)
        for (int x = 0; x < width; ++x) {
            const double checker = ((x / 4 + y / 4) % 2) ? 200.0 : 150.0;
            const MapColour c = map_colour(2.0 * (x + 0.5) / width, 1.0);
            const double a = c.a / 255.0;
            std::uint8_t* px = &out.pixels[(static_cast<std::size_t>(y) * width + x) * 3];
            px[0] = to_byte(checker * (1 - a) + c.r * a);
            px[1] = to_byte(checker * (1 - a) + c.g * a);
            px[2] = to_byte(checker * (1 - a) + c.b * a);
        }
    return out;
}

}  // namespace stratum
