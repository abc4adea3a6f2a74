#include "redraw.h"

#include <GLFW/glfw3.h>

#include <functional>
#include <string>

#include "pipeline.h"
#include "state.h"

namespace web {
namespace {

int g_frames_after_input = 0;  // ImGui needs a few frames to settle after an event (hover, focus)
double g_last_draw_ms = -1e9;
std::size_t g_last_signature = 0;

void on_input() { g_frames_after_input = 3; }

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
    return h;
}

}  // namespace

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
    bool draw = false;
    if (g_frames_after_input > 0) {
        --g_frames_after_input;
        draw = true;
    }
    const std::size_t signature = state_signature();
    if (signature != g_last_signature && (!pipeline_busy() || now_ms - g_last_draw_ms >= 100)) draw = true;
    if (now_ms - g_last_draw_ms >= 1000) draw = true;
    if (draw) {
        g_last_signature = signature;
        g_last_draw_ms = now_ms;
    }
    return draw;
}

}  // namespace web
