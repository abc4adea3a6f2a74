#include "state.h"

#include <algorithm>
#include <cctype>

#include "score.h"

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
    const stratum::ModelCard& card = s.model.card;
    ThresholdState& t = s.threshold;
    switch (t.preset) {
        case ThresholdPreset::TrainingQuantile:
            t.value = stratum::threshold_training_quantile(card.calibration, card.direction, t.quantile);
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

}  // namespace web
