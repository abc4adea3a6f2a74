// The results table: thumbnail, file, norm, score, verdict, label; sortable by every column,
// filterable by name, only visible rows drawn (ImGuiListClipper), selection shared with the plots.
#include <algorithm>
#include <cstring>

#include "panels_internal.h"
#include "texture_cache.h"
#include "ui_marks.h"

namespace web {
namespace {

enum Column { kThumb, kFile, kNorm, kScore, kVerdict, kLabel };

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
    // Rows without a number (queued, failed) stay below the scored ones in both directions, so that
    // sorting by score puts the most anomalous file on top.
    auto before = [&](int a, int b) {
        const FileRow &x = s.rows[a], &y = s.rows[b];
        const bool xs = x.status == FileRow::Status::Scored, ys = y.status == FileRow::Status::Scored;
        auto ordered = [ascending](auto u, auto w) { return ascending ? u < w : w < u; };
        switch (spec.ColumnUserID) {
            case kFile: return ordered(x.name, y.name);
            case kNorm:
                if (xs != ys) return xs;
                return ordered(x.norm, y.norm);
            case kScore:
                if (xs != ys) return xs;
                return ordered(x.score, y.score);
            case kVerdict: return ordered(status_rank(x), status_rank(y));
            case kLabel: return ordered(x.label_text, y.label_text);
            default: return a < b;
        }
    };
    std::stable_sort(v.order.begin(), v.order.end(), before);
}

}  // namespace


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
    // Wide enough for its header ("reconstruction score") and the sort arrow, not cut to "reconstructio...".
    const float score_width = std::max(px(110), ImGui::CalcTextSize((score_header.substr(0, score_header.find("###"))).c_str()).x + px(28));
    ImGui::TableSetupColumn(score_header.c_str(), ImGuiTableColumnFlags_WidthFixed | ImGuiTableColumnFlags_PreferSortDescending, score_width, kScore);
    ImGui::TableSetupColumn("verdict / error", ImGuiTableColumnFlags_WidthStretch, 3.0f, kVerdict);
    ImGui::TableSetupColumn("label", ImGuiTableColumnFlags_WidthFixed, px(80), kLabel);
    // The header row by hand, so that the score's header has a mark (the tests sort by clicking it).
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int c = 0; c < ImGui::TableGetColumnCount(); ++c) {
        if (!ImGui::TableSetColumnIndex(c)) continue;
        ImGui::PushID(c);  // as TableHeadersRow: the unnamed thumbnail column's header needs an ID of its own
        ImGui::TableHeader(ImGui::TableGetColumnName(c));
        ImGui::PopID();
        if (c == kScore) mark_item("score_header");
    }
    ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs();
    const float row_height = px(34.0f);
    if (v.order_dirty || (specs && specs->SpecsDirty)) {
        // A new sort order starts at its top; rows merely arriving keep the place being read.
        if (specs && specs->SpecsDirty) ImGui::SetScrollY(0);
        rebuild_order(specs);
        if (specs) specs->SpecsDirty = false;
        v.order_dirty = false;
    }
    if (v.scroll_to_selected) {
        const auto it = std::find(v.order.begin(), v.order.end(), v.selected);
        if (it != v.order.end()) ImGui::SetScrollY(static_cast<float>(it - v.order.begin()) * row_height - px(60.0f));
        v.scroll_to_selected = false;
    }
    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(v.order.size()), row_height);
    v.table_drawn[0] = static_cast<int>(v.order.size()), v.table_drawn[1] = 0;
    while (clipper.Step()) {
        v.table_drawn[0] = std::min(v.table_drawn[0], clipper.DisplayStart);
        v.table_drawn[1] = std::max(v.table_drawn[1], clipper.DisplayEnd);
        for (int k = clipper.DisplayStart; k < clipper.DisplayEnd; ++k) {
            const int i = v.order[static_cast<std::size_t>(k)];
            FileRow& r = s.rows[static_cast<std::size_t>(i)];
            ImGui::TableNextRow(ImGuiTableRowFlags_None, row_height);
            ImGui::TableNextColumn();
            ImGui::PushID(i);
            if (const unsigned t = thumbnail_texture(r))
                ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(t)), ImVec2(px(30), px(30)));
            ImGui::TableNextColumn();
            if (ImGui::Selectable(r.name.c_str(), r.selected, ImGuiSelectableFlags_SpanAllColumns, ImVec2(0, px(30)))) {
                if (ImGui::GetIO().KeyCtrl) r.selected = !r.selected;
                else select_row(i, false);
            }
            if (ImGui::IsItemHovered()) v.hovered_row = i;
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
    v.table_scroll = ImGui::GetScrollY();  // the table's own scrolling region (the tests read it)
    v.table_scroll_max = ImGui::GetScrollMaxY();
    ImGui::EndTable();
}

}  // namespace web
