#include "pipeline.h"

#include <emscripten.h>

#include <cstring>
#include <nlohmann/json.hpp>

#include "csv.h"
#include "error.h"
#include "image.h"
#include "ort_bridge.h"
#include "preprocess.h"
#include "scoring.h"
#include "state.h"

namespace web {
namespace {

constexpr int kBatchSize = 32;
constexpr double kDecodeBudgetMs = 12.0;  // per frame, so the page keeps drawing while it works

void fail_row(std::size_t row, const std::string& error) {
    FileRow& r = app().rows[row];
    r.status = FileRow::Status::Failed;
    r.error = error;
    app().progress.done++;
    app().view.order_dirty = true;
}

std::vector<std::uint8_t> make_thumbnail(const stratum::Image& image) {
    const stratum::Image small = stratum::resize_image(image, kThumbnail, kThumbnail, stratum::Fit::CenterCrop);
    std::vector<std::uint8_t> rgba(static_cast<std::size_t>(kThumbnail) * kThumbnail * 4, 255);
    for (std::size_t i = 0; i < static_cast<std::size_t>(kThumbnail) * kThumbnail; ++i)
        for (int c = 0; c < 3; ++c) rgba[i * 4 + c] = small.pixels[i * small.channels + (small.channels == 3 ? c : 0)];
    return rgba;
}

void decode_some() {
    AppState& s = app();
    const double start = emscripten_get_now();
    while (!s.pending.empty() && static_cast<int>(s.filling.rows.size()) < kBatchSize &&
           emscripten_get_now() - start < kDecodeBudgetMs) {
        PendingFile file = std::move(s.pending.front());
        s.pending.pop_front();
        try {
            const stratum::InputSpec& spec = s.model.card.input;
            const stratum::Image image = stratum::decode_image(file.bytes.data(), file.bytes.size(), spec.channels);
            const std::vector<float> chw = stratum::preprocess(image, spec);
            s.rows[file.row].thumbnail = make_thumbnail(image);
            s.filling.tensor.insert(s.filling.tensor.end(), chw.begin(), chw.end());
            s.filling.rows.push_back(file.row);
        } catch (const stratum::Error& e) {
            fail_row(file.row, e.what());
        }
    }
}

void send_batch() {
    AppState& s = app();
    const stratum::InputSpec& spec = s.model.card.input;
    s.in_flight = std::move(s.filling);
    s.filling = Batch{};
    for (std::size_t row : s.in_flight.rows) s.rows[row].status = FileRow::Status::Scoring;
    s.encoder_busy = true;
    run_encoder(++s.request_id, s.in_flight.tensor.data(), static_cast<int>(s.in_flight.rows.size()), spec.channels,
                spec.height, spec.width);
}

std::string parent_folder(const std::string& path) {
    const std::size_t slash = path.rfind('/');
    if (slash == std::string::npos) return "";
    const std::size_t before = path.rfind('/', slash - 1);
    return path.substr(before == std::string::npos ? 0 : before + 1, slash - (before == std::string::npos ? 0 : before + 1));
}

}  // namespace

void pump_pipeline() {
    AppState& s = app();
    if (!s.model.ready) return;
    decode_some();
    const bool batch_full = static_cast<int>(s.filling.rows.size()) >= kBatchSize;
    if (!s.encoder_busy && !s.filling.rows.empty() && (batch_full || s.pending.empty())) send_batch();
    if (s.pending.empty() && s.filling.rows.empty() && !s.encoder_busy && s.progress.done >= s.progress.total) {
        s.progress = ProgressState{};
    }
}

bool pipeline_busy() {
    const AppState& s = app();
    return !s.pending.empty() || !s.filling.rows.empty() || s.encoder_busy;
}

// Bumped by cancel and clear: web/app.js stops feeding files of an older generation.
int g_generation = 0;

void cancel_pipeline() {
    AppState& s = app();
    ++g_generation;
    for (const PendingFile& f : s.pending) s.rows[f.row].status = FileRow::Status::Cancelled;
    for (std::size_t row : s.filling.rows) s.rows[row].status = FileRow::Status::Cancelled;
    s.pending.clear();
    s.filling = Batch{};
    s.progress = ProgressState{};
    s.view.order_dirty = true;
    // A batch with the encoder finishes and is shown; nothing after it is sent.
}

void clear_rows() {
    AppState& s = app();
    cancel_pipeline();
    s.request_id++;  // an answer still on its way is ignored
    s.encoder_busy = false;
    s.in_flight = Batch{};
    release_thumbnails();
    s.rows.clear();
    s.view.selected = -1;
    s.view.order_dirty = true;
}

void apply_labels(const std::vector<std::pair<std::string, std::string>>& labels) {
    AppState& s = app();
    std::size_t matched = 0;
    for (FileRow& r : s.rows) {
        const std::string base = r.name.substr(r.name.rfind('/') == std::string::npos ? 0 : r.name.rfind('/') + 1);
        for (const auto& [file, label] : labels)
            if (file == r.name || file == base) {
                r.label_text = label;
                r.label = label_from_text(label);
                ++matched;
                break;
            }
    }
    s.notice = "labels: " + std::to_string(labels.size()) + " in the CSV, " + std::to_string(matched) + " files matched";
    s.view.order_dirty = true;
}

}  // namespace web

