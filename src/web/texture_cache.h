// GL textures of the rows' thumbnails, made when a row is first drawn (in the table or in a plot's
// tooltip) and kept by the row's id, and of the maps' images (maps.h), kept by row id and kind, so that
// the rows and map entries themselves hold no GL state. Drawing side only.
#pragma once
#include <cstdint>

#include "image.h"
#include "state.h"

namespace web {

// The row's thumbnail texture (0 while it has no thumbnail).
unsigned thumbnail_texture(const FileRow& row);
// A texture of an RGB image (a map's view, reconstruction or overlay; the colour scale), kept under
// `key` and uploaded again when `version` changes. Returns 0 for an empty image.
// Keys from here up are not a row's (the colour scale); below, row id x 4 + kind (0 view, 1
// reconstruction, 2 overlay) of a map entry, deleted with the entry.
constexpr std::uint64_t kMapTextureKeysFrom = ~0ull - 16;
unsigned image_texture(std::uint64_t key, int version, const stratum::Image& rgb);
// Deletes the textures of rows that no longer exist (after Clear or a model change); once per frame.
void prune_textures();

}  // namespace web
