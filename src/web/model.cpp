// Loading a model: web/app.js fetches the card and the graph; the core validates the card here, and
// the session's facts (backend, digest, tensor names) are checked against it before scoring starts.
#include <emscripten.h>

#include <string>

#include "error.h"
#include "state.h"

using namespace web;

namespace {
const char* remember(std::string message) {
    static std::string last;
    last = std::move(message);
    return last.c_str();
}
}  // namespace

extern "C" {

// Returns "" when the card is valid, else the reason. A failed load keeps the previous model.
EMSCRIPTEN_KEEPALIVE const char* stratum_load_card(const char* url, const char* json_text) {
    ModelState& m = app().model;
    try {
        stratum::ModelCard card = stratum::parse_model_card(json_text);
        m.card = std::move(card);
        m.card_url = url;
        m.card_loaded = true;
        m.ready = false;
        m.error.clear();
        return remember("");
    } catch (const stratum::Error& e) {
        m.error = std::string(url) + ": " + e.what();
        return remember(m.error);
    }
}

// The encoder session is open. Checks it is the graph the card describes; returns "" or the reason.
EMSCRIPTEN_KEEPALIVE const char* stratum_model_ready(const char* backend, int threads, const char* sha256,
                                                     const char* input_name, const char* output_name) {
    ModelState& m = app().model;
    std::string problem;
    if (!m.card_loaded) problem = "no model card is loaded";
    else if (!m.card.onnx_sha256.empty() && m.card.onnx_sha256 != sha256)
        problem = "the .onnx file is not the one the card describes (sha256 " + std::string(sha256) + ", card " +
                  m.card.onnx_sha256 + ")";
    else if (m.card.input_name != input_name)
        problem = "graph input is \"" + std::string(input_name) + "\", the card says \"" + m.card.input_name + "\"";
    else if (m.card.output_name != output_name)
        problem = "graph output is \"" + std::string(output_name) + "\", the card says \"" + m.card.output_name + "\"";
    if (!problem.empty()) {
        m.ready = false;
        m.error = problem;
        return remember(problem);
    }
    m.backend = backend;
    m.threads = threads;
    m.ready = true;
    m.error.clear();
    return remember("");
}

EMSCRIPTEN_KEEPALIVE void stratum_model_failed(const char* message) {
    ModelState& m = app().model;
    m.ready = false;
    m.error = message;
}

}  // extern "C"
