#include "panels.h"

#include <imgui.h>

#include <cstdio>

#include "ort_bridge.h"
#include "state.h"

namespace web {
namespace {

const ImVec4 kFlagged(0.95f, 0.45f, 0.35f, 1.0f);
const ImVec4 kNormal(0.55f, 0.85f, 0.55f, 1.0f);
const ImVec4 kMuted(0.6f, 0.6f, 0.65f, 1.0f);
const ImVec4 kError(1.0f, 0.55f, 0.3f, 1.0f);

struct Counts {
    int queued = 0, scored = 0, failed = 0, flagged = 0;
};

Counts count_rows() {
    Counts c;
    for (const FileRow& r : app().rows) {
        if (r.status == FileRow::Status::Scored) {
            ++c.scored;
            if (r.flagged) ++c.flagged;
        } else if (r.status == FileRow::Status::Failed) {
            ++c.failed;
        } else {
            ++c.queued;
        }
    }
    return c;
}

void draw_toolbar() {
    ImGui::TextUnformatted("stratum");
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "latent-norm anomaly scores, computed in this page; no image leaves it");
    const ImGuiStyle& style = ImGui::GetStyle();
    const float buttons = ImGui::CalcTextSize("Open images...").x + ImGui::CalcTextSize("Clear").x +
                          4 * style.FramePadding.x + style.ItemSpacing.x;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - buttons);
    if (ImGui::Button("Open images...")) open_file_picker();
    ImGui::SameLine();
    if (ImGui::Button("Clear") && app().pending.empty() && !app().encoder_busy) app().rows.clear();
}

