// The page's panels, drawn every frame from AppState (immediate mode: no widget objects kept).
#pragma once

namespace web {

void draw_ui(float width, float height);

}  // namespace web
