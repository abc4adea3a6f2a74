// Where named widgets were drawn in the last frame, in CSS pixels: lets the end-to-end tests drag the
// threshold and press buttons like a user, without guessing the layout.
#pragma once

namespace web {

// Records the last ImGui item's rectangle under `name`.
void mark_item(const char* name);

}  // namespace web
