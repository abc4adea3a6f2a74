// GL textures of the rows' thumbnails, made when a row is first drawn (in the table or in a plot's
// tooltip) and kept by the row's id, so that the rows themselves hold no GL state. Drawing side only.
#pragma once
#include "state.h"

namespace web {

// The row's thumbnail texture (0 while it has no thumbnail).
unsigned thumbnail_texture(const FileRow& row);
// Deletes the textures of rows that no longer exist (after Clear or a model change); once per frame.
void prune_textures();

}  // namespace web
