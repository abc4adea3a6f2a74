// The C++ side of the bridge to web/app.js: inputs leave through EM_JS calls, answers come back
// through exported C functions. No Asyncify: the page never blocks on JavaScript promises.
#pragma once
#include <string>

namespace web {

// Hands one batch to the encoder; the answer arrives in stratum_on_latents or stratum_on_run_error.
void run_encoder(int request_id, const float* tensor, int n, int c, int h, int w);

void open_file_picker();    // images; they arrive like dropped ones
void open_folder_picker();  // a whole folder (its subfolder names become labels)
void open_model_picker();   // a .onnx and its .json card
void load_demo();           // the demo images shipped with the page
void switch_backend(const std::string& backend);  // "webgpu" or "wasm": reopens the session
// Hands text to the browser as a download; nothing leaves the machine.
void download_text(const std::string& file_name, const std::string& mime, const std::string& text);

}  // namespace web
