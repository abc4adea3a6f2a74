// libFuzzer target: any bytes through the decoder and the preprocessing every front-end runs.
// A stratum::Error is the expected answer to bad input; anything else (a crash, a sanitizer report,
// another exception, a malformed result) is a defect.
#include <cstdint>
#include <cstdlib>

#include "error.h"
#include "image.h"
#include "preprocess.h"

namespace {
// Exactly one sample vector holds every sample, as `type` says.
bool well_formed(const stratum::Image& image, int channels) {
    const std::size_t n = image.sample_count();
    const std::size_t in8 = image.pixels.size(), in16 = image.samples16.size(), inf = image.samplesf.size();
    const bool typed = image.type == stratum::SampleType::UInt8    ? in8 == n && in16 == 0 && inf == 0
                       : image.type == stratum::SampleType::UInt16 ? in16 == n && in8 == 0 && inf == 0
                                                                   : inf == n && in8 == 0 && in16 == 0;
    return image.width > 0 && image.height > 0 && image.channels == channels && typed;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // A lower pixel limit than the default 150 megapixels: the same checks run, and a mutated header
    // cannot make every run allocate hundreds of megabytes (which would slow the fuzzer to a crawl).
    stratum::DecodeLimits limits;
    limits.max_pixels = 1u << 22;
    for (int channels : {3, 1}) {
        try {
            const stratum::Image image = stratum::decode_image(data, size, channels, limits);
            if (!well_formed(image, channels)) std::abort();
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
