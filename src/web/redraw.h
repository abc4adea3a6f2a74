// When the page draws: only after input or a change of state, not 60 times a second. Drawing a full
// window costs real CPU (tens of ms with a software WebGL renderer), which an idle page should not burn
// and a busy page needs for decoding and the encoder.
#pragma once
#include <string>

struct GLFWwindow;

namespace web {

// Installs GLFW callbacks that note input; call before ImGui's GLFW backend, which chains to them.
void watch_input(GLFWwindow* window);
// Notes input that arrived another way (the wheel: main.cpp), so that the next frames are drawn.
void on_input();
// True when this frame should be drawn: input in the last few frames, a visible change of state (at
// most 10 times a second, and no more than a quarter of the main thread, while files are being
// scored), or a second since the last draw.
bool should_draw(double now_ms);

// The main thread's time to build and submit one drawn frame (not the GPU's time to render it); the
// last 256 are kept for stratum_frame_stats_json (bench/page.mjs reads them).
void record_draw_time(double ms);
void reset_frame_stats();
// {"draws", "draw_ms_p50", "draw_ms_p95", "draw_ms_max"} over the kept draw times.
std::string frame_stats_json();

}  // namespace web
