// Plots: the histogram of scores with a draggable threshold, and the latent space in two views,
// PCA (the card's basis, training sample behind) and strata (radius = exact norm, angle from PCA).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "panels_internal.h"
#include "texture_cache.h"
#include "point_renderer.h"
#include "roc.h"
#include "score.h"
#include "ui_marks.h"

namespace web {
namespace {

PointRenderer g_renderer;
bool g_renderer_tried = false;
std::string g_renderer_error;

// Colour ramp position of a score: the threshold sits in the middle.
float ramp_value(double score, double threshold) {
    return static_cast<float>(0.5 + 0.5 * std::tanh((score - threshold) / 2.0));
}

struct Bounds {
    float lo[2] = {1e30f, 1e30f}, hi[2] = {-1e30f, -1e30f};
    void add(float x, float y) {
        lo[0] = std::min(lo[0], x), lo[1] = std::min(lo[1], y);
        hi[0] = std::max(hi[0], x), hi[1] = std::max(hi[1], y);
    }
};

}  // namespace

void draw_histogram(ImVec2 size) {
    AppState& s = app();
    const std::vector<double> values = scored_values();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1(p0.x + size.x, p0.y + size.y);
    dl->AddRectFilled(p0, p1, IM_COL32(25, 25, 32, 255));
    ImGui::InvisibleButton("histogram", size);
    mark_item("histogram");
    if (values.empty()) {
        dl->AddText(ImVec2(p0.x + 10, p0.y + 10), IM_COL32(150, 150, 160, 255), "score histogram (no scores yet)");
        return;
    }
    double lo = std::min(*std::min_element(values.begin(), values.end()), s.threshold.value);
    double hi = std::max(*std::max_element(values.begin(), values.end()), s.threshold.value);
    const double pad = std::max(0.05 * (hi - lo), 0.1);
    lo -= pad, hi += pad;
    const stratum::Histogram h = stratum::histogram(values, lo, hi, 40);
    const std::size_t peak = std::max<std::size_t>(1, *std::max_element(h.counts.begin(), h.counts.end()));
    const float plot_h = size.y - px(22), bw = size.x / static_cast<float>(h.counts.size());
    auto x_of = [&](double v) { return p0.x + static_cast<float>((v - lo) / (hi - lo)) * size.x; };
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
        const float x = p0.x + bw * static_cast<float>(i);
        const float bar = plot_h * static_cast<float>(h.counts[i]) / static_cast<float>(peak);
        const bool above = lo + (static_cast<double>(i) + 0.5) * h.bin_width() >= s.threshold.value;
        dl->AddRectFilled(ImVec2(x + 1, p0.y + 4 + plot_h - bar), ImVec2(x + bw - 1, p0.y + 4 + plot_h),
                          above ? IM_COL32(230, 110, 90, 220) : IM_COL32(100, 160, 220, 220));
    }
    // The threshold: drag it with the mouse anywhere on the plot.
    if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        const double v = lo + (ImGui::GetIO().MousePos.x - p0.x) / size.x * (hi - lo);
        s.threshold.preset = ThresholdPreset::Manual;
        s.threshold.value = v;
        s.view.order_dirty = true;
    }
    const float tx = x_of(s.threshold.value);
    dl->AddLine(ImVec2(tx, p0.y), ImVec2(tx, p0.y + plot_h + 4), IM_COL32(255, 230, 120, 255), 2.0f);
    std::size_t flagged = 0;
    for (double v : values) flagged += v >= s.threshold.value;
    char label[96];
    std::snprintf(label, sizeof label, "threshold %.3f: %zu of %zu flagged", s.threshold.value, flagged, values.size());
    dl->AddText(ImVec2(p0.x + px(6), p1.y - px(18)), IM_COL32(230, 230, 235, 255), label);
    std::snprintf(label, sizeof label, "%.2f", lo);
    dl->AddText(ImVec2(p0.x + 6, p0.y + 4), IM_COL32(140, 140, 150, 255), label);
    std::snprintf(label, sizeof label, "%.2f", hi);
    dl->AddText(ImVec2(p1.x - ImGui::CalcTextSize(label).x - 6, p0.y + 4), IM_COL32(140, 140, 150, 255), label);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("calibrated %s score; drag to move the threshold", chosen_score().name.c_str());
}

