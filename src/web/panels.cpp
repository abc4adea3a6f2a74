#include "panels.h"

#include <emscripten.h>

#include <cstdio>

#include "export.h"
#include "maps.h"
#include "report.h"
#include "browser.h"
#include "panels_internal.h"
#include "pipeline.h"
#include "ui_marks.h"

namespace web {
namespace {

void draw_toolbar() {
    AppState& s = app();
    ImGui::TextUnformatted("stratum");
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "anomaly scores computed in this page; no image leaves it");
    ImGui::SameLine(0, 24);
    if (ImGui::Button("Open images...")) open_file_picker();
    ImGui::SameLine();
    if (ImGui::Button("Open folder...")) open_folder_picker();
    ImGui::SameLine();
    if (ImGui::Button("Demo")) load_demo();
    mark_item("demo");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("24 blood-cell images shipped with the page (PBC, CC BY 4.0)");
    ImGui::SameLine();
    if (ImGui::Button("Load model...")) open_model_picker();
    ImGui::SameLine();
    ImGui::BeginDisabled(s.rows.empty());
    if (ImGui::Button("Export CSV")) download_text("stratum-scores.csv", "text/csv", results_csv());
    mark_item("export_csv");
    ImGui::SameLine();
    if (ImGui::Button("Export latents")) download_text("stratum-latents.tsv", "text/tab-separated-values", latents_tsv());
    ImGui::SameLine();
    if (ImGui::Button(maps().report_pending ? "Saving report..." : "Save report")) {
        // The report shows the most anomalous files' maps: they are made first when the model has maps.
        if (s.model.card.maps.empty()) download_text("stratum-report.html", "text/html", report_html());
        else maps().report_pending = true;
    }
    mark_item("save_report");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("One HTML file with the model, threshold, plots and the most anomalous files,\nmade here: nothing is uploaded");
    ImGui::SameLine();
    if (ImGui::Button("Clear")) clear_rows();
    mark_item("clear");
    ImGui::EndDisabled();
}

void draw_progress() {
    AppState& s = app();
    const ProgressState& p = s.progress;
    if (p.total == 0 || !pipeline_busy()) return;
    const double elapsed = (emscripten_get_now() - p.started_ms) / 1000.0;
    const double rate = elapsed > 0 ? static_cast<double>(p.done) / elapsed : 0;
    const double left = rate > 0 ? static_cast<double>(p.total - p.done) / rate : 0;
    char text[128];
    if (p.done == 0)  // nothing finished yet: no rate to tell the time left from
        std::snprintf(text, sizeof text, "%zu / %zu images   starting...", p.done, p.total);
    else
        std::snprintf(text, sizeof text, "%zu / %zu images   %.0f images/s   %.0f s left", p.done, p.total, rate, left);
    ImGui::ProgressBar(p.total ? static_cast<float>(p.done) / static_cast<float>(p.total) : 0.0f,
                       ImVec2(ImGui::GetContentRegionAvail().x - px(90), 0), text);
    ImGui::SameLine();
    if (ImGui::Button("Cancel", ImVec2(px(80), 0))) cancel_pipeline();
    mark_item("cancel");
}

void draw_status_bar() {
    AppState& s = app();
    ImGui::Separator();
    if (s.model.ready) {
        if (s.model.backend == "wasm")
            ImGui::Text(s.model.threads > 1 ? "encoder: wasm (%d threads)" : "encoder: wasm (%d thread)", s.model.threads);
        else
            ImGui::Text("encoder: %s", s.model.backend.c_str());
        if (!s.model.backend_note.empty() && ImGui::IsItemHovered())
            ImGui::SetTooltip("Why %s: %s", s.model.backend.c_str(), s.model.backend_note.c_str());
    } else {
        ImGui::TextUnformatted("encoder: not ready");
    }
    ImGui::SameLine();
    ImGui::BeginDisabled(!s.model.ready);
    if (s.model.webgpu_available && s.model.backend != "webgpu" && ImGui::SmallButton("use WebGPU")) switch_backend("webgpu");
    if (s.model.backend != "wasm" && ImGui::SmallButton("use WASM")) switch_backend("wasm");
    ImGui::EndDisabled();
    std::size_t scored = 0, failed = 0, waiting = 0;
    for (const FileRow& r : s.rows) {
        if (r.status == FileRow::Status::Scored) ++scored;
        else if (r.status == FileRow::Status::Failed) ++failed;
        else if (r.status != FileRow::Status::Cancelled) ++waiting;
    }
    ImGui::SameLine(0, 20);
    ImGui::Text("|  %zu files: %zu scored, %zu errors, %zu waiting", s.rows.size(), scored, failed, waiting);
    if (!s.notice.empty()) {
        // One line always: a notice longer than the room left is cut with "..." and shown whole on hover.
        ImGui::SameLine(0, 20);
        const float room = ImGui::GetContentRegionAvail().x;
        std::string shown = "|  " + s.notice;
        if (ImGui::CalcTextSize(shown.c_str()).x > room) {
            while (shown.size() > 4 && ImGui::CalcTextSize((shown + "...").c_str()).x > room) {
                // One whole UTF-8 character: its continuation bytes, then its first byte.
                while (!shown.empty() && (static_cast<unsigned char>(shown.back()) & 0xC0) == 0x80) shown.pop_back();
                if (!shown.empty()) shown.pop_back();
            }
            shown += "...";
        }
        ImGui::TextColored(kMuted, "%s", shown.c_str());
        if (ImGui::IsItemHovered() && shown.size() != s.notice.size() + 3) ImGui::SetTooltip("%s", s.notice.c_str());
    }
}

// Save report waits for the maps of the files it shows; once each is made (or failed), it is saved.
void save_report_when_maps_ready() {
    MapsState& m = maps();
    if (!m.report_pending) return;
    bool waiting = false;
    for (std::size_t row : top_rows(kGalleryFiles)) {
        want_map(row);
        const MapEntry* e = map_entry(app().rows[row].id);
        waiting |= e != nullptr && (e->status == MapEntry::Status::Wanted || e->status == MapEntry::Status::Requested);
    }
    if (waiting) return;
    m.report_pending = false;
    download_text("stratum-report.html", "text/html", report_html());
}

}  // namespace

