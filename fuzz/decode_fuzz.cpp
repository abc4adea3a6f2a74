// libFuzzer target: any bytes through the decoder and the preprocessing every front-end runs.
// A stratum::Error is the expected answer to bad input; anything else (a crash, a sanitizer report,
// another exception, a malformed result) is a defect.
#include <cstdint>
#include <cstdlib>

#include "error.h"
#include "image.h"
#include "preprocess.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A lower pixel limit than the default 150 megapixels: the same checks run, and a mutated header
    // cannot make every run allocate hundreds of megabytes (which would slow the fuzzer to a crawl).
    stratum::DecodeLimits limits;
    limits.max_pixels = 1u << 22;
    for (int channels : {3, 1}) {
        try {
            const stratum::Image image = stratum::decode_image(data, size, channels, limits);
            if (image.width <= 0 || image.height <= 0 || image.channels != channels ||
                image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * channels)
                std::abort();
            stratum::InputSpec spec;
            spec.channels = channels;
            spec.width = spec.height = 32;
            if (stratum::preprocess(image, spec).size() != static_cast<std::size_t>(32 * 32 * channels)) std::abort();
            spec.fit = stratum::Fit::Stretch;
            spec.width = 28;
            spec.height = 36;
            if (stratum::preprocess(image, spec).size() != static_cast<std::size_t>(28 * 36 * channels)) std::abort();
        } catch (const stratum::Error&) {
        }
    }
    return 0;
}
