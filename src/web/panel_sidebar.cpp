// The left column: the model in use, the threshold and its presets, and metrics when labels are known.
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "error.h"
#include "explain.h"
#include "panels_internal.h"
#include "roc.h"
#include "score.h"
#include "ui_marks.h"

namespace web {

// The intensity window files are read through: the card's (and why), or one the user types, e.g.
// 0:4095 for 12-bit data in 16-bit files. It applies to files decoded from then on; each row keeps the
// window it was read with (the CSV's input_range column).
void draw_window_control() {
    AppState& s = app();
    const stratum::IntensityWindow w = input_window();
    ImGui::Text("window  %s", stratum::window_text(w).c_str());
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Sample values LO..HI become the network's -1..1.\n%s",
                          s.window_overridden ? "Set here: applies to files decoded from now on."
                                              : ("From the model card: " + s.model.card.window_source).c_str());
    ImGui::SetNextItemWidth(110);
    ImGui::InputTextWithHint("##window", "LO:HI", s.window_text, sizeof s.window_text);
    mark_item("window_field");
    ImGui::SameLine();
    if (ImGui::Button("Use window")) {
        try {
            s.window_override = stratum::parse_window(s.window_text, stratum::SampleType::Float32, "window");
            s.window_overridden = true;
            s.window_error.clear();
        } catch (const stratum::Error& e) {
            s.window_error = e.what();
        }
    }
    mark_item("window_apply");
    if (s.window_overridden) {
        ImGui::SameLine();
        if (ImGui::Button("Model's")) s.window_overridden = false;
    }
    if (!s.window_error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kError);
        ImGui::TextWrapped("%s", s.window_error.c_str());
        ImGui::PopStyleColor();
    }
}

void draw_model_panel() {
    const ModelState& m = app().model;
    const bool open = ImGui::CollapsingHeader("Model", ImGuiTreeNodeFlags_DefaultOpen);
    mark_item("model_header");
    if (!open) return;
    if (!m.card_loaded) {
        ImGui::TextWrapped("%s", m.error.empty() ? "loading..." : m.error.c_str());
        return;
    }
    const stratum::ModelCard& c = m.card;
    ImGui::TextWrapped("%s", c.name.c_str());
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    ImGui::TextWrapped("%s", stratum::model_summary(c).c_str());
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.description.c_str());  // the trainer's own words
    ImGui::Text("input   %d x %d x %d, %s", c.input.width, c.input.height, c.input.channels,
                stratum::fit_name(c.input.fit).c_str());
    draw_window_control();
    ImGui::Text("latent  %d values", c.latent_size);
    // Folded by default, so that the column fits a 900-pixel-high window with the ROC shown.
    if (ImGui::TreeNode("calibration", "calibration: %zu training images", c.calibration.count)) {
        for (const stratum::ScoreSpec& spec : stratum::card_scores(c))
            ImGui::Text("%s: median %.4g, MAD %.3g", spec.name.c_str(), spec.calibration.median, spec.calibration.mad);
        ImGui::TreePop();
    }
    if (ImGui::TreeNode("Training")) {
        ImGui::TextWrapped("data: %s", c.training.dataset.c_str());
        std::string normal;
        for (const std::string& n : c.training.normal_classes) normal += (normal.empty() ? "" : ", ") + n;
        ImGui::TextWrapped("normal: %s", normal.empty() ? "(all)" : normal.c_str());
        ImGui::Text("contamination %.0f %%", c.training.contamination * 100);
        ImGui::Text("%lld images, seed %lld, preset %s", c.training.images_seen, c.training.seed, c.training.preset.c_str());
        if (!c.training.commit.empty()) ImGui::Text("commit %s", c.training.commit.c_str());
        ImGui::TreePop();
    }
    if (!m.error.empty()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kError);
        ImGui::TextWrapped("%s", m.error.c_str());
        ImGui::PopStyleColor();
    }
}

