// Plots: the histogram of scores with a draggable threshold, and the latent space in two views,
// PCA (the card's basis, training sample behind) and strata (radius = exact norm, angle from PCA).
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "plot_axes.h"
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

// One line under the latent plot: what colours and shapes mean, then how to move around.
void draw_plot_legend() {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float r = px(4.5f);
    auto item = [&](int shape, ImU32 fill, ImU32 ring, const char* text) {
        const ImVec2 at = ImGui::GetCursorScreenPos();
        const ImVec2 c(at.x + r + 1, at.y + ImGui::GetTextLineHeight() / 2);
        if (shape == 0) dl->AddCircleFilled(c, r, fill);
        else if (shape == 1) dl->AddRectFilled(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), fill);
        else dl->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r), ImVec2(c.x - r, c.y), fill);
        if (ring) dl->AddCircle(c, r, ring, 12, 2.0f);
        ImGui::Dummy(ImVec2(2 * r + 4, ImGui::GetTextLineHeight()));
        ImGui::SameLine(0, 0);
        ImGui::TextColored(kMuted, "%s", text);
        ImGui::SameLine(0, px(12));
    };
    item(0, IM_COL32(140, 140, 150, 150), 0, "training");
    item(0, IM_COL32(51, 89, 204, 255), 0, "low score");
    item(0, IM_COL32(250, 217, 77, 255), 0, "high");
    item(0, IM_COL32(64, 191, 166, 255), IM_COL32(242, 77, 64, 255), "flagged");
    item(1, IM_COL32(200, 200, 210, 255), 0, "labelled normal");
    item(2, IM_COL32(200, 200, 210, 255), 0, "labelled anomalous");
    ImGui::NewLine();
    ImGui::TextColored(kMuted, "wheel: zoom   right-drag: pan   click or drag a box: select");
}

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
    // Scores far out go to overflow marks at the edges instead of squashing the bars (plot_axes.h).
    const HistogramAxis axis = histogram_axis(values, s.threshold.value);
    const double lo = axis.lo, hi = axis.hi;
    const stratum::Histogram h = stratum::histogram(values, lo, hi, 40);
    const std::size_t peak = std::max<std::size_t>(1, *std::max_element(h.counts.begin(), h.counts.end()));
    const float line_h = ImGui::GetTextLineHeight();
    const float top = p0.y + line_h + px(6);                // room for the threshold's value above the bars
    const float axis_y = p1.y - 2 * line_h - px(10);         // tick labels, then the summary line, below
    const float left = p0.x + px(6), right = p1.x - px(6);
    const float plot_h = axis_y - top, bw = (right - left) / static_cast<float>(h.counts.size());
    auto x_of = [&](double v) { return left + static_cast<float>((v - lo) / (hi - lo)) * (right - left); };
    for (std::size_t i = 0; i < h.counts.size(); ++i) {
        const float x = left + bw * static_cast<float>(i);
        const float bar = plot_h * static_cast<float>(h.counts[i]) / static_cast<float>(peak);
        const bool above = lo + (static_cast<double>(i) + 0.5) * h.bin_width() >= s.threshold.value;
        dl->AddRectFilled(ImVec2(x + 1, axis_y - bar), ImVec2(x + bw - 1, axis_y),
                          above ? IM_COL32(230, 110, 90, 220) : IM_COL32(100, 160, 220, 220));
    }
    const ImU32 muted = IM_COL32(150, 150, 160, 255);
    dl->AddLine(ImVec2(left, axis_y), ImVec2(right, axis_y), muted);
    // Overflow marks: how many scores lie beyond each edge.
    char label[96];
    float reserved_left = left, reserved_right = right;
    if (axis.below) {
        std::snprintf(label, sizeof label, "< %zu", axis.below);
        dl->AddText(ImVec2(left, top), IM_COL32(100, 160, 220, 255), label);
    }
    if (axis.above) {
        std::snprintf(label, sizeof label, "%zu more >", axis.above);
        dl->AddText(ImVec2(right - ImGui::CalcTextSize(label).x, top), IM_COL32(230, 110, 90, 255), label);
    }
    // Ticks, labels centred under them; a label that would touch its neighbour or leave the plot is skipped.
    float last_label_end = -1e9f;
    for (double t : axis.ticks) {
        const float x = x_of(t);
        dl->AddLine(ImVec2(x, axis_y), ImVec2(x, axis_y + px(4)), muted);
        std::snprintf(label, sizeof label, "%.*f", axis.decimals, t);
        const float w = ImGui::CalcTextSize(label).x;
        const float at = std::clamp(x - w / 2, reserved_left, reserved_right - w);
        if (at < last_label_end + px(8)) continue;
        dl->AddText(ImVec2(at, axis_y + px(5)), muted, label);
        last_label_end = at + w;
    }
    // The threshold: drag it with the mouse anywhere on the plot; its value at the top, beside the line.
    if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        const double v = lo + (ImGui::GetIO().MousePos.x - left) / (right - left) * (hi - lo);
        s.threshold.preset = ThresholdPreset::Manual;
        s.threshold.value = v;
        s.view.order_dirty = true;
    }
    const float tx = x_of(s.threshold.value);
    dl->AddLine(ImVec2(tx, top - px(2)), ImVec2(tx, axis_y), IM_COL32(255, 230, 120, 255), 2.0f);
    std::snprintf(label, sizeof label, "%.2f", s.threshold.value);
    const float tw = ImGui::CalcTextSize(label).x;
    dl->AddText(ImVec2(tx + px(4) + tw < right ? tx + px(4) : tx - px(4) - tw, p0.y + px(3)), IM_COL32(255, 230, 120, 255), label);
    std::size_t flagged = 0;
    for (double v : values) flagged += v >= s.threshold.value;
    std::snprintf(label, sizeof label, "threshold %.3f: %zu of %zu flagged", s.threshold.value, flagged, values.size());
    dl->AddText(ImVec2(left, p1.y - line_h - px(3)), IM_COL32(230, 230, 235, 255), label);
    if (ImGui::IsItemHovered()) {
        const double v = lo + (ImGui::GetIO().MousePos.x - left) / (right - left) * (hi - lo);
        const double w = h.bin_width();
        const long bin = std::clamp(static_cast<long>(std::floor((v - lo) / w)), 0L, static_cast<long>(h.counts.size()) - 1);
        ImGui::SetTooltip("calibrated %s score %.2f to %.2f: %zu images\ndrag to move the threshold", chosen_score().name.c_str(),
                          lo + w * static_cast<double>(bin), lo + w * static_cast<double>(bin + 1), h.counts[static_cast<std::size_t>(bin)]);
    }
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
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Each image at radius ||z|| minus the norm at the centre (just below the smallest shown),\n"
                          "so that the spread of norms fills the plot; the angle comes from the PCA view. Rings:\n"
                          "the share of training images inside them.");
    mark_item("strata");
    ImGui::SameLine();
    if (ImGui::SmallButton("reset view")) {
        v.zoom = 1;
        v.pan[0] = v.pan[1] = 0;
    }
    size.y -= ImGui::GetFrameHeightWithSpacing();
    if (!g_renderer_error.empty() || !s.model.card_loaded || !card.has_projection) {
        ImGui::TextColored(kMuted, "%s", !g_renderer_error.empty() ? g_renderer_error.c_str()
                                         : !s.model.card_loaded   ? "waiting for the model..."
                                                                  : "this model card has no projection");
        return;
    }
    // Positions: PCA coordinates, or (r cos a, r sin a) with r = ||z|| - inner and a the PCA angle.
    const StrataAxis strata = strata_axis(shown_norms(), card.calibration);
    auto position = [&](double pc0, double pc1, double norm, float out[2]) {
        if (v.plot == 0) {
            out[0] = static_cast<float>(pc0), out[1] = static_cast<float>(pc1);
        } else {
            const double a = std::atan2(pc1, pc0), radius = std::max(0.0, norm - strata.inner);
            out[0] = static_cast<float>(radius * std::cos(a)), out[1] = static_cast<float>(radius * std::sin(a));
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
        // The marker's shape tells a known label (shaders/points.frag): + 4 labelled normal, + 8 labelled anomalous.
        const float shape = r.label == Label::Normal ? 4.0f : r.label == Label::Anomalous ? 8.0f : 0.0f;
        const float kind = (r.selected ? 3.0f : (is_flagged(r) ? 2.0f : 1.0f)) + shape;
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
    v.plot_rect[0] = p0.x, v.plot_rect[1] = p0.y, v.plot_rect[2] = p0.x + size.x, v.plot_rect[3] = p0.y + size.y;
    v.plot_scale[0] = t.scale[0], v.plot_scale[1] = t.scale[1], v.plot_offset[0] = t.offset[0], v.plot_offset[1] = t.offset[1];
    ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(texture)), size, ImVec2(0, 1), ImVec2(1, 0));
    auto to_screen = [&](float x, float y) {
        return ImVec2(p0.x + (x * t.scale[0] + t.offset[0] + 1) / 2 * size.x, p0.y + (1 - (y * t.scale[1] + t.offset[1])) / 2 * size.y);
    };
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->PushClipRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), true);
    if (v.plot == 1) {
        // Rings at the training images' quantiles, labelled; the threshold's ring (two for a two-sided
        // score) when the norm drives the verdict.
        const ImVec2 origin = to_screen(0, 0);
        const float unit = size.x / 2 * t.scale[0];
        for (const StrataRing& ring : strata.rings) {
            const float radius = static_cast<float>(ring.norm - strata.inner) * unit;
            if (radius <= 0) continue;
            dl->AddCircle(origin, radius, IM_COL32(150, 150, 160, 110), 96, 1.0f);
            char text[64];
            std::snprintf(text, sizeof text, "%s (%.3g)", ring.label.c_str(), ring.norm);
            dl->AddText(ImVec2(origin.x + px(3), origin.y - radius - ImGui::GetTextLineHeight()), IM_COL32(170, 170, 180, 220), text);
        }
        if (s.score_choice == 0)
            for (double norm : stratum::norms_at_score(s.threshold.value, card.calibration, card.direction))
                if (norm > strata.inner)
                    dl->AddCircle(origin, static_cast<float>(norm - strata.inner) * unit, IM_COL32(255, 230, 120, 230), 96, 2.0f);
        char centre[64];
        std::snprintf(centre, sizeof centre, "centre: ||z|| = %.3g", strata.inner);
        dl->AddText(ImVec2(p0.x + px(4), p0.y + px(2)), IM_COL32(170, 170, 180, 220), centre);
        if (s.score_choice != 0) {
            const std::string note = "no threshold ring: the " + chosen_score().name + " score decides, not ||z||";
            dl->AddText(ImVec2(p0.x + px(4), p0.y + px(2) + ImGui::GetTextLineHeight()), IM_COL32(170, 170, 180, 220), note.c_str());
        }
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
    v.hovered.clear();
    v.hovered_thumbnail = false;
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
            v.hovered = r.name;
            v.hovered_row = best;
            if (const unsigned t = thumbnail_texture(r)) {  // made now if the table has not drawn this row yet
                ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t)), ImVec2(px(64), px(64)));
                v.hovered_thumbnail = true;
            }
            ImGui::Text("%s\n||z|| %.5f   score %+.3f", r.name.c_str(), r.norm, r.score);
            ImGui::EndTooltip();
            if (ImGui::IsMouseReleased(ImGuiMouseButton_Left)) select_row(best, true);
        }
    }
    draw_plot_legend();
}

}  // namespace web
