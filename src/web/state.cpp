#include "state.h"

#include <algorithm>
#include <cctype>
#include <cmath>

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

LabelledScores labelled_scores() {
    LabelledScores l;
    for (const FileRow& r : app().rows)
        if (r.status == FileRow::Status::Scored && r.label != Label::Unknown) {
            l.scores.push_back(r.score);
            l.anomalous.push_back(r.label == Label::Anomalous);
        }
    return l;
}

std::vector<double> shown_norms() {
    std::vector<double> norms;
    for (const stratum::ProjectedPoint& p : app().model.card.projection_sample) norms.push_back(p.norm);
    for (const FileRow& r : app().rows)
        if (r.status == FileRow::Status::Scored) norms.push_back(r.norm);
    return norms;
}

void update_threshold() {
    AppState& s = app();
    if (!s.model.card_loaded) return;
    ThresholdState& t = s.threshold;
    const stratum::ScoreSpec spec = chosen_score();
    switch (t.preset) {
        case ThresholdPreset::TrainingQuantile:
            // At the card's own quantile, the card's threshold: the very number `stratum score` uses (the
            // slider's float 0.95 is not the double 0.95, and recomputing would move the line by 1e-7).
            t.value = spec.threshold.method == "training_quantile" && std::fabs(t.quantile - spec.threshold.parameter) < 1e-6
                          ? spec.threshold.value
                          : stratum::threshold_training_quantile(spec.calibration, spec.direction, t.quantile);
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

stratum::ThresholdChoice threshold_choice() {
    const ThresholdState& t = app().threshold;
    switch (t.preset) {
        case ThresholdPreset::TrainingQuantile: return {"training_quantile", t.quantile, t.value};
        case ThresholdPreset::MedianKMad: return {"median_plus_k_mad", t.k, t.value};
        case ThresholdPreset::TopPercent: return {"top_percent", t.percent, t.value};
        case ThresholdPreset::Manual: break;
    }
    return {"manual", 0, t.value};
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

stratum::IntensityWindow input_window() {
    const AppState& s = app();
    return s.window_overridden ? s.window_override : s.model.card.input.window;
}

}  // namespace web
