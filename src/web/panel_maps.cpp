// The maps panel (issue 19): why a file was flagged. "Why flagged" shows the file under the pointer
// (or the one selected) as image | reconstruction G(E(x)) | map over the image, with the map's
// choice, its opacity and the one colour scale; "Most anomalous" shows the highest scores' overlays.
// Maps are asked for only for what is drawn here (maps.h).
#include <algorithm>
#include <cstdint>
#include <string>

#include "maps.h"
#include "panels_internal.h"
#include "texture_cache.h"
#include "ui_marks.h"

namespace web {
namespace {

ImTextureID texture_id(unsigned t) { return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t)); }

unsigned map_texture(std::uint64_t row_id, int kind, const MapEntry& e, const stratum::Image& image) {
    return image_texture(row_id * 4 + static_cast<std::uint64_t>(kind), e.version, image);
}

// The colour scale from 0 to twice the threshold, the threshold in the middle, labelled.
void draw_scale(float width, double threshold) {
    static const stratum::Image bar = stratum::map_scale_bar(256, 8);
    const unsigned t = image_texture(kMapTextureKeysFrom, 1, bar);
    const ImVec2 at = ImGui::GetCursorScreenPos();
    ImGui::Image(texture_id(t), ImVec2(width, px(10)));
    ImDrawList* draw = ImGui::GetWindowDrawList();
    const float mid = at.x + width / 2;
    draw->AddLine(ImVec2(mid, at.y - px(2)), ImVec2(mid, at.y + px(12)), IM_COL32(255, 255, 255, 220), 1.5f);
    ImGui::TextColored(kMuted, "0");
    char text[64];
    std::snprintf(text, sizeof text, "threshold %.1f", threshold);
    ImGui::SameLine(std::max(0.0f, width / 2 - ImGui::CalcTextSize(text).x / 2));
    ImGui::TextColored(kMuted, "%s", text);
    std::snprintf(text, sizeof text, "%.1f", 2 * threshold);
    ImGui::SameLine(std::max(0.0f, width - ImGui::CalcTextSize(text).x));
    ImGui::TextColored(kMuted, "%s", text);
}

void draw_map_controls(float width) {
    const stratum::ModelCard& card = app().model.card;
    MapsState& m = maps();
    ImGui::SetNextItemWidth(width * 0.45f);
    const char* current = card.maps[static_cast<std::size_t>(m.choice)].name.c_str();
    if (ImGui::BeginCombo("##map", current)) {
        for (std::size_t i = 0; i < card.maps.size(); ++i) {
            if (ImGui::Selectable(card.maps[i].name.c_str(), static_cast<int>(i) == m.choice)) m.choice = static_cast<int>(i);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", card.maps[i].description.c_str());
        }
        ImGui::EndCombo();
    }
    mark_item("map_choice");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", card.maps[static_cast<std::size_t>(m.choice)].description.c_str());
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderFloat("##opacity", &m.opacity, 0.0f, 1.0f, "opacity %.2f");
    mark_item("map_opacity");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("How strongly the map's colours cover the image. Values below half the threshold are\n"
                          "never coloured: where a map stays low, the overlay looks the same at any opacity.");
}