// Which score drives verdicts, the histogram and the colours; the norm is always shown beside it.
void draw_score_picker() {
    AppState& s = app();
    const std::vector<stratum::ScoreSpec> specs = stratum::card_scores(s.model.card);
    if (specs.size() < 2) {
        ImGui::Text("score   ||z||, %s = anomalous", stratum::direction_name(specs[0].direction).c_str());
        return;
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("score");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    const stratum::ScoreSpec& current = specs[static_cast<std::size_t>(s.score_choice)];
    const bool open = ImGui::BeginCombo("##score", current.name.c_str());
    mark_item("score_picker");
    if (open) {
        for (std::size_t i = 0; i < specs.size(); ++i) {
            const std::string label = specs[i].name + (specs[i].name == s.model.card.default_score ? " (default)" : "");
            if (ImGui::Selectable(label.c_str(), static_cast<int>(i) == s.score_choice) && static_cast<int>(i) != s.score_choice)
                choose_score(static_cast<int>(i));
            mark_item(("score_option_" + specs[i].name).c_str());
        }
        ImGui::EndCombo();
    }
    ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
    const bool is_default = current.name == s.model.card.default_score;
    ImGui::TextWrapped("%s; %s = anomalous.%s", current.description.c_str(), stratum::direction_name(current.direction).c_str(),
                       is_default ? " The model's default; ||z|| stays in the table." : "");
    ImGui::PopStyleColor();
}

void draw_threshold_panel() {
    AppState& s = app();
    if (!s.model.card_loaded || !ImGui::CollapsingHeader("Threshold", ImGuiTreeNodeFlags_DefaultOpen)) return;
    draw_score_picker();
    ThresholdState& t = s.threshold;
    bool changed = false;
    int preset = static_cast<int>(t.preset);
    changed |= ImGui::RadioButton("training quantile", &preset, 0);
    if (preset == 0) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::SliderFloat("##q", &t.quantile, 0.5f, 0.999f, "%.3f");
    }
    changed |= ImGui::RadioButton("median + k MAD", &preset, 1);
    if (preset == 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::SliderFloat("##k", &t.k, 0.5f, 10.0f, "k = %.1f");
    }
    changed |= ImGui::RadioButton("top percent of these images", &preset, 2);
    if (preset == 2) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-1);
        changed |= ImGui::SliderFloat("##p", &t.percent, 0.5f, 50.0f, "%.1f %%");
    }
    changed |= ImGui::RadioButton("manual (drag the line)", &preset, 3);
    t.preset = static_cast<ThresholdPreset>(preset);
    if (changed) update_threshold();
    std::size_t scored = 0, flagged = 0;
    for (const FileRow& r : s.rows)
        if (r.status == FileRow::Status::Scored) {
            ++scored;
            flagged += is_flagged(r);
        }
    // What the line means, in words (the same the CLI prints), and what the units are.
    ImGui::TextWrapped("threshold %.3f: %s", t.value, stratum::threshold_meaning(threshold_choice()).c_str());
    mark_item("threshold_text");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("in calibrated-score units: %s", stratum::calibrated_score_meaning().c_str());
    ImGui::TextColored(flagged ? kFlagged : kMuted, "%zu of %zu flagged", flagged, scored);
}

void draw_metrics_panel() {
    const AppState& s = app();
    const LabelledScores labelled = labelled_scores();
    const std::vector<double>& scores = labelled.scores;
    const std::vector<bool>& labels = labelled.anomalous;
    if (!ImGui::CollapsingHeader("Labels and ROC", ImGuiTreeNodeFlags_DefaultOpen)) return;
    const std::size_t anomalous = static_cast<std::size_t>(std::count(labels.begin(), labels.end(), true));
    if (scores.empty() || anomalous == 0 || anomalous == scores.size()) {
        ImGui::PushStyleColor(ImGuiCol_Text, kMuted);
        ImGui::TextWrapped("Needs labelled images of both kinds: drop folders named normal/ and anomalous/, "
                           "or a CSV with file and label columns.");
        ImGui::PopStyleColor();
        return;
    }
    const double area = stratum::auroc(scores, labels);
    const stratum::Confusion c = stratum::confusion_at(scores, labels, s.threshold.value);
    ImGui::Text("AUROC %.4f  (%zu normal, %zu anomalous)", area, scores.size() - anomalous, anomalous);
    auto show = [](double v) { return std::isnan(v) ? std::string("n/a") : std::to_string(v).substr(0, 5); };
    ImGui::Text("precision %s  recall %s  F1 %s", show(c.precision()).c_str(), show(c.recall()).c_str(), show(c.f1()).c_str());
    const std::vector<stratum::RocPoint> curve = stratum::roc_curve(scores, labels);
    // As large as the column allows, up to 200 px, leaving a line for the axis caption: the curve
    // is never cut at the bottom of the window.
    const float room = ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() - px(4);
    const float side = std::max(px(80.0f), std::min({ImGui::GetContentRegionAvail().x, px(200.0f), room}));
    const ImVec2 p0 = ImGui::GetCursorScreenPos(), p1(p0.x + side, p0.y + side);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    dl->AddRectFilled(p0, p1, IM_COL32(25, 25, 32, 255));
    dl->AddLine(ImVec2(p0.x, p1.y), ImVec2(p1.x, p0.y), IM_COL32(90, 90, 100, 255));
    for (std::size_t i = 1; i < curve.size(); ++i)
        dl->AddLine(ImVec2(p0.x + static_cast<float>(curve[i - 1].fpr) * side, p1.y - static_cast<float>(curve[i - 1].tpr) * side),
                    ImVec2(p0.x + static_cast<float>(curve[i].fpr) * side, p1.y - static_cast<float>(curve[i].tpr) * side),
                    IM_COL32(120, 200, 255, 255), 2.0f);
    const double fpr = c.fp + c.tn ? static_cast<double>(c.fp) / (c.fp + c.tn) : 0;
    const double tpr = c.tp + c.fn ? static_cast<double>(c.tp) / (c.tp + c.fn) : 0;
    dl->AddCircleFilled(ImVec2(p0.x + static_cast<float>(fpr) * side, p1.y - static_cast<float>(tpr) * side), 4,
                        IM_COL32(240, 110, 90, 255));
    dl->AddText(ImVec2(p0.x + px(4), p0.y + px(2)), IM_COL32(150, 150, 160, 255), "true positive rate");
    ImGui::Dummy(ImVec2(side, side));
    mark_item("roc");
    ImGui::TextColored(kMuted, "false positive rate ->");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("ROC: each point is a threshold; the red dot is the one in use");
}

}  // namespace web
