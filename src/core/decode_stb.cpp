// BMP, GIF (first frame) and TGA through stb_image (Debian's libstb-dev), behind header checks of
// our own: top-down BMPs, RLE BMPs named as unsupported, and TGA recognised only by a strict header
// (the format has no signature, so a loose check takes raw camera frames for images).
#include <cstring>
#include <memory>

#include "error.h"
#include "image_decoders.h"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO
#define STBI_NO_JPEG  // libjpeg-turbo reads JPEG (decode_jpeg.cpp)
#define STBI_NO_PNG   // libpng reads PNG (decode_png.cpp)
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#define STBI_NO_PSD
#define STBI_NO_PIC
#define STBI_NO_PNM
#define STBI_FAILURE_USERMSG
#include <stb_image.h>

namespace stratum::detail {
namespace {

const char* stb_reason() {
    const char* r = stbi_failure_reason();
    return r ? r : "unknown reason";
}

// TGA 2.0 files end in a 26-byte footer whose last 18 bytes are this signature.
bool has_tga_footer(const std::uint8_t* d, std::size_t n) {
    return n >= 26 && std::memcmp(d + n - 18, "TRUEVISION-XFILE.\0", 18) == 0;
}

}  // namespace

bool tga_header_valid(const std::uint8_t* d, std::size_t n, std::uint64_t file_size) {
    if (n < 18) return false;
    const unsigned id_length = d[0], map_type = d[1], type = d[2];
    const unsigned map_first = le16(d + 3), map_length = le16(d + 5), map_bits = d[7];
    const unsigned width = le16(d + 12), height = le16(d + 14), bits = d[16], descriptor = d[17];
    const bool mapped = type == 1 || type == 9, grey = type == 3 || type == 11, truecolour = type == 2 || type == 10;
    if (!mapped && !grey && !truecolour) return false;
    if (map_type > 1 || (mapped && map_type != 1)) return false;
    if (map_type == 0 && (map_first != 0 || map_length != 0 || map_bits != 0)) return false;
    if (map_type == 1 && (map_length == 0 || map_first + map_length > 65536 ||
                          !(map_bits == 15 || map_bits == 16 || map_bits == 24 || map_bits == 32)))
        return false;
    if (width == 0 || height == 0 || (descriptor & 0xC0) != 0) return false;
    const unsigned alpha_bits = descriptor & 0x0F;
    if ((mapped || grey) && !(bits == 8 || bits == 16)) return false;
    if (truecolour && !(bits == 15 || bits == 16 || bits == 24 || bits == 32)) return false;
    if (alpha_bits > 8 || (bits == 24 && alpha_bits != 0)) return false;

    const std::uint64_t pixel_bytes = (bits + 7) / 8;
    const std::uint64_t data_start = 18 + id_length + (map_type ? std::uint64_t(map_length) * ((map_bits + 7) / 8) : 0);
    const std::uint64_t pixels = std::uint64_t(width) * height;
    if (type <= 3) {  // uncompressed: the pixels fill the file, up to an optional TGA 2.0 footer
        const std::uint64_t end = data_start + pixels * pixel_bytes;
        if (file_size < end) return false;
        if (file_size == end) return true;
        return n < file_size || has_tga_footer(d, n);  // a prefix only: judged again on the whole file
    }
    if (n < file_size) return file_size > data_start;
    // Run-length packets must cover exactly the pixels and end at the file's end or its footer.
    std::uint64_t position = data_start, remaining = pixels;
    while (remaining > 0) {
        if (position >= n) return false;
        const std::uint8_t packet = d[position++];
        const std::uint64_t count = (packet & 0x7Fu) + 1;
        if (count > remaining) return false;
        position += (packet & 0x80) ? pixel_bytes : count * pixel_bytes;
        remaining -= count;
    }
    return position == n || (has_tga_footer(d, n) && position <= n - 26);
}

ImageHeader stb_header(const std::string& format, const std::uint8_t* d, std::size_t n) {
    ImageHeader h;
    h.format = format;
    if (format == "BMP") {
        if (n < 30) throw Error("BMP header is unreadable or truncated");
        const std::uint32_t info_size = le32(d + 14);
        if (info_size == 12) {  // OS/2 1.x
            h.width = static_cast<int>(le16(d + 18));
            h.height = static_cast<int>(le16(d + 20));
            h.bits_per_sample = static_cast<int>(le16(d + 24));
        } else if (info_size >= 40 && n >= 34) {
            h.width = static_cast<std::int32_t>(le32(d + 18));
            const std::int32_t stored_height = static_cast<std::int32_t>(le32(d + 22));
            if (stored_height == INT32_MIN) throw Error("BMP header declares an impossible height");
            h.height = stored_height < 0 ? -stored_height : stored_height;  // negative: rows stored top-down
            h.bits_per_sample = static_cast<int>(le16(d + 28));
            const std::uint32_t compression = le32(d + 30);
            if (compression == 1 || compression == 2)
                throw Error(std::string("RLE-compressed BMP (") + (compression == 1 ? "RLE8" : "RLE4") +
                            ") is not supported: save it uncompressed or as PNG");
            if (compression == 4 || compression == 5)
                throw Error(std::string("BMP holding a ") + (compression == 4 ? "JPEG" : "PNG") +
                            " is not supported: save the image as the JPEG or PNG itself");
            if (compression > 6) throw Error("BMP compression " + std::to_string(compression) + " is not supported");
        } else {
            throw Error("BMP header is unreadable or truncated (header size " + std::to_string(info_size) + ")");
        }
        h.channels_in_file = h.bits_per_sample == 32 ? 4 : 3;
        h.bits_per_sample = 8;
    } else if (format == "GIF") {
        if (n < 10) throw Error("GIF header is unreadable or truncated");
        h.width = static_cast<int>(le16(d + 6));
        h.height = static_cast<int>(le16(d + 8));
        h.channels_in_file = 4;
    } else {  // TGA, already checked by tga_header_valid
        h.width = static_cast<int>(le16(d + 12));
        h.height = static_cast<int>(le16(d + 14));
        h.channels_in_file = d[2] == 3 || d[2] == 11 ? 1 : d[16] == 32 ? 4 : 3;
    }
    return h;
}

StoredImage decode_stb(const std::string& format, const std::uint8_t* data, std::size_t size) {
    int w = 0, h = 0, stored = 0;
    std::unique_ptr<stbi_uc, void (*)(void*)> decoded(
        stbi_load_from_memory(data, static_cast<int>(size), &w, &h, &stored, 0), stbi_image_free);
    if (!decoded)
        throw Error(format + " could not be decoded: " + stb_reason() + " (the file may be truncated or corrupt)");
    StoredImage out;
    out.image.width = w;
    out.image.height = h;
    out.image.channels = stored;
    out.image.pixels.assign(decoded.get(), decoded.get() + static_cast<std::size_t>(w) * h * stored);
    return out;
}

}  // namespace stratum::detail
