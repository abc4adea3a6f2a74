// Every function the page's wasm module exports to web/app.js (web/core.js wraps each one, in this
// order). They only convert arguments and call the app logic (pipeline.h, model.h, export.h) or the
// drawing side's test probes (ui_marks.h, redraw.h). A returned const char* stays valid until the
// next call of the same function.
#include <emscripten.h>

#include <string>
#include <vector>

#include "export.h"
#include "fonts.h"
#include "maps.h"
#include "model.h"
#include "pipeline.h"
#include "redraw.h"
#include "report.h"
#include "ui_marks.h"

namespace {
const char* keep(std::string& slot, std::string text) {
    slot = std::move(text);
    return slot.c_str();
}
}  // namespace

EM_JS(double, css_per_canvas_pixel, (), { return 1 / (window.devicePixelRatio || 1); });

extern "C" {

// Files and pages (pipeline.h).
EMSCRIPTEN_KEEPALIVE int stratum_generation() { return web::generation(); }
EMSCRIPTEN_KEEPALIVE int stratum_clears() { return web::clears(); }
EMSCRIPTEN_KEEPALIVE int stratum_add_file(const char* path, const char* relative, const char* key) {
    return web::add_file(path, relative, key, emscripten_get_now());
}
EMSCRIPTEN_KEEPALIVE int stratum_add_page(int row, int generation, int index, int count, int values,
                                          const std::uint8_t* thumbnail, int thumbnail_size, const char* note,
                                          const char* input_range) {
    return web::add_page(row, generation, index, count, static_cast<std::size_t>(values), thumbnail,
                         static_cast<std::size_t>(thumbnail_size), note, input_range);
}
EMSCRIPTEN_KEEPALIVE void stratum_add_failure(int row, int generation, const char* message) {
    web::add_failure(row, generation, message);
}
EMSCRIPTEN_KEEPALIVE void stratum_decode_failed(int row, int generation, const char* message) {
    web::decode_failed(row, generation, message);
}
EMSCRIPTEN_KEEPALIVE const char* stratum_input_spec_json() {
    static std::string text;
    return keep(text, web::input_spec_json());
}

// Batches (pipeline.h): the rows of the images sent, then the encoder's outputs or its error.
EMSCRIPTEN_KEEPALIVE int stratum_batch_sent(const int* rows, int count) {
    return web::batch_sent(std::vector<int>(rows, rows + count));
}
EMSCRIPTEN_KEEPALIVE void stratum_batch_done(int ticket, const float* latents, int n, int dims, const float* extras,
                                             int extras_size) {
    web::batch_done(ticket, latents, n, dims, extras, static_cast<std::size_t>(extras_size));
}
EMSCRIPTEN_KEEPALIVE void stratum_batch_failed(int ticket, const char* message) { web::batch_failed(ticket, message); }
EMSCRIPTEN_KEEPALIVE const char* stratum_load_labels(const char* text) {
    static std::string error;
    return keep(error, web::load_labels(text));
}

// Models (model.h).
EMSCRIPTEN_KEEPALIVE const char* stratum_load_card(const char* source, const char* json_text) {
    static std::string text;
    return keep(text, web::load_card(source, json_text));
}
EMSCRIPTEN_KEEPALIVE const char* stratum_check_graph(const char* probe_json) {
    static std::string text;
    return keep(text, web::check_graph(probe_json));
}
EMSCRIPTEN_KEEPALIVE const char* stratum_model_ready(const char* backend, int threads, const char* note) {
    static std::string text;
    return keep(text, web::model_ready(backend, threads, note));
}
EMSCRIPTEN_KEEPALIVE void stratum_model_failed(const char* message) { web::model_failed(message); }
EMSCRIPTEN_KEEPALIVE void stratum_backend_changed(const char* backend, int threads, const char* note) {
    web::backend_changed(backend, threads, note);
}
EMSCRIPTEN_KEEPALIVE void stratum_set_webgpu_available(int available) { web::set_webgpu_available(available != 0); }

// Maps (maps.h): the requests pipeline.js takes, and what it made for each.
EMSCRIPTEN_KEEPALIVE const char* stratum_take_map_requests() {
    static std::string text;
    return keep(text, web::take_map_requests());
}
EMSCRIPTEN_KEEPALIVE void stratum_map_done(double id, const std::uint8_t* view, int width, int height, const double* crop,
                                           const float* reconstructed, int reconstructed_size, const float* raw, int raw_size) {
    web::map_done(static_cast<std::uint64_t>(id), view, width, height, crop, reconstructed,
                  static_cast<std::size_t>(reconstructed_size), raw, static_cast<std::size_t>(raw_size));
}
EMSCRIPTEN_KEEPALIVE void stratum_map_failed(double id, const char* message) {
    web::map_failed(static_cast<std::uint64_t>(id), message);
}

// Test and benchmark probes: the state as JSON, the downloads' texts, where widgets are, frame times.
EMSCRIPTEN_KEEPALIVE const char* stratum_progress_json() {
    static std::string text;
    return keep(text, web::progress_json());
}
EMSCRIPTEN_KEEPALIVE const char* stratum_results_json() {
    static std::string text;
    return keep(text, web::results_json());
}
EMSCRIPTEN_KEEPALIVE const char* stratum_results_csv() {
    static std::string text;
    return keep(text, web::results_csv());
}
EMSCRIPTEN_KEEPALIVE const char* stratum_latents_tsv() {
    static std::string text;
    return keep(text, web::latents_tsv());
}
EMSCRIPTEN_KEEPALIVE const char* stratum_report_html() {
    static std::string text;
    return keep(text, web::report_html());
}
EMSCRIPTEN_KEEPALIVE const char* stratum_maps_json(int row) {
    static std::string text;
    return keep(text, web::maps_json(row));
}
EMSCRIPTEN_KEEPALIVE const char* stratum_ui_marks_json() {
    static std::string text;
    return keep(text, web::ui_marks_json(css_per_canvas_pixel()));
}
EMSCRIPTEN_KEEPALIVE void stratum_add_fallback_font(int index, const std::uint8_t* data, int size) {
    web::add_fallback_font(index, data, static_cast<std::size_t>(size));
}
EMSCRIPTEN_KEEPALIVE int stratum_missing_glyphs() { return static_cast<int>(web::missing_glyphs()); }
EMSCRIPTEN_KEEPALIVE void stratum_frame_stats_reset() { web::reset_frame_stats(); }
EMSCRIPTEN_KEEPALIVE const char* stratum_frame_stats_json() {
    static std::string text;
    return keep(text, web::frame_stats_json());
}

}  // extern "C"
