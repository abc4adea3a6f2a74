// Shared by the panel files: colours and the small helpers every panel uses.
#pragma once
#include <imgui.h>

#include "state.h"

namespace web {

inline const ImVec4 kFlagged(0.95f, 0.45f, 0.35f, 1.0f);
inline const ImVec4 kNormalColor(0.55f, 0.85f, 0.55f, 1.0f);
inline const ImVec4 kMuted(0.6f, 0.6f, 0.65f, 1.0f);
inline const ImVec4 kError(1.0f, 0.55f, 0.3f, 1.0f);

// Layout sizes are written for a 15 px font; px() scales them with the font (high-DPI screens).
inline float px(float v) { return v * ImGui::GetFontSize() / 15.0f; }

void draw_model_panel();
void draw_threshold_panel();
void draw_metrics_panel();
void draw_results_table();
void draw_histogram(ImVec2 size);
void draw_latent_plot(ImVec2 size);
void draw_maps_panel();
void select_row(int row, bool scroll_table);

}  // namespace web
