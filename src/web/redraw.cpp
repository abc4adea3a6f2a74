#include "redraw.h"

#include <GLFW/glfw3.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pipeline.h"
#include "maps.h"
#include "state.h"

namespace web {
namespace {

int g_frames_after_input = 0;  // ImGui needs a few frames to settle after an event (hover, focus)
double g_last_draw_ms = -1e9;
double g_previous_frame_ms = 0;   // when the previous frame began
bool g_previous_frame_drew = false;
double g_draw_cost_ms = 16;       // moving average of a drawn frame's full cost, browser's share included
std::size_t g_last_signature = 0;


std::vector<double> g_draw_ms;  // a ring of the last 256 draw times
std::size_t g_draws = 0;

// What the panels show that can change without input: the model, the rows, the progress, the notice.
std::size_t state_signature() {
    const AppState& s = app();
    std::size_t h = std::hash<std::string>{}(s.notice) ^ std::hash<std::string>{}(s.model.error);
    auto mix = [&h](std::size_t v) { h = h * 1000003u ^ v; };
    mix(s.rows.size());
    mix(s.progress.done);
    mix(s.progress.total);
    mix(s.model.ready);
    mix(std::hash<std::string>{}(s.model.source));
    mix(std::hash<std::string>{}(s.model.backend));
    mix(static_cast<std::size_t>(s.model.threads));
    mix(std::hash<double>{}(s.threshold.value));
    mix(pipeline_busy());
    // Maps that arrive or fail, and the map chosen, show at once.
    for (const auto& [id, e] : maps().entries) mix(id * 8 + static_cast<std::size_t>(e.status) + 16 * static_cast<std::size_t>(e.version));
    mix(static_cast<std::size_t>(maps().choice));
    // The table's order is rebuilt while it is drawn, after the count above it: one more frame shows it.
    mix(s.view.order.size());
    mix(s.view.order_dirty);
    return h;
}

}  // namespace

void on_input() { g_frames_after_input = 3; }

void watch_input(GLFWwindow* window) {
    glfwSetCursorPosCallback(window, [](GLFWwindow*, double, double) { on_input(); });
    glfwSetMouseButtonCallback(window, [](GLFWwindow*, int, int, int) { on_input(); });
    glfwSetScrollCallback(window, [](GLFWwindow*, double, double) { on_input(); });
    glfwSetKeyCallback(window, [](GLFWwindow*, int, int, int, int) { on_input(); });
    glfwSetCharCallback(window, [](GLFWwindow*, unsigned int) { on_input(); });
    glfwSetWindowSizeCallback(window, [](GLFWwindow*, int, int) { on_input(); });
    glfwSetWindowFocusCallback(window, [](GLFWwindow*, int) { on_input(); });
    glfwSetCursorEnterCallback(window, [](GLFWwindow*, int) { on_input(); });
}

bool should_draw(double now_ms) {
    // A drawn frame's cost shows in the gap to the next frame: it includes what the browser does with
    // the canvas afterwards (compositing; with a software renderer, tens of ms), which our own timer
    // cannot see.
    if (g_previous_frame_drew) g_draw_cost_ms = 0.8 * g_draw_cost_ms + 0.2 * (now_ms - g_previous_frame_ms);
    g_previous_frame_ms = now_ms;
    // While files are scored, drawing may take a quarter of the main thread at most (and 10 per second).
    const double busy_interval_ms = std::max(100.0, 4.0 * g_draw_cost_ms);
    bool draw = false;
    if (g_frames_after_input > 0) {
        --g_frames_after_input;
        draw = true;
    }
    const std::size_t signature = state_signature();
    if (signature != g_last_signature && (!pipeline_busy() || now_ms - g_last_draw_ms >= busy_interval_ms)) draw = true;
    if (now_ms - g_last_draw_ms >= 1000) draw = true;
    if (draw) {
        g_last_signature = signature;
        g_last_draw_ms = now_ms;
    }
    g_previous_frame_drew = draw;
    return draw;
}

void record_draw_time(double ms) {
    if (g_draw_ms.size() < 256) g_draw_ms.push_back(ms);
    else g_draw_ms[g_draws % 256] = ms;
    ++g_draws;
}

void reset_frame_stats() {
    g_draw_ms.clear();
    g_draws = 0;
}

std::string frame_stats_json() {
    std::vector<double> sorted = g_draw_ms;
    std::sort(sorted.begin(), sorted.end());
    auto at = [&sorted](double p) { return sorted.empty() ? 0.0 : sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))]; };
    return nlohmann::json{{"draws", g_draws}, {"draw_ms_p50", at(0.5)}, {"draw_ms_p95", at(0.95)},
                          {"draw_ms_max", sorted.empty() ? 0.0 : sorted.back()}}
        .dump();
}

}  // namespace web
