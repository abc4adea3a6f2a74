// The results table: thumbnail, file, norm, score, verdict, label; sortable by every column,
// filterable by name, only visible rows drawn (ImGuiListClipper), selection shared with the plots.
#include <GLES3/gl3.h>

#include <algorithm>
#include <cstring>

#include "panels_internal.h"
#include "pipeline.h"

namespace web {
namespace {

enum Column { kThumb, kFile, kNorm, kScore, kVerdict, kLabel };

unsigned texture_for(FileRow& r) {
    if (r.texture || r.thumbnail.empty()) return r.texture;
    GLuint t = 0;
    glGenTextures(1, &t);
    glBindTexture(GL_TEXTURE_2D, t);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, GL_LINEAR);
    glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
    glTexImage2D(GL_TEXTURE_2D, 0, GL_RGBA, kThumbnail, kThumbnail, 0, GL_RGBA, GL_UNSIGNED_BYTE, r.thumbnail.data());
    r.texture = t;
    return t;
}

int status_rank(const FileRow& r) {
    if (r.status == FileRow::Status::Scored) return is_flagged(r) ? 0 : 1;
    return r.status == FileRow::Status::Failed ? 2 : 3;
}

void rebuild_order(const ImGuiTableSortSpecs* specs) {
    AppState& s = app();
    ViewState& v = s.view;
    v.order.clear();
    for (int i = 0; i < static_cast<int>(s.rows.size()); ++i)
        if (v.filter[0] == 0 || s.rows[i].name.find(v.filter) != std::string::npos) v.order.push_back(i);
    if (!specs || specs->SpecsCount == 0) return;
    const ImGuiTableColumnSortSpecs& spec = specs->Specs[0];
    const bool ascending = spec.SortDirection == ImGuiSortDirection_Ascending;
    auto key_less = [&](int a, int b) {
        const FileRow &x = s.rows[a], &y = s.rows[b];
        const bool xs = x.status == FileRow::Status::Scored, ys = y.status == FileRow::Status::Scored;
        switch (spec.ColumnUserID) {
            case kFile: return x.name < y.name;
            case kNorm:
                if (xs != ys) return xs;
                return x.norm < y.norm;
            case kScore:
                if (xs != ys) return xs;
                return x.score < y.score;
            case kVerdict: return status_rank(x) < status_rank(y);
            case kLabel: return x.label_text < y.label_text;
            default: return a < b;
        }
    };
    std::stable_sort(v.order.begin(), v.order.end(), [&](int a, int b) { return ascending ? key_less(a, b) : key_less(b, a); });
}

}  // namespace

void release_thumbnails() {
    for (FileRow& r : app().rows)
        if (r.texture) {
            GLuint t = r.texture;
            glDeleteTextures(1, &t);
            r.texture = 0;
        }
}

void select_row(int row, bool scroll_table) {
    for (FileRow& r : app().rows) r.selected = false;
    if (row >= 0) app().rows[static_cast<std::size_t>(row)].selected = true;
    app().view.selected = row;
    app().view.scroll_to_selected = scroll_table;
}

void draw_results_table() {
    AppState& s = app();
    ViewState& v = s.view;
    ImGui::SetNextItemWidth(px(260));
    if (ImGui::InputTextWithHint("##filter", "filter by name", v.filter, sizeof v.filter)) v.order_dirty = true;
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "%zu shown of %zu", v.order.size(), s.rows.size());
    if (s.rows.empty()) {
        const ImVec2 size = ImGui::GetContentRegionAvail();
        const char* hint = "Drop image files or folders here (PNG, JPEG, TIFF, BMP, GIF, TGA), or use Open images...";
        const ImVec2 text = ImGui::CalcTextSize(hint);
        ImGui::SetCursorPos(ImVec2(ImGui::GetCursorPosX() + (size.x - text.x) / 2, ImGui::GetCursorPosY() + size.y / 2 - text.y));
        ImGui::TextColored(kMuted, "%s", hint);
        return;
    }
    const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_ScrollY |
                                  ImGuiTableFlags_Resizable | ImGuiTableFlags_Sortable | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable("files", 6, flags)) return;
    ImGui::TableSetupScrollFreeze(0, 1);
    ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_NoSort, px(36), kThumb);
    ImGui::TableSetupColumn("file", ImGuiTableColumnFlags_WidthStretch, 3.0f, kFile);
    ImGui::TableSetupColumn("||z||", ImGuiTableColumnFlags_WidthFixed, px(80), kNorm);
    // The calibrated value of the chosen score, headed by its name (the ID stays "score" across switches).
    const std::string chosen = chosen_score().name;
    const std::string score_header = (chosen == "norm" ? std::string("score") : chosen + " score") + "###score";
    ImGui::TableSetupColumn(score_header.c_str(), ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending, px(110), kScore);
    ImGui::TableSetupColumn("verdict / error", ImGuiTableColumnFlags_WidthStretch, 3.0f, kVerdict);
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, px(80), kLabel);
    ImGui::TableHeadersRow();
    ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
    if (v.order_dirty || (specs && specs->SpecsDirty)) {
        rebuild_order(specs);
        if (specs) specs->SpecsDirty = false;
        v.order_dirty = false;
    }
    const float row_height = px(34.0f);
    if (v.scroll_to_selected) {
        const auto it = std::find(v.order.begin(), v.order.end(), v.selected);
        if (it != v.order.end()) ImGui::SetScrollY(static_cast<float>(it - v.order.begin()) * row_height - px(60.0f));
        v.scroll_to_selected = false;
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(v.order.size()), row_height);
    while (clipper.Step()) {
        for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) {
            const int i = v.order[static_cast<std::size_t>(k)];
            FileRow& r = s.rows[static_cast<std::size_t>(i)];
            ImGui::TableNextRow(ImGuiTableRowFlags_None, row_height);
            ImGui::TableNextColumn();
            ImGui::PushID(i);
            if (const unsigned t = texture_for(r))
                ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t)), ImVec2(px(30), px(30)));
            ImGui::TableNextColumn();
            if (ImGui::Selectable(r.name.c_str(), r.selected, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, px(30)))) {
                if (ImGui::GetIO().KeyCtrl) r.selected = !r.selected;
                else select_row(i, false);
            }
            ImGui::TableNextColumn();
            if (r.status == FileRow::Status::Scored) ImGui::Text("%.5f", r.norm);
            ImGui::TableNextColumn();
            if (r.status == FileRow::Status::Scored) ImGui::Text("%+.3f", r.score);
            ImGui::TableNextColumn();
            switch (r.status) {
                case FileRow::Status::Queued: ImGui::TextColored(kMuted, "queued"); break;
                case FileRow::Status::Scoring: ImGui::TextColored(kMuted, "scoring..."); break;
                case FileRow::Status::Cancelled: ImGui::TextColored(kMuted, "cancelled"); break;
                case FileRow::Status::Failed: ImGui::TextColored(kError, "%s", r.error.c_str()); break;
                case FileRow::Status::Scored:
                    if (is_flagged(r)) ImGui::TextColored(kFlagged, "anomalous");
                    else ImGui::TextColored(kNormalColor, "normal");
                    // How the file was read, beside the verdict: a dark 12-bit file must not pass unseen.
                    if (!r.note.empty()) {
                        ImGui::SameLine();
                        ImGui::TextColored(kMuted, "(%s)", r.note.c_str());
                        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\nread through %s", r.note.c_str(), r.input_range.c_str());
                    }
                    break;
            }
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(r.label_text.c_str());
            ImGui::PopID();
        }
    }
    ImGui::EndTable();
}

}  // namespace web
