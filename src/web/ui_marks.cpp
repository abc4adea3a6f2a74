#include "ui_marks.h"

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

std::string ui_marks_json(double css_per_canvas_pixel) {
    const double k = css_per_canvas_pixel;
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [name, r] : marks()) j[name] = {r.x * k, r.y * k, r.z * k, r.w * k};
    return j.dump();
}

}  // namespace web
