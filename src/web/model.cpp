// Loading a model: web/app.js fetches or reads the card and the graph; the core validates the card
// here, and the session's facts (digest, tensor names) are checked against it before it replaces the
// model in use. Whatever fails, the previous model stays.
#include <emscripten.h>

#include <string>

#include "error.h"
#include "pipeline.h"
#include "state.h"

using namespace web;

namespace {

struct Candidate {
    bool present = false;
    stratum::ModelCard card;
    std::string source;
};
Candidate g_candidate;

const char* remember(std::string message) {
    static std::string last;
    last = std::move(message);
    return last.c_str();
}

const char* refuse(const std::string& problem) {
    app().model.error = problem;
    g_candidate = Candidate{};
    return remember(problem);
}

}  // namespace

extern "C" {

// Step 1: the card. Returns "" when it is valid, else the reason.
EMSCRIPTEN_KEEPALIVE const char* stratum_load_card(const char* source, const char* json_text) {
    try {
        g_candidate.card = stratum::parse_model_card(json_text);
        g_candidate.source = source;
        g_candidate.present = true;
        return remember("");
    } catch (const stratum::Error& e) {
        return refuse(std::string(source) + ": " + e.what());
    }
}

// Step 2: the encoder session is open. Checks that it is the graph the card describes; on success the
// candidate replaces the model in use (scores of the old model are cleared). Returns "" or the reason.
EMSCRIPTEN_KEEPALIVE const char* stratum_model_ready(const char* backend, int threads, const char* sha256,
                                                     const char* input_name, const char* output_names) {
    if (!g_candidate.present) return refuse("no model card is loaded");
    const stratum::ModelCard& c = g_candidate.card;
    if (!c.onnx_sha256.empty() && c.onnx_sha256 != sha256)
        return refuse(g_candidate.source + ": the .onnx file is not the one the card describes (its sha256 is " +
                      std::string(sha256) + ", the card says " + c.onnx_sha256 + ")");
    if (c.input_name != input_name)
        return refuse(g_candidate.source + ": the graph's input is \"" + std::string(input_name) + "\", the card says \"" +
                      c.input_name + "\"");
    // output_names: the session's outputs, comma-separated. The card's latent and every extra score must be there.
    const std::string outputs = std::string(",") + output_names + ",";
    for (const stratum::ScoreSpec& spec : stratum::card_scores(c))
        if (outputs.find("," + spec.output + ",") == std::string::npos)
            return refuse(g_candidate.source + ": the graph has no output \"" + spec.output + "\" (the card's " + spec.name +
                          " score); its outputs are " + std::string(output_names));
    ModelState& m = app().model;
    const bool replacing = m.card_loaded;
    if (replacing && !app().rows.empty()) {
        clear_rows();
        app().notice = "model changed: drop the images again to score them with " + c.name;
    }
    m.card = g_candidate.card;
    m.source = g_candidate.source;
    m.card_loaded = true;
    m.backend = backend;
    m.threads = threads;
    m.ready = true;
    m.error.clear();
    g_candidate = Candidate{};
    choose_score(stratum::score_index(m.card, m.card.default_score));  // parse_model_card checked the name
    return remember("");
}

// The session could not be opened (not ONNX, wrong shapes...). The previous model stays.
EMSCRIPTEN_KEEPALIVE void stratum_model_failed(const char* message) { refuse(message); }

// The backend changed (same model, new session).
EMSCRIPTEN_KEEPALIVE void stratum_backend_changed(const char* backend, int threads) {
    app().model.backend = backend;
    app().model.threads = threads;
}

EMSCRIPTEN_KEEPALIVE void stratum_set_webgpu_available(int available) { app().model.webgpu_available = available != 0; }

}  // extern "C"
