// JPEG through libjpeg-turbo (the decoder browsers use): baseline, progressive and arithmetic-coded
// 8-bit files; CMYK and YCCK as Adobe's inverted CMYK, as browsers read them; data after the end
// marker ignored (phones append videos there); EXIF orientation applied by image.cpp.
#include <cstdio>  // jpeglib.h needs FILE declared first
#include <jpeglib.h>
#include <jerror.h>

#include <csetjmp>
#include <cstring>

#include "error.h"
#include "image_decoders.h"

namespace stratum::detail {
namespace {

// Progressive files may hold any number of scans, each re-reading the whole image: a file of tiny
// scans is a decompression bomb (libjpeg-turbo's own tools cap scans the same way).
constexpr int kMaxScans = 1000;

struct JpegJob {
    jpeg_decompress_struct cinfo{};
    jpeg_error_mgr errors{};
    jpeg_progress_mgr progress{};
    std::jmp_buf jump{};
    char message[JMSG_LENGTH_MAX] = {};
    char warning[JMSG_LENGTH_MAX] = {};
    bool truncated = false;
    bool too_many_scans = false;
    bool created = false;
    StoredImage out;
    std::vector<std::uint8_t> cmyk;
};

JpegJob& job_of(j_common_ptr cinfo) { return *static_cast<JpegJob*>(cinfo->client_data); }

void on_error(j_common_ptr cinfo) {
    JpegJob& job = job_of(cinfo);
    (*cinfo->err->format_message)(cinfo, job.message);
    std::longjmp(job.jump, 1);
}

void on_message(j_common_ptr cinfo, int level) {
    if (level >= 0) return;  // trace messages
    JpegJob& job = job_of(cinfo);
    if (cinfo->err->msg_code == JWRN_JPEG_EOF) job.truncated = true;
    else if (job.warning[0] == 0) (*cinfo->err->format_message)(cinfo, job.warning);
}

void on_progress(j_common_ptr cinfo) {
    auto* d = reinterpret_cast<j_decompress_ptr>(cinfo);
    if (d->input_scan_number > kMaxScans) {
        job_of(cinfo).too_many_scans = true;
        std::snprintf(job_of(cinfo).message, JMSG_LENGTH_MAX, "more than %d scans", kMaxScans);
        std::longjmp(job_of(cinfo).jump, 1);
    }
}

// The libjpeg calls, in a frame that holds no C++ object of its own: libjpeg reports errors through
// on_error, which jumps back here. Returns false with job.message set on an error.
bool read_image(JpegJob& job, const std::uint8_t* data, std::size_t size) {
    if (setjmp(job.jump)) return false;
    job.cinfo.err = jpeg_std_error(&job.errors);
    job.errors.error_exit = on_error;
    job.errors.emit_message = on_message;
    job.cinfo.client_data = &job;
    jpeg_create_decompress(&job.cinfo);
    job.created = true;
    job.progress.progress_monitor = on_progress;
    job.cinfo.progress = &job.progress;
    jpeg_mem_src(&job.cinfo, data, static_cast<unsigned long>(size));
    jpeg_read_header(&job.cinfo, TRUE);
    const J_COLOR_SPACE stored = job.cinfo.jpeg_color_space;
    const bool cmyk = stored == JCS_CMYK || stored == JCS_YCCK;
    job.cinfo.out_color_space = cmyk ? JCS_CMYK : stored == JCS_GRAYSCALE ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&job.cinfo);

    Image& image = job.out.image;
    image.width = static_cast<int>(job.cinfo.output_width);
    image.height = static_cast<int>(job.cinfo.output_height);
    image.channels = cmyk ? 3 : job.cinfo.output_components;
    image.type = SampleType::UInt8;
    const std::size_t row = static_cast<std::size_t>(image.width) * job.cinfo.output_components;
    std::vector<std::uint8_t>& target = cmyk ? job.cmyk : image.pixels;
    target.resize(row * image.height);
    while (job.cinfo.output_scanline < job.cinfo.output_height) {
        JSAMPROW line = target.data() + job.cinfo.output_scanline * row;
        jpeg_read_scanlines(&job.cinfo, &line, 1);
    }
    jpeg_finish_decompress(&job.cinfo);
    return true;
}

}  // namespace

