// Loading a model: web/app.js fetches or reads the card and the graph; the core validates the card
// here, and the session's facts (digest, tensor names, its outputs for two grey images) are checked
// against it (stratum::graph_mismatch) before it replaces the model in use. Whatever fails, the
// previous model stays.
#include <emscripten.h>

#include <string>

#include <nlohmann/json.hpp>

#include "error.h"
#include "graph_check.h"
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

// Step 2: the encoder session is open and has run the probe images. `probe_json` is what web/app.js
// learnt of the graph ({"sha256", "input_name", "output_names", "run_error", "outputs": [{"name",
// "dims", "finite"}]}), checked against the card by the core (stratum::graph_mismatch), as the CLI
// checks its graphs. Returns "" or the reason (the previous model stays).
EMSCRIPTEN_KEEPALIVE const char* stratum_check_graph(const char* probe_json) {
    if (!g_candidate.present) return refuse("no model card is loaded");
    stratum::GraphProbe probe;
    try {
        const nlohmann::json j = nlohmann::json::parse(probe_json);
        probe.sha256 = j.at("sha256").get<std::string>();
        probe.input_name = j.at("input_name").get<std::string>();
        probe.output_names = j.at("output_names").get<std::vector<std::string>>();
        probe.run_error = j.at("run_error").get<std::string>();
        for (const nlohmann::json& o : j.at("outputs"))
            probe.outputs.push_back({o.at("name").get<std::string>(), o.at("dims").get<std::vector<std::int64_t>>(),
                                     o.at("finite").get<bool>()});
    } catch (const std::exception& e) {
        return refuse(g_candidate.source + ": internal: the graph probe could not be read (" + e.what() + ")");
    }
    const std::string why = stratum::graph_mismatch(g_candidate.card, probe);
    return why.empty() ? remember("") : refuse(g_candidate.source + ": " + why);
}

// Step 3: the checked candidate replaces the model in use (scores of the old model are cleared).
EMSCRIPTEN_KEEPALIVE const char* stratum_model_ready(const char* backend, int threads) {
    if (!g_candidate.present) return refuse("no model card is loaded");
    const stratum::ModelCard& c = g_candidate.card;
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
