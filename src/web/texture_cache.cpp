#include "texture_cache.h"

#include <GLES3/gl3.h>

#include <map>

namespace web {
namespace {
std::map<std::uint64_t, unsigned>& textures() {
    static std::map<std::uint64_t, unsigned> t;
    return t;
}
}  // namespace

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
}

}  // namespace web
