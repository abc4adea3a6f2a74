// The C++ side of the bridge to ONNX Runtime Web (web/app.js): inputs leave through an EM_JS call,
// latents come back through exported C functions. No Asyncify: the page never blocks on inference.
#pragma once
#include <cstddef>

namespace web {

// Hands one batch to the encoder; the answer arrives in stratum_on_latents or stratum_on_run_error.
void run_encoder(int request_id, const float* tensor, int n, int c, int h, int w);

// Shows the browser's file picker; the chosen files arrive like dropped ones.
void open_file_picker();

}  // namespace web
