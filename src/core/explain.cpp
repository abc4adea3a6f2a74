#include "explain.h"

#include <cmath>
#include <cstdio>

namespace stratum {
namespace {

// 5, 0.5, 0.1: a percentage as people write it.
std::string percent(double p) {
    char text[32];
    std::snprintf(text, sizeof text, "%.3g", p);
    return text;
}

std::string join(const std::vector<std::string>& items) {
    std::string text;
    for (std::size_t i = 0; i < items.size(); ++i) text += (i == 0 ? "" : i + 1 == items.size() ? " and " : ", ") + items[i];
    return text;
}

}  // namespace

std::string calibrated_score_meaning() {
    return "a calibrated score is (raw score - the training images' median) / (1.4826 x their median absolute "
           "deviation): 0 is a typical training image, 3 is about three standard deviations out; larger = more "
           "anomalous";
}

std::string threshold_meaning(const ThresholdChoice& choice) {
    if (choice.method == "training_quantile")
        return percent(100.0 * (1.0 - choice.parameter)) + " % of the training images score above it";
    if (choice.method == "median_plus_k_mad")
        return percent(choice.parameter) + " median absolute deviations from the training images' median, on the anomalous side";
    if (choice.method == "top_percent")
        return "the top " + percent(choice.parameter) + " % of the images scored here lie above it";
    return "set by hand";
}

std::string model_summary(const ModelCard& card) {
    const TrainingFacts& t = card.training;
    std::string text = "Flags images unlike the ones it learnt from";
    if (!t.normal_classes.empty()) text += ": " + join(t.normal_classes);
    if (!t.dataset.empty()) text += (t.normal_classes.empty() ? ": " : " from ") + t.dataset;
    if (t.contamination > 0) {
        text += ", with " + percent(100.0 * t.contamination) + " % other images mixed in";
        if (!t.anomaly_classes.empty()) text += " (" + join(t.anomaly_classes) + ")";
    }
    text += ". It reads " + std::to_string(card.input.width) + "x" + std::to_string(card.input.height) + " " +
            (card.input.channels == 1 ? "grey" : "colour") + " images (others are resized" +
            (card.input.fit == Fit::CenterCrop ? ", centre-cropped to that shape" : ", stretched to that shape") +
            ") and decides by its " + card.default_score + " score.";
    return text;
}

}  // namespace stratum
