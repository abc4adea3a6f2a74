// Where named widgets were drawn in the last frame, in CSS pixels: lets the end-to-end tests drag the
// threshold and press buttons like a user, without guessing the layout.
#pragma once
#include <string>

namespace web {

// Records the last ImGui item's rectangle under `name`.
void mark_item(const char* name);
// {"name": [x0, y0, x1, y1], ...} in CSS pixels (canvas pixels times css_per_canvas_pixel).
std::string ui_marks_json(double css_per_canvas_pixel);

}  // namespace web
