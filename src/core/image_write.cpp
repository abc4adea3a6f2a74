#include "image_write.h"

#include "error.h"

#include <string>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STB_IMAGE_WRITE_STATIC  // internal linkage: several targets compile their own copy
#define STBI_WRITE_NO_STDIO
#include <stb_image_write.h>

namespace stratum {

namespace {

void check_consistent(const Image& image, const char* what) {
    if (image.width <= 0 || image.height <= 0 || image.pixels.size() != static_cast<std::size_t>(image.width) *
                                                                            image.height * image.channels)
        throw Error(std::string(what) + ": inconsistent image");
}

void append(void* context, void* data, int size) {
    auto* bytes = static_cast<std::vector<std::uint8_t>*>(context);
    bytes->insert(bytes->end(), static_cast<std::uint8_t*>(data), static_cast<std::uint8_t*>(data) + size);
}

}  // namespace

std::vector<std::uint8_t> encode_png(const Image& image) {
    check_consistent(image, "encode_png");
    std::vector<std::uint8_t> out;
    if (!stbi_write_png_to_func(append, &out, image.width, image.height, image.channels, image.pixels.data(),
                                image.width * image.channels))
        throw Error("encode_png failed");
    return out;
}

std::vector<std::uint8_t> encode_jpeg(const Image& image, int quality) {
    check_consistent(image, "encode_jpeg");
    std::vector<std::uint8_t> out;
    if (!stbi_write_jpg_to_func(append, &out, image.width, image.height, image.channels, image.pixels.data(), quality))
        throw Error("encode_jpeg failed");
    return out;
}

}  // namespace stratum
