#include "pipeline.h"

#include <emscripten.h>

#include <cstring>
#include <nlohmann/json.hpp>

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
}

void decode_some() {
    AppState& s = app();
    const double start = emscripten_get_now();
    while (!s.pending.empty() && static_cast<int>(s.filling.rows.size()) < kBatchSize &&
           emscripten_get_now() - start < kDecodeBudgetMs) {
        PendingFile file = std::move(s.pending.front());
        s.pending.pop_front();
        const std::size_t row = file.row;
        try {
            const stratum::InputSpec& spec = s.model.card.input;
            const stratum::Image image = stratum::decode_image(file.bytes.data(), file.bytes.size(), spec.channels);
            const std::vector<float> chw = stratum::preprocess(image, spec);
            s.filling.tensor.insert(s.filling.tensor.end(), chw.begin(), chw.end());
            s.filling.rows.push_back(row);
        } catch (const stratum::Error& e) {
            fail_row(row, e.what());
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

}  // namespace

void pump_pipeline() {
    AppState& s = app();
    if (!s.model.ready) return;
    decode_some();
    const bool batch_full = static_cast<int>(s.filling.rows.size()) >= kBatchSize;
    if (!s.encoder_busy && !s.filling.rows.empty() && (batch_full || s.pending.empty())) send_batch();
}

}  // namespace web

using namespace web;

extern "C" {

// A file's bytes from the page (drop or picker). The bytes are copied; the caller frees its buffer.
EMSCRIPTEN_KEEPALIVE void stratum_add_file(const char* name, const std::uint8_t* data, int size) {
    AppState& s = app();
    FileRow row;
    row.name = name;
    s.rows.push_back(row);
    s.pending.push_back({s.rows.size() - 1, std::vector<std::uint8_t>(data, data + size)});
}

EMSCRIPTEN_KEEPALIVE void stratum_on_latents(int request_id, const float* latents, int n, int dims) {
    AppState& s = app();
    if (request_id != s.request_id) return;  // an answer for a batch we no longer wait for
    s.encoder_busy = false;
    const Batch batch = std::move(s.in_flight);
    s.in_flight = Batch{};
    if (n != static_cast<int>(batch.rows.size())) {
        for (std::size_t row : batch.rows)
            fail_row(row, "encoder returned " + std::to_string(n) + " latents for " +
                              std::to_string(batch.rows.size()) + " images");
        return;
    }
    for (int i = 0; i < n; ++i) {
        FileRow& r = s.rows[batch.rows[i]];
        try {
            const stratum::LatentScore score = stratum::score_latent(
                latents + static_cast<std::size_t>(i) * dims, static_cast<std::size_t>(dims), s.model.card,
                s.model.card.threshold.value);
            r.norm = score.norm;
            r.score = score.score;
            r.flagged = score.flagged;
            r.status = FileRow::Status::Scored;
        } catch (const stratum::Error& e) {
            fail_row(batch.rows[i], e.what());
        }
    }
}

EMSCRIPTEN_KEEPALIVE void stratum_on_run_error(int request_id, const char* message) {
    AppState& s = app();
    if (request_id != s.request_id) return;
    s.encoder_busy = false;
    for (std::size_t row : s.in_flight.rows) fail_row(row, std::string("encoder failed: ") + message);
    s.in_flight = Batch{};
}

// Every row as JSON, for the end-to-end test and for a future export.
EMSCRIPTEN_KEEPALIVE const char* stratum_results_json() {
    static std::string text;
    const AppState& s = app();
    nlohmann::json rows = nlohmann::json::array();
    for (const FileRow& r : s.rows) {
        nlohmann::json j = {{"name", r.name}};
        switch (r.status) {
            case FileRow::Status::Queued: j["status"] = "queued"; break;
            case FileRow::Status::Scoring: j["status"] = "scoring"; break;
            case FileRow::Status::Failed: j["status"] = "failed"; j["error"] = r.error; break;
            case FileRow::Status::Scored:
                j["status"] = "scored";
                j["norm"] = r.norm;
                j["score"] = r.score;
                j["flagged"] = r.flagged;
                break;
        }
        rows.push_back(j);
    }
    text = nlohmann::json{{"model", s.model.card_loaded ? s.model.card.name : ""},
                          {"ready", s.model.ready},
                          {"backend", s.model.backend},
                          {"model_error", s.model.error},
                          {"rows", rows}}
               .dump();
    return text.c_str();
}

}  // extern "C"
