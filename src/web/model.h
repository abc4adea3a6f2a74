// Loading a model into the page, in three steps that web/app.js drives: the card (validated by the
// core), the graph's facts checked against it (stratum::graph_mismatch, as the CLI checks its graphs),
// then the swap. Whatever fails, the previous model stays. App logic: no emscripten, ImGui or GL.
#pragma once
#include <string>

namespace web {

// Step 1: the card's JSON text. Returns "" when it is valid, else the reason (also ModelState::error).
std::string load_card(const std::string& source, const std::string& json_text);
// Step 2: what web/app.js learnt of the graph, as JSON ({"sha256", "input_name", "output_names",
// "run_error", "outputs": [{"name", "dims", "finite"}]}: its outputs for two mid-grey images). Returns ""
// or the reason the graph is not the card's.
std::string check_graph(const std::string& probe_json);
// Step 3: the checked candidate replaces the model in use; the old model's rows are cleared (clears()
// is bumped; web/pipeline.js adds the files again, to be scored with the new model), with a notice.
// Returns "" or the reason (no candidate).
std::string model_ready(const std::string& backend, int threads, const std::string& backend_note);
// The session could not be opened (not ONNX, wrong shapes...). The previous model stays.
void model_failed(const std::string& message);
// The backend changed (same model, a new session).
void backend_changed(const std::string& backend, int threads, const std::string& backend_note);
void set_webgpu_available(bool available);

}  // namespace web
