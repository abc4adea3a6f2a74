#include "pipeline.h"

#include <emscripten.h>

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "csv.h"
#include "error.h"
#include "image.h"
#include "intensity.h"
#include "ort_bridge.h"
#include "scoring.h"
#include "state.h"

namespace web {
namespace {

constexpr int kBatchSize = 32;

void fail_row(std::size_t row, const std::string& error) {
    FileRow& r = app().rows[row];
    r.status = FileRow::Status::Failed;
    r.error = error;
    app().progress.done++;
    app().view.order_dirty = true;
}

void send_batch() {
    AppState& s = app();
    const stratum::InputSpec& spec = s.model.card.input;
    Batch batch;
    while (!s.decoded.empty() && static_cast<int>(batch.rows.size()) < kBatchSize) {
        DecodedFile& file = s.decoded.front();
        batch.rows.push_back(file.row);
        batch.tensor.insert(batch.tensor.end(), file.tensor.begin(), file.tensor.end());
        s.rows[file.row].status = FileRow::Status::Scoring;
        s.decoded.pop_front();
    }
    // Always a full batch (zeros after the last file): ONNX Runtime picks its kernels by shape, and
    // a file's score must not depend on how many others shared its batch.
    batch.tensor.resize(static_cast<std::size_t>(kBatchSize) * spec.channels * spec.height * spec.width, 0.0f);
    s.in_flight = std::move(batch);
    s.encoder_busy = true;
    run_encoder(++s.request_id, s.in_flight.tensor.data(), kBatchSize, spec.channels, spec.height, spec.width);
}


// Bumped by cancel and clear: web/app.js stops feeding files of an older generation, and results
// decoded for an older generation are ignored.
int g_generation = 0;

// A worker's answer for `row` counts only if it is for this generation and the row still waits for it.
bool awaiting(std::size_t row, int generation) {
    const AppState& s = app();
    return generation == g_generation && row < s.rows.size() && s.rows[row].status == FileRow::Status::Queued;
}

void decoded_one() {
    AppState& s = app();
    if (s.awaiting_decode > 0) s.awaiting_decode--;
}

}  // namespace

void pump_pipeline() {
    AppState& s = app();
    if (!s.model.ready) return;
    // A partial batch goes only when nothing else is on its way, so batches stay full while files flow.
    const bool batch_full = static_cast<int>(s.decoded.size()) >= kBatchSize;
    if (!s.encoder_busy && !s.decoded.empty() && (batch_full || s.awaiting_decode == 0)) send_batch();
    if (!pipeline_busy() && s.progress.done >= s.progress.total) s.progress = ProgressState{};
}

bool pipeline_busy() {
    const AppState& s = app();
    return s.awaiting_decode > 0 || !s.decoded.empty() || s.encoder_busy;
}

void cancel_pipeline() {
    AppState& s = app();
    ++g_generation;
    for (FileRow& r : s.rows)
        if (r.status == FileRow::Status::Queued) r.status = FileRow::Status::Cancelled;
    s.decoded.clear();
    s.awaiting_decode = 0;
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
    // By the file (every page of a stack takes the file's label), with the CLI's rule for names.
    std::vector<std::string> files;
    std::map<std::string, std::size_t> index;  // source -> position in files
    for (const FileRow& r : s.rows)
        if (index.emplace(r.source, files.size()).second) files.push_back(r.source);
    const stratum::LabelAssignment assignment = stratum::assign_labels(files, labels);
    for (FileRow& r : s.rows) {
        const std::string& label = assignment.labels[index[r.source]];
        if (label.empty()) continue;
        r.label_text = label;
        r.label = stratum::label_kind(label);
    }
    s.notice = stratum::label_summary(assignment, labels.size());
    s.view.order_dirty = true;
}

}  // namespace web

using namespace web;