using namespace web;

extern "C" {

EMSCRIPTEN_KEEPALIVE int stratum_generation() { return g_generation; }

// A file's bytes from the page (drop or picker); `path` is relative to the dropped folder, if any.
// The bytes are copied; the caller frees its buffer.
EMSCRIPTEN_KEEPALIVE void stratum_add_file(const char* path, const std::uint8_t* data, int size) {
    AppState& s = app();
    FileRow row;
    row.name = path;
    row.label_text = parent_folder(row.name);
    row.label = label_from_text(row.label_text);
    if (row.label == Label::Unknown) row.label_text.clear();
    s.rows.push_back(std::move(row));
    s.pending.push_back({s.rows.size() - 1, std::vector<std::uint8_t>(data, data + size)});
    if (s.progress.total == 0) s.progress.started_ms = emscripten_get_now();
    s.progress.total++;
    s.view.order_dirty = true;
}

EMSCRIPTEN_KEEPALIVE void stratum_on_latents(int request_id, const float* latents, int n, int dims) {
    AppState& s = app();
    if (request_id != s.request_id) return;  // an answer for a batch we no longer wait for
    s.encoder_busy = false;
    const Batch batch = std::move(s.in_flight);
    s.in_flight = Batch{};
    if (n != static_cast<int>(batch.rows.size())) {
        for (std::size_t row : batch.rows)
            fail_row(row, "encoder returned " + std::to_string(n) + " latents for " + std::to_string(batch.rows.size()) +
                              " images");
        return;
    }
    const stratum::ModelCard& card = s.model.card;
    for (int i = 0; i < n; ++i) {
        FileRow& r = s.rows[batch.rows[i]];
        const float* z = latents + static_cast<std::size_t>(i) * dims;
        try {
            const stratum::LatentScore score =
                stratum::score_latent(z, static_cast<std::size_t>(dims), card, s.threshold.value);
            r.norm = score.norm;
            r.score = score.score;
            r.latent.assign(z, z + dims);
            if (card.has_projection) stratum::project(card.projection, z, r.pc);
            r.status = FileRow::Status::Scored;
            s.progress.done++;
        } catch (const stratum::Error& e) {
            fail_row(batch.rows[i], e.what());
        }
    }
    s.view.order_dirty = true;
    if (s.threshold.preset == ThresholdPreset::TopPercent) update_threshold();
}

EMSCRIPTEN_KEEPALIVE void stratum_on_run_error(int request_id, const char* message) {
    AppState& s = app();
    if (request_id != s.request_id) return;
    s.encoder_busy = false;
    for (std::size_t row : s.in_flight.rows) fail_row(row, std::string("encoder failed: ") + message);
    s.in_flight = Batch{};
}

// A CSV of labels (file,label) dropped on the page. Returns "" or the reason it was refused.
EMSCRIPTEN_KEEPALIVE const char* stratum_load_labels(const char* text) {
    static std::string error;
    try {
        apply_labels(stratum::parse_label_csv(text));
        error.clear();
    } catch (const stratum::Error& e) {
        error = std::string("labels CSV refused: ") + e.what();
        app().notice = error;
    }
    return error.c_str();
}

// Every row as JSON, for the end-to-end tests.
EMSCRIPTEN_KEEPALIVE const char* stratum_results_json() {
    static std::string text;
    const AppState& s = app();
    nlohmann::json rows = nlohmann::json::array();
    std::size_t flagged = 0;
    for (const FileRow& r : s.rows) {
        nlohmann::json j = {{"name", r.name}, {"label", r.label_text}};
        switch (r.status) {
            case FileRow::Status::Queued: j["status"] = "queued"; break;
            case FileRow::Status::Scoring: j["status"] = "scoring"; break;
            case FileRow::Status::Cancelled: j["status"] = "cancelled"; break;
            case FileRow::Status::Failed: j["status"] = "failed"; j["error"] = r.error; break;
            case FileRow::Status::Scored: {
                const bool f = r.score >= s.threshold.value;
                flagged += f;
                j["status"] = "scored";
                j["norm"] = r.norm;
                j["score"] = r.score;
                j["flagged"] = f;
                j["pc"] = {r.pc[0], r.pc[1]};
                break;
            }
        }
        rows.push_back(j);
    }
    text = nlohmann::json{{"model", s.model.card_loaded ? s.model.card.name : ""},
                          {"ready", s.model.ready},
                          {"backend", s.model.backend},
                          {"threads", s.model.threads},
                          {"model_error", s.model.error},
                          {"threshold", s.threshold.value},
                          {"flagged", flagged},
                          {"busy", pipeline_busy()},
                          {"rows", rows}}
               .dump();
    return text.c_str();
}

}  // extern "C"
