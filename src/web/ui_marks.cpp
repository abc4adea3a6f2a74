#include "ui_marks.h"

#include <emscripten.h>
#include <imgui.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace web {
namespace {
std::map<std::string, ImVec4>& marks() {
    static std::map<std::string, ImVec4> m;
    return m;
}
}  // namespace

void mark_item(const char* name) {
    const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
    marks()[name] = ImVec4(a.x, a.y, b.x, b.y);
}

}  // namespace web

EM_JS(double, css_per_canvas_pixel, (), { return 1 / (window.devicePixelRatio || 1); });

extern "C" EMSCRIPTEN_KEEPALIVE const char* stratum_ui_marks_json() {
    static std::string text;
    const double k = css_per_canvas_pixel();
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, r] : web::marks()) j[name] = {r.x * k, r.y * k, r.z * k, r.w * k};
    text = j.dump();
    return text.c_str();
}