void draw_latent_plot(ImVec2 size) {
    AppState& s = app();
    ViewState& v = s.view;
    const stratum::ModelCard& card = s.model.card;
    if (!g_renderer_tried) {
        g_renderer_tried = true;
        if (!g_renderer.init(g_renderer_error)) g_renderer_error = "plot unavailable: " + g_renderer_error;
    }
    ImGui::RadioButton("PCA", &v.plot, 0);
    ImGui::SameLine();
    ImGui::RadioButton("strata (radius = ||z||)", &v.plot, 1);
    mark_item("strata");
    ImGui::SameLine();
    if (ImGui::SmallButton("reset view")) {
        v.zoom = 1;
        v.pan[0] = v.pan[1] = 0;
    }
    size.y -= ImGui::GetFrameHeightWithSpacing();
    if (!g_renderer_error.empty() || !card.has_projection) {
        ImGui::TextColored(kMuted, "%s", !g_renderer_error.empty() ? g_renderer_error.c_str() : "this model card has no projection");
        return;
    }
    // Positions: PCA coordinates, or (norm cos a, norm sin a) with a the PCA angle.
    auto position = [&](double pc0, double pc1, double norm, float out[2]) {
        if (v.plot == 0) {
            out[0] = static_cast<float>(pc0), out[1] = static_cast<float>(pc1);
        } else {
            const double a = std::atan2(pc1, pc0);
            out[0] = static_cast<float>(norm * std::cos(a)), out[1] = static_cast<float>(norm * std::sin(a));
        }
    };
    std::vector<PlotPoint> points;
    std::vector<int> point_row;
    Bounds b;
    for (const stratum::ProjectedPoint& p : card.projection_sample) {
        float xy[2];
        position(p.x, p.y, p.norm, xy);
        points.push_back({xy[0], xy[1], 0, 0});
        point_row.push_back(-1);
        b.add(xy[0], xy[1]);
    }
    for (std::size_t i = 0; i < s.rows.size(); ++i) {
        const FileRow& r = s.rows[i];
        if (r.status != FileRow::Status::Scored) continue;
        float xy[2];
        position(r.pc[0], r.pc[1], r.norm, xy);
        const float kind = r.selected ? 3.0f : (is_flagged(r) ? 2.0f : 1.0f);
        points.push_back({xy[0], xy[1], ramp_value(r.score, s.threshold.value), kind});
        point_row.push_back(static_cast<int>(i));
        b.add(xy[0], xy[1]);
    }
    if (v.plot == 1) b.add(0, 0);
    if (points.empty()) return;
    // Fit the data into the square that fills the plot, then apply zoom and pan.
    const float cx = (b.lo[0] + b.hi[0]) / 2 + v.pan[0], cy = (b.lo[1] + b.hi[1]) / 2 + v.pan[1];
    const float extent = std::max({b.hi[0] - b.lo[0], b.hi[1] - b.lo[1], 1e-6f}) * 0.55f / v.zoom;
    const float aspect = size.x / std::max(size.y, 1.0f);
    PlotTransform t;
    t.scale[0] = 1.0f / (extent * std::max(aspect, 1.0f));
    t.scale[1] = 1.0f / (extent * std::max(1.0f / aspect, 1.0f));
    t.offset[0] = -cx * t.scale[0];
    t.offset[1] = -cy * t.scale[1];
    // The UI is laid out in canvas (device) pixels, so the plot texture matches the screen one to one.
    const unsigned texture = g_renderer.render(static_cast<int>(size.x), static_cast<int>(size.y), points, t, px(7.0f));
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture)), size, ImVec2(0, 1), ImVec2(1, 0));
    auto to_screen = [&](float x, float y) {
        return ImVec2(p0.x + (x * t.scale[0] + t.offset[0] + 1) / 2 * size.x, p0.y + (1 - (y * t.scale[1] + t.offset[1])) / 2 * size.y);
    };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
    if (v.plot == 1) {
        // Threshold circles (two for a two-sided score) when the norm drives the verdict, and the
        // training median's circle.
        const ImVec2 origin = to_screen(0, 0);
        const float unit = size.x / 2 * t.scale[0];
        if (s.score_choice == 0)
            for (double norm : stratum::norms_at_score(s.threshold.value, card.calibration, card.direction))
                if (norm > 0) dl->AddCircle(origin, static_cast<float>(norm) * unit, IM_COL32(255, 230, 120, 230), 96, 2.0f);
        dl->AddCircle(origin, static_cast<float>(card.calibration.median) * unit, IM_COL32(150, 150, 160, 120), 96, 1.0f);
    }
    dl->PopClipRect();
    const bool hovered = ImGui::IsItemHovered();
    const ImGuiIO& io = ImGui::GetIO();
    if (hovered && io.MouseWheel != 0) v.zoom = std::clamp(v.zoom * std::pow(1.15f, io.MouseWheel), 0.2f, 200.0f);
    if (hovered && ImGui::IsMouseDragging(ImGuiMouseButton_Right)) {
        v.pan[0] -= io.MouseDelta.x / size.x * 2 / t.scale[0];
        v.pan[1] += io.MouseDelta.y / size.y * 2 / t.scale[1];
    }
    // Left-drag draws a box; on release every scored point inside it is selected.
    if (hovered && ImGui::IsMouseClicked(ImGuiMouseButton_Left)) {
        v.box_selecting = true;
        v.box_start[0] = io.MousePos.x, v.box_start[1] = io.MousePos.y;
    }
    if (v.box_selecting) {
        const ImVec2 a(std::min(v.box_start[0], io.MousePos.x), std::min(v.box_start[1], io.MousePos.y));
        const ImVec2 c(std::max(v.box_start[0], io.MousePos.x), std::max(v.box_start[1], io.MousePos.y));
        const bool is_box = c.x - a.x > px(4) || c.y - a.y > px(4);
        if (is_box) {
            dl->AddRectFilled(a, c, IM_COL32(120, 170, 255, 40));
            dl->AddRect(a, c, IM_COL32(120, 170, 255, 200));
        }
        if (!ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
            v.box_selecting = false;
            if (is_box) {
                select_row(-1, false);
                int last = -1;
                for (std::size_t k = 0; k < points.size(); ++k) {
                    if (point_row[k] < 0) continue;
                    const ImVec2 q = to_screen(points[k].x, points[k].y);
                    if (q.x >= a.x && q.x <= c.x && q.y >= a.y && q.y <= c.y) {
                        s.rows[static_cast<std::size_t>(point_row[k])].selected = true;
                        last = point_row[k];
                    }
                }
                v.selected = last;
                v.scroll_to_selected = last >= 0;
            }
        }
    }
    // Nearest scored point under the mouse: tooltip with thumbnail; click selects its row.
    if (hovered && !v.box_selecting) {
        int best = -1;
        float best_d = px(8) * px(8);  // squared pixels
        for (std::size_t k = 0; k < points.size(); ++k) {
            if (point_row[k] < 0) continue;
            const ImVec2 q = to_screen(points[k].x, points[k].y);
            const float dx = q.x - io.MousePos.x, dy = q.y - io.MousePos.y, d = dx * dx + dy * dy;
            if (d < best_d) best_d = d, best = point_row[k];
        }
        if (best >= 0) {
            FileRow& r = s.rows[static_cast<std::size_t>(best)];
            ImGui::BeginTooltip();
            if (const unsigned t = thumbnail_texture(r))
                ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t)), ImVec2(px(64), px(64)));
            ImGui::Text("%s\n||z|| %.5f   score %+.3f", r.name.c_str(), r.norm, r.score);
            ImGui::EndTooltip();
            if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) select_row(best, true);
        }
    }
    ImGui::TextColored(kMuted, "grey: training sample   wheel: zoom   right-drag: pan   click or drag a box: select");
}

}  // namespace web
