// PNG through libpng: 16-bit samples kept, sBIT read, eXIf orientation, and chunk checksums checked
// (a critical chunk whose CRC fails is refused, as the PNG specification asks of a decoder).
#include <png.h>

#include <algorithm>
#include <csetjmp>
#include <cstdio>
#include <cstring>

#include "error.h"
#include "image_decoders.h"

namespace stratum::detail {
namespace {

struct PngJob {
    const std::uint8_t* data = nullptr;
    std::size_t size = 0;
    std::size_t position = 0;
    char message[256] = {};
    png_structp png = nullptr;
    png_infop info = nullptr;
    StoredImage out;
    std::vector<png_bytep> rows;
    png_byte sbit = 0;
};

void read_bytes(png_structp png, png_bytep out, png_size_t n) {
    auto* job = static_cast<PngJob*>(png_get_io_ptr(png));
    if (n > job->size - job->position) png_error(png, "the file ends early (truncated)");
    std::memcpy(out, job->data + job->position, n);
    job->position += n;
}

void on_error(png_structp png, png_const_charp message) {
    auto* job = static_cast<PngJob*>(png_get_error_ptr(png));
    std::snprintf(job->message, sizeof job->message, "%s", message);
    png_longjmp(png, 1);
}

void on_warning(png_structp, png_const_charp) {}  // ancillary problems: the image still shows

int orientation_of(PngJob& job) {
#ifdef PNG_eXIf_SUPPORTED
    png_uint_32 length = 0;
    png_bytep exif = nullptr;
    if (png_get_eXIf_1(job.png, job.info, &length, &exif) && exif != nullptr) return exif_orientation(exif, length);
#endif
    return 1;
}

// The libpng calls, in a frame that holds no C++ object of its own: libpng reports errors by
// longjmp back to here. Returns false with job.message set on an error.
bool read_image(PngJob& job) {
    if (setjmp(png_jmpbuf(job.png))) return false;
    png_set_read_fn(job.png, &job, read_bytes);
    png_read_info(job.png, job.info);
    const png_byte colour = png_get_color_type(job.png, job.info);
    const png_byte depth = png_get_bit_depth(job.png, job.info);
    if (colour == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(job.png);
    if (colour == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(job.png);
    if (png_get_valid(job.png, job.info, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(job.png);
    if (depth == 16) png_set_swap(job.png);  // PNG is big-endian; our samples are native uint16
    png_color_8p sbit = nullptr;
    if (depth == 16 && png_get_sBIT(job.png, job.info, &sbit) && sbit != nullptr)
        job.sbit = colour & PNG_COLOR_MASK_COLOR ? std::max({sbit->red, sbit->green, sbit->blue}) : sbit->gray;
    png_set_interlace_handling(job.png);
    png_read_update_info(job.png, job.info);

    Image& image = job.out.image;
    image.width = static_cast<int>(png_get_image_width(job.png, job.info));
    image.height = static_cast<int>(png_get_image_height(job.png, job.info));
    image.channels = png_get_channels(job.png, job.info);
    const bool sixteen = png_get_bit_depth(job.png, job.info) == 16;
    image.type = sixteen ? SampleType::UInt16 : SampleType::UInt8;
    const std::size_t row_samples = static_cast<std::size_t>(image.width) * image.channels;
    job.rows.resize(static_cast<std::size_t>(image.height));
    if (sixteen) {
        image.samples16.resize(row_samples * image.height);
        for (int y = 0; y < image.height; ++y) job.rows[y] = reinterpret_cast<png_bytep>(image.samples16.data() + y * row_samples);
    } else {
        image.pixels.resize(row_samples * image.height);
        for (int y = 0; y < image.height; ++y) job.rows[y] = image.pixels.data() + y * row_samples;
    }
    png_read_image(job.png, job.rows.data());
    return true;
}

// The chunks after the image data: eXIf may sit there, and IEND closes the file. Returns false with
// job.message set on an error.
bool read_end(PngJob& job) {
    if (setjmp(png_jmpbuf(job.png))) return false;
    png_read_end(job.png, job.info);
    return true;
}

}  // namespace

ImageHeader png_header(const std::uint8_t* d, std::size_t n) {
    ImageHeader h;
    h.format = "PNG";
    if (n < 33 || std::memcmp(d + 12, "IHDR", 4) != 0 || be32(d + 8) != 13)
        throw Error("PNG header is unreadable or truncated (no IHDR chunk at the start)");
    const std::uint32_t w = be32(d + 16), height = be32(d + 20);
    if (w > 0x7FFFFFFFu || height > 0x7FFFFFFFu) throw Error("PNG header declares an impossible size");
    h.width = static_cast<int>(w);
    h.height = static_cast<int>(height);
    const int depth = d[24], colour = d[25];
    const int channels[] = {1, 0, 3, 1, 2, 0, 4};
    if (colour > 6 || channels[colour] == 0 || !(depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16))
        throw Error("PNG header is invalid (bit depth " + std::to_string(depth) + ", colour type " +
                    std::to_string(colour) + ")");
    h.channels_in_file = channels[colour];
    h.bits_per_sample = depth;
    return h;
}

StoredImage decode_png(const std::uint8_t* data, std::size_t size) {
    PngJob job;
    job.data = data;
    job.size = size;
    job.png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &job, on_error, on_warning);
    if (job.png == nullptr) throw Error("PNG decoder could not start (out of memory)");
    job.info = png_create_info_struct(job.png);
    struct Cleanup {
        PngJob& job;
        ~Cleanup() { png_destroy_read_struct(&job.png, job.info ? &job.info : nullptr, nullptr); }
    } cleanup{job};
    if (job.info == nullptr) throw Error("PNG decoder could not start (out of memory)");
    // Bounds for ancillary chunks (text, ICC profiles): the image itself was checked against the limits.
    png_set_chunk_malloc_max(job.png, 16u << 20);

    auto refuse = [&](const char* stage) {
        const std::string message = job.message;
        if (message.find("CRC") != std::string::npos)
            throw Error("PNG is corrupt: a chunk's checksum (CRC) does not match its data (" + message + ")");
        if (message.find("truncated") != std::string::npos || message.find("Not enough image data") != std::string::npos)
            throw Error("PNG is truncated: " + message);
        throw Error(std::string("PNG could not be decoded") + stage + ": " + message);
    };
    if (!read_image(job)) refuse("");
    // Past the pixels, only a damaged chunk refuses the file; a missing end is tolerated, as browsers do.
    if (!read_end(job) && std::string(job.message).find("CRC") != std::string::npos) refuse(" after the image data");
    job.out.orientation = orientation_of(job);
    if (job.sbit > 0 && job.sbit < 16) job.out.image.significant_bits = job.sbit;
    return std::move(job.out);
}

}  // namespace stratum::detail
