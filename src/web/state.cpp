#include "state.h"

#include <algorithm>
#include <cctype>

#include "score.h"
#include "scoring.h"

namespace web {

AppState& app() {
    static AppState state;
    return state;
}

std::vector<double> scored_values() {
    std::vector<double> values;
    for (const FileRow& r : app().rows)
        if (r.status == FileRow::Status::Scored) values.push_back(r.score);
    return values;
}

void update_threshold() {
    AppState& s = app();
    if (!s.model.card_loaded) return;
    ThresholdState& t = s.threshold;
    const stratum::ScoreSpec spec = chosen_score();
    switch (t.preset) {
        case ThresholdPreset::TrainingQuantile:
            t.value = stratum::threshold_training_quantile(spec.calibration, spec.direction, t.quantile);
            break;
        case ThresholdPreset::MedianKMad: t.value = stratum::threshold_median_plus_k_mad(t.k); break;
        case ThresholdPreset::TopPercent: {
            const std::vector<double> values = scored_values();
            if (!values.empty()) t.value = stratum::threshold_top_percent(values, t.percent);
            break;
        }
        case ThresholdPreset::Manual: break;
    }
}

stratum::ScoreSpec chosen_score() {
    const std::vector<stratum::ScoreSpec> specs = stratum::card_scores(app().model.card);
    const int i = app().score_choice;
    return specs[i >= 0 && static_cast<std::size_t>(i) < specs.size() ? static_cast<std::size_t>(i) : 0];
}

void choose_score(int index) {
    AppState& s = app();
    s.score_choice = index;
    for (FileRow& r : s.rows)
        if (r.status == FileRow::Status::Scored && static_cast<std::size_t>(index) < r.raw.size())
            r.score = stratum::calibrated_score_of(s.model.card, index, r.raw[static_cast<std::size_t>(index)]);
    const stratum::ThresholdChoice& preset = chosen_score().threshold;
    s.threshold = ThresholdState{};
    s.threshold.quantile = static_cast<float>(preset.method == "training_quantile" ? preset.parameter : 0.95);
    update_threshold();
    if (preset.method != "training_quantile") {
        s.threshold.preset = ThresholdPreset::Manual;
        s.threshold.value = preset.value;
    }
    s.view.order_dirty = true;
}

Label label_from_text(const std::string& text) {
    std::string t;
    for (char c : text) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    static const char* normal[] = {"normal", "good", "ok", "negative", "0", "inlier"};
    static const char* anomalous[] = {"anomalous", "anomaly", "abnormal", "defect", "defective", "bad", "ng",
                                      "positive", "1", "outlier"};
    for (const char* n : normal)
        if (t == n) return Label::Normal;
    for (const char* a : anomalous)
        if (t == a) return Label::Anomalous;
    return Label::Unknown;
}

stratum::IntensityWindow input_window() {
    const AppState& s = app();
    return s.window_overridden ? s.window_override : s.model.card.input.window;
}

}  // namespace web