void draw_model_panel() {
    const ModelState& m = app().model;
    ImGui::BeginChild("model", ImVec2(300, 0), true);
    ImGui::TextColored(kMuted, "MODEL");
    if (!m.card_loaded) {
        ImGui::TextWrapped("%s", m.error.empty() ? "loading..." : m.error.c_str());
        ImGui::EndChild();
        return;
    }
    const stratum::ModelCard& c = m.card;
    ImGui::TextWrapped("%s", c.name.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    ImGui::TextWrapped("%s", c.description.c_str());
    ImGui::PopStyleColor();
    ImGui::Separator();
    ImGui::Text("input   %d x %d x %d, %s", c.input.width, c.input.height, c.input.channels,
                stratum::fit_name(c.input.fit).c_str());
    ImGui::Text("latent  %d values", c.latent_size);
    ImGui::Text("score   ||z||, %s is anomalous", stratum::direction_name(c.direction).c_str());
    ImGui::Separator();
    ImGui::TextColored(kMuted, "CALIBRATION (%zu training images)", c.calibration.count);
    ImGui::Text("median ||z||  %.4f", c.calibration.median);
    ImGui::Text("MAD           %.4f", c.calibration.mad);
    ImGui::Text("threshold     %.3f", c.threshold.value);
    ImGui::TextColored(kMuted, "(%s %.3g)", c.threshold.method.c_str(), c.threshold.parameter);
    ImGui::Separator();
    ImGui::TextColored(kMuted, "TRAINING");
    ImGui::TextWrapped("%s", c.training.dataset.c_str());
    ImGui::Text("preset %s", c.training.preset.c_str());
    if (!m.error.empty()) {
        ImGui::Separator();
        ImGui::PushStyleColor(ImGuiCol_Text, kError);
        ImGui::TextWrapped("%s", m.error.c_str());
        ImGui::PopStyleColor();
    }
    ImGui::EndChild();
}

void draw_status_cell(const FileRow& r) {
    switch (r.status) {
        case FileRow::Status::Queued: ImGui::TextColored(kMuted, "queued"); break;
        case FileRow::Status::Scoring: ImGui::TextColored(kMuted, "scoring..."); break;
        case FileRow::Status::Failed: ImGui::TextColored(kError, "error"); break;
        case FileRow::Status::Scored:
            if (r.flagged) ImGui::TextColored(kFlagged, "anomalous");
            else ImGui::TextColored(kNormal, "normal");
            break;
    }
}

void draw_results_table() {
    AppState& s = app();
    ImGui::BeginChild("results", ImVec2(0, 0), true);
    if (s.rows.empty()) {
        const ImVec2 size = ImGui::GetContentRegionAvail();
        const char* hint = "Drop image files here (PNG, JPEG, BMP, TGA, GIF), or use Open images...";
        const ImVec2 text = ImGui::CalcTextSize(hint);
        ImGui::SetCursorPos(ImVec2((size.x - text.x) / 2, size.y / 2 - text.y));
        ImGui::TextColored(kMuted, "%s", hint);
        ImGui::EndChild();
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_SizingStretchProp;
    if (ImGui::BeginTable("files", 5, flags)) {
        ImGui::TableSetupScrollFreeze(0, 1);
        ImGui::TableSetupColumn("#", ImGuiTableColumnFlags_WidthFixed, 40);
        ImGui::TableSetupColumn("file", ImGuiTableColumnFlags_WidthStretch, 3.0f);
        ImGui::TableSetupColumn("||z||", ImGuiTableColumnFlags_WidthFixed, 90);
        ImGui::TableSetupColumn("score", ImGuiTableColumnFlags_WidthFixed, 80);
        ImGui::TableSetupColumn("verdict / error", ImGuiTableColumnFlags_WidthStretch, 4.0f);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;  // only the visible rows are drawn: long lists stay smooth
        clipper.Begin(static_cast<int>(s.rows.size()));
        while (clipper.Step()) {
            for (int i = clipper.DisplayStart; i < clipper.DisplayEnd; ++i) {
                const FileRow& r = s.rows[static_cast<std::size_t>(i)];
                ImGui::TableNextRow();
                ImGui::TableNextColumn();
                ImGui::TextColored(kMuted, "%d", i + 1);
                ImGui::TableNextColumn();
                ImGui::TextUnformatted(r.name.c_str());
                ImGui::TableNextColumn();
                if (r.status == FileRow::Status::Scored) ImGui::Text("%.6f", r.norm);
                ImGui::TableNextColumn();
                if (r.status == FileRow::Status::Scored) ImGui::Text("%+.3f", r.score);
                ImGui::TableNextColumn();
                draw_status_cell(r);
                if (r.status == FileRow::Status::Failed) {
                    ImGui::SameLine();
                    ImGui::TextWrapped("%s", r.error.c_str());
                }
            }
        }
        ImGui::EndTable();
    }
    ImGui::EndChild();
}

void draw_status_bar() {
    const AppState& s = app();
    const Counts c = count_rows();
    char backend[64];
    if (s.model.ready)
        std::snprintf(backend, sizeof backend, "encoder: %s%s", s.model.backend.c_str(),
                      s.model.backend == "wasm" ? (s.model.threads > 1 ? " (threads)" : " (1 thread)") : "");
    else
        std::snprintf(backend, sizeof backend, "encoder: not ready");
    ImGui::Separator();
    ImGui::Text("%s   |   %d files: %d scored, %d flagged, %d errors, %d waiting", backend,
                static_cast<int>(s.rows.size()), c.scored, c.flagged, c.failed, c.queued);
}

}  // namespace

void draw_ui(float width, float height) {
    ImGui::SetNextWindowPos(ImVec2(0, 0));
    ImGui::SetNextWindowSize(ImVec2(width, height));
    ImGui::Begin("stratum", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    draw_toolbar();
    const float status_height = ImGui::GetFrameHeightWithSpacing() + 4;
    ImGui::BeginChild("body", ImVec2(0, -status_height), false);
    draw_model_panel();
    ImGui::SameLine();
    draw_results_table();
    ImGui::EndChild();
    draw_status_bar();
    ImGui::End();
}

}  // namespace web
