#include "texture_cache.h"

#include <GLES3/gl3.h>

#include <map>

#include "maps.h"

namespace web {
namespace {
std::map<std::uint64_t, unsigned>& textures() {
    static std::map<std::uint64_t, unsigned> t;
    return t;
}
struct ImageTexture {
    unsigned texture = 0;
    int version = -1;
};
std::map<std::uint64_t, ImageTexture>& image_textures() {
    static std::map<std::uint64_t, ImageTexture> t;
    return t;
}
}  // namespace

unsigned image_texture(std::uint64_t key, int version, const stratum::Image& rgb) {
    if (rgb.pixels.empty() || rgb.channels != 3) return 0;
    ImageTexture& t = image_textures()[key];
    if (t.texture && t.version == version) return t.texture;
    if (!t.texture) {
        GLuint made = 0;
        glGenTextures(1, &made);
        t.texture = made;
    }
    glBindTexture(GL_TEXTURE_2D, t.texture);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_LINEAR);
    glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, rgb.width, rgb.height, 0, GL_RGB, GL_UNSIGNED_BYTE, rgb.pixels.data());
    glPixelStorei(GL_UNPACK_ALIGNMENT, 4);
    t.version = version;
    return t.texture;
}

unsigned thumbnail_texture(const FileRow& row) {
    if (row.thumbnail.empty()) return 0;
    unsigned& t = textures()[row.id];
    if (t) return t;
    GLuint made = 0;
    glGenTextures(1, &made);
    glBindTexture(GL_TEXTURE_2D, made);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, kThumbnail, kThumbnail, 0, GL_RGBA, GL_UNSIGNED_BYTE, row.thumbnail.data());
    t = made;
    return t;
}

void prune_textures() {
    // Rows are only ever appended (ids increasing) or cleared all at once: every id below the first
    // row's is gone.
    const std::vector<FileRow>& rows = app().rows;
    auto& t = textures();
    const auto end = rows.empty() ? t.end() : t.lower_bound(rows.front().id);
    for (auto it = t.begin(); it != end; ++it) {
        GLuint gone = it->second;
        glDeleteTextures(1, &gone);
    }
    t.erase(t.begin(), end);
    // Map images are keyed by row id x 4 + kind; the scale bars' keys lie above every row's.
    auto& m = image_textures();
    for (auto it = m.begin(); it != m.end();) {
        const std::uint64_t id = it->first / 4;
        if (it->first < kMapTextureKeysFrom && maps().entries.count(id) == 0) {
            GLuint gone = it->second.texture;
            glDeleteTextures(1, &gone);
            it = m.erase(it);
        } else {
            ++it;
        }
    }
}

}  // namespace web
