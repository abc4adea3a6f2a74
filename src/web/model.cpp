#include "model.h"

#include <nlohmann/json.hpp>

#include "error.h"
#include "graph_check.h"
#include "pipeline.h"
#include "maps.h"
#include "state.h"

namespace web {
namespace {

struct Candidate {
    bool present = false;
    stratum::ModelCard card;
    std::string source;
};
Candidate g_candidate;

std::string refuse(const std::string& problem) {
    app().model.error = problem;
    g_candidate = Candidate{};
    return problem;
}

}  // namespace

std::string load_card(const std::string& source, const std::string& json_text) {
    try {
        g_candidate.card = stratum::parse_model_card(json_text);
        g_candidate.source = source;
        g_candidate.present = true;
        return "";
    } catch (const stratum::Error& e) {
        return refuse(source + ": " + e.what());
    }
}

std::string check_graph(const std::string& probe_json) {
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
    return why.empty() ? "" : refuse(g_candidate.source + ": " + why);
}

std::string model_ready(const std::string& backend, int threads, const std::string& backend_note) {
    if (!g_candidate.present) return refuse("no model card is loaded");
    const stratum::ModelCard& c = g_candidate.card;
    ModelState& m = app().model;
    if (m.card_loaded && !app().rows.empty()) {
        clear_rows();
        app().notice = "model changed: the files are scored again with " + c.name;  // web/pipeline.js adds them again
    }
    m.card = g_candidate.card;
    m.source = g_candidate.source;
    m.card_loaded = true;
    m.backend = backend;
    m.backend_note = backend_note;
    m.threads = threads;
    m.ready = true;
    m.error.clear();
    g_candidate = Candidate{};
    choose_score(stratum::score_index(m.card, m.card.default_score));  // parse_model_card checked the name
    forget_maps();
    maps().choice = m.card.maps.empty() ? 0 : stratum::map_index(m.card, m.card.default_map);
    return "";
}

void model_failed(const std::string& message) { refuse(message); }

void backend_changed(const std::string& backend, int threads, const std::string& backend_note) {
    app().model.backend = backend;
    app().model.backend_note = backend_note;
    app().model.threads = threads;
}

void set_webgpu_available(bool available) { app().model.webgpu_available = available; }

}  // namespace web