void draw_viewer() {
    AppState& s = app();
    const stratum::ModelCard& card = s.model.card;
    const int row = s.view.hovered_row >= 0 ? s.view.hovered_row : s.view.selected;
    if (row < 0 || static_cast<std::size_t>(row) >= s.rows.size() || s.rows[static_cast<std::size_t>(row)].status != FileRow::Status::Scored) {
        ImGui::TextWrapped("Select a scored file, or point at one in the table or the plot, to see why it was flagged: "
                           "the image, its reconstruction G(E(x)) and where the two differ.");
        return;
    }
    const FileRow& r = s.rows[static_cast<std::size_t>(row)];
    want_map(static_cast<std::size_t>(row));
    ImGui::TextUnformatted(r.name.c_str());
    ImGui::TextColored(is_flagged(r) ? kFlagged : kNormalColor, "%s, score %+.2f", is_flagged(r) ? "anomalous" : "normal", r.score);
    MapEntry* e = map_entry(r.id);
    if (e == nullptr || e->status == MapEntry::Status::Wanted || e->status == MapEntry::Status::Requested) {
        ImGui::TextColored(kMuted, "making the map...");
        return;
    }
    if (e->status == MapEntry::Status::Failed) {
        ImGui::TextColored(kError, "no map: %s", e->error.c_str());
        return;
    }
    draw_map_images(*e);
    const float width = ImGui::GetContentRegionAvail().x, gap = ImGui::GetStyle().ItemSpacing.x;
    const float side = std::max(px(40), (width - 2 * gap) / 3);
    const float height = side * static_cast<float>(e->view.image.height) / static_cast<float>(e->view.image.width);
    ImGui::Image(texture_id(map_texture(r.id, 0, *e, e->view.image)), ImVec2(side, height));
    ImGui::SameLine();
    ImGui::Image(texture_id(map_texture(r.id, 1, *e, e->reconstruction)), ImVec2(side, height));
    ImGui::SameLine();
    const ImVec2 overlay_at = ImGui::GetCursorScreenPos();
    ImGui::Image(texture_id(map_texture(r.id, 2, *e, e->overlay)), ImVec2(side, height));
    mark_item("map_viewer");
    const stratum::MapSpec& shown = card.maps[static_cast<std::size_t>(maps().choice)];
    const std::vector<float>& shown_values = e->values;  // draw_map_images made them for this choice
    if (!shown_values.empty()) {
        // A ring around the map's largest value: a spot of a few input pixels is small at this size.
        const std::size_t peak = static_cast<std::size_t>(std::max_element(shown_values.begin(), shown_values.end()) - shown_values.begin());
        const float px_x = static_cast<float>(e->view.crop_x + (peak % static_cast<std::size_t>(card.input.width) + 0.5) /
                                                                   card.input.width * e->view.crop_width);
        const float px_y = static_cast<float>(e->view.crop_y + (peak / static_cast<std::size_t>(card.input.width) + 0.5) /
                                                                   card.input.height * e->view.crop_height);
        const float k = side / static_cast<float>(e->view.image.width);
        if (shown_values[peak] >= 0.5 * shown.threshold)
            ImGui::GetWindowDrawList()->AddCircle(ImVec2(overlay_at.x + px_x * k, overlay_at.y + px_y * k), px(9),
                                                  IM_COL32(255, 255, 255, 230), 0, 1.5f);
    }
    ImGui::TextColored(kMuted, "image");
    ImGui::SameLine(side + gap);
    ImGui::TextColored(kMuted, "reconstruction");
    ImGui::SameLine(2 * (side + gap));
    ImGui::TextColored(kMuted, "map");
    draw_map_controls(width);
    const stratum::MapSpec& spec = shown;
    draw_scale(width, spec.threshold);
    const float largest = largest_map_value(*e);
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    ImGui::TextWrapped("The verdict comes from the %s score; the map shows where the image and its reconstruction differ.",
                       chosen_score().name.c_str());
    ImGui::PopStyleColor();
    const double reach = (1.0 - spec.threshold_quantile) * 100.0;  // % of training images at the threshold somewhere
    if (largest >= spec.threshold)
        ImGui::TextWrapped("Largest value %.1f, above the map's threshold %.1f: ringed, yellow to red where it is.", largest,
                           spec.threshold);
    else if (largest >= 0.5 * spec.threshold)
        ImGui::TextWrapped("Largest value %.1f, below the map's threshold %.1f: the ringed spot differs most from the "
                           "reconstruction, but %.0f %% of the training images reach the threshold somewhere, so it does not "
                           "stand out.",
                           largest, spec.threshold, reach);
    else
        ImGui::TextWrapped("Largest value %.1f, below half the map's threshold %.1f: nothing stands out in this map.", largest,
                           spec.threshold);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Each position is compared with the training images at that position (robust z-score).\n"
                          "Yellow marks the threshold: %.0f %% of the training images reach it somewhere.\n"
                          "The dimmed border lies outside the part of the image the model saw.",
                          reach);
}