extern "C" {

EMSCRIPTEN_KEEPALIVE int stratum_generation() { return g_generation; }

// A file the page will decode (drop, picker or demo): `path` as shown (the dropped folder's name
// first), `relative` the path below the dropped or picked folder, from which the label comes
// (stratum::label_for_path, as the CLI labels a folder's files). Returns its row; web/app.js then reads and decodes it in a worker and calls
// stratum_add_page (per page) or stratum_decode_failed with that row and the generation it started in.
EMSCRIPTEN_KEEPALIVE int stratum_add_file(const char* path, const char* relative) {
    AppState& s = app();
    FileRow row;
    row.name = row.source = path;
    row.label_text = stratum::label_for_path(relative);
    row.label = stratum::label_kind(row.label_text);
    s.rows.push_back(std::move(row));
    s.awaiting_decode++;
    if (s.progress.total == 0) s.progress.started_ms = emscripten_get_now();
    s.progress.total++;
    s.view.order_dirty = true;
    return static_cast<int>(s.rows.size() - 1);
}

// Page `index` of `count` from the worker for the file registered as `row`: the model's input tensor
// (copied), a kThumbnail^2 RGBA thumbnail (copied) and the page's note. Page 0 fills `row` (renamed
// "FILE [page 1/N]" in a stack); later pages get rows of their own, right after the file's last.
EMSCRIPTEN_KEEPALIVE void stratum_add_page(int row, int generation, int index, int count, const float* tensor,
                                           int values, const std::uint8_t* thumbnail, int thumbnail_size,
                                           const char* note) {
    AppState& s = app();
    if (row < 0 || generation != g_generation || static_cast<std::size_t>(row) >= s.rows.size()) return;
    std::size_t at = static_cast<std::size_t>(row);
    if (index == 0) {
        if (!awaiting(at, generation)) return;
        decoded_one();
        s.rows[at].name = stratum::page_name(s.rows[at].source, 0, count);
    } else {
        FileRow page;
        page.source = s.rows[at].source;
        page.name = stratum::page_name(page.source, index, count);
        page.label = s.rows[at].label;
        page.label_text = s.rows[at].label_text;
        s.rows.push_back(std::move(page));
        at = s.rows.size() - 1;
        s.progress.total++;
    }
    const stratum::InputSpec& spec = s.model.card.input;
    FileRow& r = s.rows[at];
    r.note = note;
    r.input_range = stratum::window_text(input_window());
    if (values != spec.channels * spec.height * spec.width) {
        fail_row(at, "decoded for another model input size; drop the file again");
        return;
    }
    if (thumbnail_size == kThumbnail * kThumbnail * 4) r.thumbnail.assign(thumbnail, thumbnail + thumbnail_size);
    s.decoded.push_back({at, std::vector<float>(tensor, tensor + values)});
    s.view.order_dirty = true;
}

// Decoding stopped part-way through the file registered as `row` (after some pages): a row that says so.
EMSCRIPTEN_KEEPALIVE void stratum_add_failure(int row, int generation, const char* message) {
    AppState& s = app();
    if (row < 0 || generation != g_generation || static_cast<std::size_t>(row) >= s.rows.size()) return;
    FileRow failed;
    failed.name = failed.source = s.rows[static_cast<std::size_t>(row)].source;
    failed.label = s.rows[static_cast<std::size_t>(row)].label;
    failed.label_text = s.rows[static_cast<std::size_t>(row)].label_text;
    s.rows.push_back(std::move(failed));
    s.progress.total++;
    fail_row(s.rows.size() - 1, message);
}

EMSCRIPTEN_KEEPALIVE void stratum_decode_failed(int row, int generation, const char* message) {
    if (row < 0 || !awaiting(static_cast<std::size_t>(row), generation)) return;
    decoded_one();
    fail_row(row, message);
}

// Decoded files the encoder has not taken yet: web/app.js reads no further ahead than this allows.
EMSCRIPTEN_KEEPALIVE int stratum_decoded_backlog() { return static_cast<int>(app().decoded.size()); }

// What the workers decode for: {"channels","height","width","fit","window":{"lo","hi","depth"}} of the
// model in use (depth 0 8-bit, 1 16-bit, 2 as stored), or "" before one.
EMSCRIPTEN_KEEPALIVE const char* stratum_input_spec_json() {
    static std::string text;
    const ModelState& m = app().model;
    const stratum::IntensityWindow w = input_window();
    const int depth = w.depth == stratum::SampleType::UInt16 ? 1 : w.depth == stratum::SampleType::Float32 ? 2 : 0;
    text = m.ready ? nlohmann::json{{"channels", m.card.input.channels},
                                    {"height", m.card.input.height},
                                    {"width", m.card.input.width},
                                    {"fit", m.card.input.fit == stratum::Fit::Stretch ? 1 : 0},
                                    {"window", {{"lo", w.lo}, {"hi", w.hi}, {"depth", depth}}}}
                         .dump()
                   : "";
    return text.c_str();
}

// Cheap enough to poll every frame (the benchmarks do): rows, finished rows, busy.
EMSCRIPTEN_KEEPALIVE const char* stratum_progress_json() {
    static std::string text;
    const AppState& s = app();
    std::size_t finished = 0;
    for (const FileRow& r : s.rows)
        finished += r.status == FileRow::Status::Scored || r.status == FileRow::Status::Failed ||
                    r.status == FileRow::Status::Cancelled;
    text = nlohmann::json{{"rows", s.rows.size()}, {"finished", finished}, {"busy", pipeline_busy()}}.dump();
    return text.c_str();
}

// latents: n x dims; extras: n x extra_count (each image's extra outputs in card order: one value per
// score, or a feature vector for a neighbour-bank score; extra_outputs_width(card) in all).
EMSCRIPTEN_KEEPALIVE void stratum_on_latents(int request_id, const float* latents, int n, int dims, const float* extras,
                                             int extra_count) {
    AppState& s = app();
    if (request_id != s.request_id) return;  // an answer for a batch we no longer wait for
    s.encoder_busy = false;
    const Batch batch = std::move(s.in_flight);
    s.in_flight = Batch{};
    if (n != kBatchSize) {
        for (std::size_t row : batch.rows)
            fail_row(row, "encoder returned " + std::to_string(n) + " latents for " + std::to_string(kBatchSize) +
                              " images");
        return;
    }
    const stratum::ModelCard& card = s.model.card;
    for (std::size_t i = 0; i < batch.rows.size(); ++i) {
        FileRow& r = s.rows[batch.rows[i]];
        const float* z = latents + static_cast<std::size_t>(i) * dims;
        const float* e = extras + static_cast<std::size_t>(i) * static_cast<std::size_t>(extra_count);
        try {
            const stratum::LatentScore score = stratum::score_outputs(
                z, static_cast<std::size_t>(dims), std::vector<double>(e, e + extra_count), card, s.score_choice,
                s.threshold.value);
            r.norm = score.norm;
            r.score = score.score;
            r.raw = score.raw;
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
    pump_pipeline();  // the next batch goes now, not at the next frame: the encoder never idles
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
        nlohmann::json j = {{"name", r.name}, {"label", r.label_text}, {"note", r.note}, {"input_range", r.input_range}};
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
                j["raw"] = r.raw;
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
                          {"score_name", s.model.card_loaded ? chosen_score().name : ""},
                          {"flagged", flagged},
                          {"busy", pipeline_busy()},
                          {"rows", rows}}
               .dump();
    return text.c_str();
}

}  // extern "C"
