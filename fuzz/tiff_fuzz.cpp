// libFuzzer target: any bytes through the TIFF path (libtiff behind our limits), every page decoded
// and preprocessed through a 16-bit window as a stack of lab images would be. A stratum::Error is the
// expected answer to bad input; a crash, a sanitizer report, another exception or a malformed page is
// a defect. Seeds: fuzz/corpus/tiff_fuzz (written by `image_fixtures tiff-seeds`).
#include <cstdint>
#include <cstdlib>

#include "error.h"
#include "image.h"
#include "preprocess.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // Tight limits: the same checks run, and a mutated header cannot make every run allocate much.
    stratum::DecodeLimits limits;
    limits.max_pixels = 1u << 20;
    limits.max_pages = 64;
    limits.max_total_pixels = 1u << 22;
    stratum::InputSpec spec;
    spec.width = spec.height = 16;
    spec.window = {0, 4095, stratum::SampleType::UInt16};
    for (int channels : {1, 3}) {
        spec.channels = channels;
        try {
            int seen = 0;
            stratum::decode_pages(data, size, channels, [&](stratum::Image&& image, int index, int count) {
                if (index != seen++ || count < 1 || index >= count || image.width <= 0 || image.height <= 0 ||
                    image.channels != channels)
                    std::abort();
                const std::size_t n = image.sample_count();
                const std::size_t held = image.type == stratum::SampleType::UInt8    ? image.pixels.size()
                                         : image.type == stratum::SampleType::UInt16 ? image.samples16.size()
                                                                                     : image.samplesf.size();
                if (held != n) std::abort();
                if (stratum::preprocess(image, spec).size() != static_cast<std::size_t>(16 * 16 * channels)) std::abort();
                (void)stratum::image_note(image, spec.window);
            }, limits);
        } catch (const stratum::Error&) {
        }
    }
    return 0;
}