void draw_gallery() {
    AppState& s = app();
    const std::vector<std::size_t> top = top_rows(kGalleryFiles);
    if (top.empty()) {
        ImGui::TextColored(kMuted, "The files with the highest scores appear here with their maps.");
        return;
    }
    // What the tiles are, and whether any map reaches its threshold (else they look like plain images).
    const stratum::MapSpec& spec = s.model.card.maps[static_cast<std::size_t>(maps().choice)];
    std::size_t ready = 0, above = 0;
    for (const std::size_t row : top) {
        MapEntry* e = map_entry(s.rows[row].id);
        if (e == nullptr || e->status != MapEntry::Status::Ready) continue;
        draw_map_images(*e);
        ++ready;
        above += largest_map_value(*e) >= spec.threshold;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    ImGui::TextWrapped("The %zu highest %s scores, each with its %s map over the image; %zu of %zu maps reach the map's "
                       "threshold. Click one to see it under Why flagged.",
                       top.size(), chosen_score().name.c_str(), spec.name.c_str(), above, ready);
    ImGui::PopStyleColor();
    const float cell = px(104);
    const int columns = std::max(1, static_cast<int>(ImGui::GetContentRegionAvail().x / (cell + ImGui::GetStyle().ItemSpacing.x)));
    int shown = 0;
    for (std::size_t k = 0; k < top.size(); ++k) {
        const std::size_t row = top[k];
        want_map(row);
        const FileRow& r = s.rows[row];
        if (k % static_cast<std::size_t>(columns) != 0) ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::PushID(static_cast<int>(row));
        MapEntry* e = map_entry(r.id);
        if (e != nullptr && e->status == MapEntry::Status::Ready) {
            draw_map_images(*e);
            const float h = cell * static_cast<float>(e->view.image.height) / static_cast<float>(e->view.image.width);
            if (ImGui::ImageButton(texture_id(map_texture(r.id, 2, *e, e->overlay)), ImVec2(cell, h))) {
                select_row(static_cast<int>(row), true);
                maps().open_viewer = true;
            }
            if (ImGui::IsItemHovered()) {
                const float largest = largest_map_value(*e);
                ImGui::SetTooltip("%s\n%s, score %+.2f\nlargest map value %.1f (%s the threshold %.1f)\nclick: show it under Why flagged",
                                  r.name.c_str(), is_flagged(r) ? "anomalous" : "normal", r.score, largest,
                                  largest >= spec.threshold ? "above" : "below", spec.threshold);
            }
            mark_item(("gallery_" + std::to_string(k)).c_str());  // the tests click the k-th highest score
            ++shown;
        } else {
            ImGui::Button(e != nullptr && e->status == MapEntry::Status::Failed ? "no map" : "...", ImVec2(cell, cell));
            if (e != nullptr && e->status == MapEntry::Status::Failed && ImGui::IsItemHovered()) ImGui::SetTooltip("%s", e->error.c_str());
        }
        if (ImGui::IsItemHovered()) s.view.hovered_row = static_cast<int>(row);
        ImGui::TextColored(is_flagged(r) ? kFlagged : kMuted, "%+.2f", r.score);
        ImGui::PopID();
        ImGui::EndGroup();
    }
    if (shown) mark_item("gallery");
}

}  // namespace

void draw_maps_panel() {
    const AppState& s = app();
    if (!s.model.ready) {
        ImGui::TextColored(kMuted, "Maps appear once a model is ready.");
        return;
    }
    if (s.model.card.maps.empty()) {
        ImGui::TextWrapped("This model's card has no maps: it was exported before stratum made them, so the page cannot "
                           "show where its images differ from their reconstructions. A model exported from its training run "
                           "by this version of stratum (stratum export RUN) has them, as the shipped blood-cell model does.");
        return;
    }
    if (ImGui::BeginTabBar("maps_tabs")) {
        MapsState& m = maps();
        const bool open_viewer = m.open_viewer;
        m.open_viewer = false;
        if (ImGui::BeginTabItem("Why flagged", nullptr, open_viewer ? ImGuiTabItemFlags_SetSelected : 0)) {
            draw_viewer();
            ImGui::EndTabItem();
        }
        mark_item("maps_tab_viewer");
        if (ImGui::BeginTabItem("Most anomalous")) {
            draw_gallery();
            ImGui::EndTabItem();
        }
        mark_item("maps_tab_gallery");
        ImGui::EndTabBar();
    }
}

}  // namespace web
