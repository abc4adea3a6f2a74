// The decoder that runs in Web Workers (web/decode_worker.js): a file's bytes in; per page (one for
// most files, one per page of a TIFF stack) the encoder's input tensor, a thumbnail and the note out;
// or, for an anomaly map, one page's tensor and the view of the image its map is drawn on.
// It is the core's decode and preprocess, so the page feeds the encoder exactly what `stratum score`
// does; running it off the page's main loop keeps the UI drawing while a large photo decodes.
#include <emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "anomaly_map.h"
#include "error.h"
#include "image.h"
#include "intensity.h"
#include "preprocess.h"
#include "thumbnail.h"

namespace {

struct DecodedPage {
    std::vector<float> tensor;
    std::vector<std::uint8_t> thumbnail;
    std::string note;
};

struct Decoded {
    std::vector<DecodedPage> pages;
    int count = 0;  // pages the file holds (pages.size() is fewer when decoding stopped at an error)
    std::string error;
};
Decoded g_last;
stratum::MapView g_view;  // stratum_decode_view's

stratum::InputSpec input_spec(int channels, int height, int width, int fit, double lo, double hi, int depth) {
    stratum::InputSpec spec;
    spec.channels = channels;
    spec.height = height;
    spec.width = width;
    spec.fit = fit == 1 ? stratum::Fit::Stretch : stratum::Fit::CenterCrop;
    spec.window = {lo, hi, depth == 1 ? stratum::SampleType::UInt16 : depth == 2 ? stratum::SampleType::Float32 : stratum::SampleType::UInt8};
    return spec;
}

const DecodedPage* page_at(int k) {
    return k >= 0 && k < static_cast<int>(g_last.pages.size()) ? &g_last.pages[static_cast<std::size_t>(k)] : nullptr;
}

}  // namespace

extern "C" {

// Decodes one file for a model input of channels x height x width (fit: 0 centre crop, 1 stretch)
// through the intensity window lo..hi in units `depth` (0 8-bit, 1 16-bit, 2 as stored). Returns the
// number of pages decoded; stratum_decode_error() is non-empty when the file failed (after that many).
EMSCRIPTEN_KEEPALIVE int stratum_decode(const std::uint8_t* bytes, int size, int channels, int height, int width,
                                        int fit, double lo, double hi, int depth) {
    g_last = Decoded{};
    try {
        const stratum::InputSpec spec = input_spec(channels, height, width, fit, lo, hi, depth);
        stratum::decode_pages(bytes, static_cast<std::size_t>(size), channels, [&](stratum::Image&& image, int, int count) {
            g_last.count = count;
            DecodedPage page;
            page.tensor = stratum::preprocess(image, spec);
            page.thumbnail = web::make_thumbnail(image, spec.window);  // resize_image averages a photo's blocks first
            page.note = stratum::image_note(image, spec.window);
            g_last.pages.push_back(std::move(page));
        });
    } catch (const stratum::Error& e) {
        g_last.error = e.what();
    } catch (const std::bad_alloc&) {
        g_last.error = "out of memory while decoding (the image is too large for the page)";
    }
    return static_cast<int>(g_last.pages.size());
}

// One page of a file again, for its anomaly map (src/web/maps.h): the encoder's input as
// stratum_decode makes it, and the view of the whole image (stratum::make_map_view: RGB, its longer
// side `side` pixels) with the model's crop in the view's pixels. Returns 1, or 0 with
// stratum_decode_error() saying why (no such page, a decode error).
EMSCRIPTEN_KEEPALIVE int stratum_decode_view(const std::uint8_t* bytes, int size, int channels, int height, int width, int fit,
                                             double lo, double hi, int depth, int page, int side) {
    g_last = Decoded{};
    g_view = stratum::MapView{};
    try {
        const stratum::InputSpec spec = input_spec(channels, height, width, fit, lo, hi, depth);
        bool found = false;
        stratum::decode_pages(bytes, static_cast<std::size_t>(size), channels, [&](stratum::Image&& image, int index, int count) {
            g_last.count = count;
            if (index != page) return;
            DecodedPage p;
            p.tensor = stratum::preprocess(image, spec);
            g_last.pages.push_back(std::move(p));
            g_view = stratum::make_map_view(image, spec, side);
            found = true;
        });
        if (!found) g_last.error = "the file has no page " + std::to_string(page + 1) + " any more";
    } catch (const stratum::Error& e) {
        g_last.error = e.what();
    } catch (const std::bad_alloc&) {
        g_last.error = "out of memory while decoding (the image is too large for the page)";
    }
    return g_last.error.empty() ? 1 : 0;
}
EMSCRIPTEN_KEEPALIVE const std::uint8_t* stratum_view_pixels() { return g_view.image.pixels.data(); }
EMSCRIPTEN_KEEPALIVE int stratum_view_width() { return g_view.image.width; }
EMSCRIPTEN_KEEPALIVE int stratum_view_height() { return g_view.image.height; }
// The crop: x, y, width, height (view pixels).
EMSCRIPTEN_KEEPALIVE double stratum_view_crop(int k) {
    const double crop[4] = {g_view.crop_x, g_view.crop_y, g_view.crop_width, g_view.crop_height};
    return k >= 0 && k < 4 ? crop[k] : 0.0;
}

// A file's first bytes (`size` of them; the file holds `file_size`): "" when they may start an image,
// else the reason it is none, so that a 1.5 GB non-image is refused without being read whole.
EMSCRIPTEN_KEEPALIVE const char* stratum_check_start(const std::uint8_t* bytes, int size, double file_size) {
    g_last = Decoded{};
    try {
        stratum::check_file_start(bytes, static_cast<std::size_t>(size), static_cast<std::uint64_t>(file_size));
    } catch (const stratum::Error& e) {
        g_last.error = e.what();
    }
    return g_last.error.c_str();
}

EMSCRIPTEN_KEEPALIVE int stratum_decoded_page_count() { return g_last.count; }
EMSCRIPTEN_KEEPALIVE const float* stratum_decoded_tensor(int k) { return page_at(k) ? page_at(k)->tensor.data() : nullptr; }
EMSCRIPTEN_KEEPALIVE int stratum_decoded_tensor_size(int k) { return page_at(k) ? static_cast<int>(page_at(k)->tensor.size()) : 0; }
EMSCRIPTEN_KEEPALIVE const std::uint8_t* stratum_decoded_thumbnail(int k) { return page_at(k) ? page_at(k)->thumbnail.data() : nullptr; }
EMSCRIPTEN_KEEPALIVE int stratum_decoded_thumbnail_size(int k) { return page_at(k) ? static_cast<int>(page_at(k)->thumbnail.size()) : 0; }
EMSCRIPTEN_KEEPALIVE const char* stratum_decoded_note(int k) { return page_at(k) ? page_at(k)->note.c_str() : ""; }
EMSCRIPTEN_KEEPALIVE const char* stratum_decode_error() { return g_last.error.c_str(); }
// Frees the last result's memory, so a worker idles small after a large photo.
EMSCRIPTEN_KEEPALIVE void stratum_decode_release() {
    g_last = Decoded{};
    g_view = stratum::MapView{};
}

}  // extern "C"
