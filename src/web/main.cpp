// The page's main loop: GLFW window on the canvas, Dear ImGui drawn with WebGL2.
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cstdio>

#include "browser.h"
#include "fonts.h"
#include "maps.h"
#include "panels.h"
#include "texture_cache.h"
#include "redraw.h"
#include "state.h"

namespace {

GLFWwindow* g_window = nullptr;

// High-DPI: the canvas holds device pixels (CSS size x devicePixelRatio) and the UI is drawn at that
// scale (fonts and sizes multiplied), so text stays sharp on such screens.
EM_JS(double, device_pixel_ratio, (), { return window.devicePixelRatio || 1; });
EM_JS(int, browser_width, (), { return Math.round(window.innerWidth * (window.devicePixelRatio || 1)); });
EM_JS(int, browser_height, (), { return Math.round(window.innerHeight * (window.devicePixelRatio || 1)); });

// The wheel in notches, as the browser means them (web/app.js counts them from each 'wheel' event:
// 100 pixels, 3 lines or a page a notch, down negative). Emscripten 3.1.6's GLFW hands ImGui the raw
// deltaY instead (about 100 a notch, down positive), and again for the legacy 'mousewheel' event.
EM_JS(void, take_wheel_notches, (double* x, double* y), {
    const w = globalThis.stratumTakeWheel ? globalThis.stratumTakeWheel() : [0, 0];
    HEAPF64[x >> 3] = w[0];
    HEAPF64[y >> 3] = w[1];
});

void on_scroll(GLFWwindow* window, double, double) {
    double x = 0, y = 0;
    take_wheel_notches(&x, &y);
    if (x == 0 && y == 0) return;  // the second call for one event
    ImGui_ImplGlfw_ScrollCallback(window, x, y);
    web::on_input();
}

void fit_canvas_to_window() {
    const int w = browser_width(), h = browser_height();
    int current_w = 0, current_h = 0;
    glfwGetWindowSize(g_window, &current_w, &current_h);
    if (w != current_w || h != current_h) glfwSetWindowSize(g_window, w, h);  // web/style.css keeps the CSS size
}

void frame() {
    fit_canvas_to_window();
    web::prune_textures();
    web::update_fonts();  // before NewFrame: it may rebuild the font atlas
    const double start = emscripten_get_now();
    if (!web::should_draw(start)) return;  // the canvas keeps the last frame
    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    const ImGuiIO& io = ImGui::GetIO();
    web::next_map_frame();
    web::draw_ui(io.DisplaySize.x, io.DisplaySize.y);
    if (web::maps_wanted()) web::request_maps();  // the panels asked for maps this frame
    ImGui::Render();
    int fb_w = 0, fb_h = 0;
    glfwGetFramebufferSize(g_window, &fb_w, &fb_h);
    glViewport(0, 0, fb_w, fb_h);
    glClearColor(0.08f, 0.08f, 0.1f, 1.0f);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    web::record_draw_time(emscripten_get_now() - start);
}

void setup_style() {
    const float scale = static_cast<float>(device_pixel_ratio());
    ImGuiStyle& style = ImGui::GetStyle();
    ImGui::StyleColorsDark();
    style.WindowRounding = 0;
    style.ChildRounding = 4;
    style.FrameRounding = 3;
    style.WindowPadding = ImVec2(10, 8);
    style.ItemSpacing = ImVec2(8, 6);
    style.ScaleAllSizes(scale);
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;  // nothing is stored in the browser
    // DejaVu Sans is embedded at build time (Debian's fonts-dejavu-core), with fallback fonts merged in
    // when file names need them (fonts.h); ImGui's own font, scaled, when DejaVu is missing.
    if (FILE* f = std::fopen("/fonts/DejaVuSans.ttf", "rb")) std::fclose(f);
    else io.FontGlobalScale = scale;
    web::setup_fonts(15.0f * scale);
}

}  // namespace

int main() {
    if (!glfwInit()) {
        std::fprintf(stderr, "stratum: GLFW could not start\n");
        return 1;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    g_window = glfwCreateWindow(browser_width(), browser_height(), "stratum", nullptr, nullptr);
    if (!g_window) {
        std::fprintf(stderr, "stratum: WebGL2 is not available in this browser\n");
        return 1;
    }
    glfwMakeContextCurrent(g_window);
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    setup_style();
    web::watch_input(g_window);  // before ImGui's backend, which calls these after its own
    ImGui_ImplGlfw_InitForOpenGL(g_window, true);
    glfwSetScrollCallback(g_window, on_scroll);  // instead of the backend's, which takes GLFW's raw deltas
    ImGui_ImplOpenGL3_Init("#version 300 es");
    emscripten_set_main_loop(frame, 0, true);
    return 0;
}
