// The decoder that runs in Web Workers (web/decode_worker.js): a file's bytes in, the encoder's input
// tensor and a thumbnail out. It is the core's decode and preprocess, so the page feeds the encoder
// exactly what `stratum score` does; running it off the page's main loop keeps the UI drawing while a
// large photo decodes.
#include <emscripten.h>

#include <cstdint>
#include <string>
#include <vector>

#include "error.h"
#include "image.h"
#include "preprocess.h"
#include "thumbnail.h"

namespace {

struct Decoded {
    std::vector<float> tensor;
    std::vector<std::uint8_t> thumbnail;
    std::string error;
};
Decoded g_last;

}  // namespace

extern "C" {

// Decodes one file for a model input of channels x height x width (fit: 0 centre crop, 1 stretch).
// Returns 1 on success (tensor and thumbnail ready), 0 on failure (the error says why).
EMSCRIPTEN_KEEPALIVE int stratum_decode(const std::uint8_t* bytes, int size, int channels, int height, int width,
                                        int fit) {
    g_last = Decoded{};
    try {
        stratum::InputSpec spec;
        spec.channels = channels;
        spec.height = height;
        spec.width = width;
        spec.fit = fit == 1 ? stratum::Fit::Stretch : stratum::Fit::CenterCrop;
        const stratum::Image image = stratum::decode_image(bytes, static_cast<std::size_t>(size), channels);
        g_last.tensor = stratum::preprocess(image, spec);
        g_last.thumbnail = web::make_thumbnail(image, spec.window);  // resize_image averages a photo's blocks first
        return 1;
    } catch (const stratum::Error& e) {
        g_last.error = e.what();
    } catch (const std::bad_alloc&) {
        g_last.error = "out of memory while decoding (the image is too large for the page)";
    }
    return 0;
}

EMSCRIPTEN_KEEPALIVE const float* stratum_decoded_tensor() { return g_last.tensor.data(); }
EMSCRIPTEN_KEEPALIVE int stratum_decoded_tensor_size() { return static_cast<int>(g_last.tensor.size()); }
EMSCRIPTEN_KEEPALIVE const std::uint8_t* stratum_decoded_thumbnail() { return g_last.thumbnail.data(); }
EMSCRIPTEN_KEEPALIVE int stratum_decoded_thumbnail_size() { return static_cast<int>(g_last.thumbnail.size()); }
EMSCRIPTEN_KEEPALIVE const char* stratum_decode_error() { return g_last.error.c_str(); }
// Frees the last result's memory, so a worker idles small after a large photo.
EMSCRIPTEN_KEEPALIVE void stratum_decode_release() { g_last = Decoded{}; }

}  // extern "C"
