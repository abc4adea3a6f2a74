// The per-format decoders behind decode_pages (image.h); internal to the core. Each gives the
// pixels as stored (samples per pixel as in the file, alpha kept, orientation not yet applied);
// image.cpp then composites, converts channels and turns them upright, the same for every format.
#pragma once
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "image.h"

namespace stratum::detail {

struct StoredImage {
    Image image;                 // channels: 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA
    bool premultiplied = false;  // alpha already multiplied in (TIFF associated alpha)
    int orientation = 1;         // EXIF / TIFF orientation 1-8 still to apply
};

std::uint32_t be16(const std::uint8_t* p);
std::uint32_t be32(const std::uint8_t* p);
std::uint32_t le16(const std::uint8_t* p);
std::uint32_t le32(const std::uint8_t* p);

// The orientation tag (0x0112) of a TIFF-structured EXIF block (starting at "II*\0" or "MM\0*");
// 1 when absent or malformed. Every read is bounds-checked: the bytes are untrusted.
int exif_orientation(const std::uint8_t* tiff, std::size_t size);

// Headers (read_header's work for one format). Throw stratum::Error when unreadable.
ImageHeader png_header(const std::uint8_t* data, std::size_t size);
ImageHeader jpeg_header(const std::uint8_t* data, std::size_t size);
ImageHeader tiff_header(const std::uint8_t* data, std::size_t size, const DecodeLimits& limits);
ImageHeader stb_header(const std::string& format, const std::uint8_t* data, std::size_t size);  // BMP, GIF, TGA
// A TGA only when every field of its 18-byte header is consistent and the file has the size the
// header implies (the format has no signature: raw camera frames would pass a loose check).
bool tga_header_valid(const std::uint8_t* data, std::size_t size, std::uint64_t file_size);

StoredImage decode_png(const std::uint8_t* data, std::size_t size);
StoredImage decode_jpeg(const std::uint8_t* data, std::size_t size);
StoredImage decode_stb(const std::string& format, const std::uint8_t* data, std::size_t size);
// Calls `page` for every page in order (reduced-resolution pages, such as thumbnails, skipped);
// `count` is the page count tiff_header found (read_header has walked the directories already).
void decode_tiff(const std::uint8_t* data, std::size_t size, int count, const DecodeLimits& limits,
                 const std::function<void(StoredImage&&, int index, int count)>& page);

}  // namespace stratum::detail