void draw_ui(float width, float height) {
    AppState& s = app();
    s.view.hovered_row = -1;  // set again by whatever is under the pointer this frame
    save_report_when_maps_ready();
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    ImGui::Begin("stratum", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    draw_toolbar();
    draw_progress();
    const float status_height = ImGui::GetFrameHeightWithSpacing() + 6;
    ImGui::BeginChild("body", ImVec2(0, -status_height), false);
    const float side = std::max(px(260.0f), std::min(px(340.0f), width * 0.24f));
    ImGui::BeginChild("side", ImVec2(side, 0), true);
    draw_model_panel();
    draw_threshold_panel();
    draw_metrics_panel();
    s.view.side_scroll_max = ImGui::GetScrollMaxY();
    ImGui::EndChild();
    mark_item("side");
    ImGui::SameLine();
    ImGui::BeginChild("main", ImVec2(0, 0), false);
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float plots_h = std::max(px(220.0f), avail.y * 0.45f);
    ImGui::BeginChild("histogram", ImVec2(avail.x * 0.42f, plots_h), true);
    ImGui::TextColored(kMuted, "SCORES");
    draw_histogram(ImGui::GetContentRegionAvail());
    ImGui::EndChild();
    ImGui::SameLine();
    ImGui::BeginChild("latent", ImVec2(0, plots_h), true);
    draw_latent_plot(ImVec2(ImGui::GetContentRegionAvail().x, ImGui::GetContentRegionAvail().y - 2 * ImGui::GetTextLineHeightWithSpacing()));
    ImGui::EndChild();
    mark_item("plot");
    // The table, and beside it why a file was flagged (maps).
    const float maps_width = std::clamp(ImGui::GetContentRegionAvail().x * 0.4f, px(330.0f), px(520.0f));
    ImGui::BeginChild("table", ImVec2(ImGui::GetContentRegionAvail().x - maps_width - ImGui::GetStyle().ItemSpacing.x, 0), true);
    draw_results_table();
    ImGui::EndChild();
    mark_item("table");
    ImGui::SameLine();
    ImGui::BeginChild("maps", ImVec2(0, 0), true);
    draw_maps_panel();
    ImGui::EndChild();
    mark_item("maps");
    ImGui::EndChild();
    ImGui::EndChild();
    draw_status_bar();
    ImGui::End();
}

}  // namespace web