ImageHeader jpeg_header(const std::uint8_t* d, std::size_t n) {
    ImageHeader h;
    h.format = "JPEG";
    std::size_t i = 2;
    while (i + 4 <= n) {
        if (d[i] != 0xFF) {  // garbage between segments: skipped to the next marker, as libjpeg does
            ++i;
            continue;
        }
        const std::uint8_t marker = d[i + 1];
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {  // no length
            i += 2;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) break;  // scan data or end before any frame header
        const std::size_t length = be16(d + i + 2);
        if (length < 2) throw Error("JPEG header is corrupt (a segment of length " + std::to_string(length) + ")");
        const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame) {
            if (i + 10 > n) break;
            const int process = marker & 0x0F;
            const int precision = d[i + 4];
            if (process == 3 || process == 7 || process == 11 || process == 15)
                throw Error("lossless JPEG (SOF" + std::to_string(process) +
                            ") is not supported: libjpeg-turbo 2.1, the decoder here, reads lossy JPEG only; "
                            "save the image as PNG or TIFF");
            if (process == 5 || process == 6 || process == 13 || process == 14)
                throw Error("hierarchical JPEG (SOF" + std::to_string(process) + ") is not supported");
            if (precision != 8)
                throw Error(std::to_string(precision) +
                            "-bit JPEG is not supported: libjpeg-turbo 2.1, the decoder here, reads 8-bit JPEG "
                            "only; save the image as 16-bit PNG or TIFF to keep its bits");
            h.height = static_cast<int>(be16(d + i + 5));
            h.width = static_cast<int>(be16(d + i + 7));
            h.channels_in_file = d[i + 9];
            h.bits_per_sample = 8;
            if (h.height == 0) throw Error("JPEG declares its height later in the file (DNL), which is not supported");
            return h;
        }
        i += 2 + length;
    }
    throw Error("JPEG header is unreadable or truncated (no frame header before the image data)");
}

StoredImage decode_jpeg(const std::uint8_t* data, std::size_t size) {
    JpegJob job;
    struct Cleanup {
        JpegJob& job;
        ~Cleanup() {
            if (job.created) jpeg_destroy_decompress(&job.cinfo);
        }
    } cleanup{job};
    if (!read_image(job, data, size)) {
        if (job.too_many_scans)
            throw Error("JPEG has more than " + std::to_string(kMaxScans) + " scans (a decompression bomb?)");
        throw Error(std::string("JPEG could not be decoded: ") + job.message + " (the file may be truncated or corrupt)");
    }
    if (job.truncated) throw Error("JPEG is truncated (the data ends before the image does)");
    Image& image = job.out.image;
    if (!job.cmyk.empty()) {
        // Adobe's inverted CMYK (what Photoshop writes, and how Chromium and Firefox read every CMYK
        // JPEG): a stored 255 is no ink, so R = C K / 255, and so on.
        image.pixels.resize(static_cast<std::size_t>(image.width) * image.height * 3);
        for (std::size_t p = 0, n = static_cast<std::size_t>(image.width) * image.height; p < n; ++p) {
            const unsigned k = job.cmyk[p * 4 + 3];
            for (int c = 0; c < 3; ++c) image.pixels[p * 3 + c] = static_cast<std::uint8_t>((job.cmyk[p * 4 + c] * k + 127) / 255);
        }
        image.notes.push_back(std::string(job.cinfo.jpeg_color_space == JCS_YCCK ? "YCCK" : "CMYK") +
                              " converted to RGB (Adobe inverted CMYK" +
                              (job.cinfo.saw_Adobe_marker ? "" : "; the file has no Adobe marker") + ")");
    }
    if (job.warning[0] != 0) image.notes.push_back(std::string("JPEG data is damaged: ") + job.warning);
    // EXIF orientation, from the APP1 segments before the image data.
    for (std::size_t i = 2; i + 4 <= size && data[i] == 0xFF;) {
        const std::uint8_t marker = data[i + 1];
        if (marker == 0xFF) {
            ++i;
            continue;
        }
        if (marker == 0xDA || marker == 0xD9) break;
        const std::size_t length = be16(data + i + 2);
        if (length < 2 || i + 2 + length > size) break;
        if (marker == 0xE1 && length >= 16 && std::memcmp(data + i + 4, "Exif\0\0", 6) == 0) {
            job.out.orientation = exif_orientation(data + i + 10, length - 8);
            break;
        }
        i += 2 + length;
    }
    return std::move(job.out);
}

}  // namespace stratum::detail
