// What the C++ asks of the browser, through web/app.js (globalThis.stratumBridge): the file and
// model pickers, the demo, the encoder's backend, downloads. Answers come back through the exported
// functions (exports.cpp). No Asyncify: the page never blocks on JavaScript promises.
#pragma once
#include <string>

namespace web {

void open_file_picker();    // images; they arrive like dropped ones
void open_folder_picker();  // a whole folder (its subfolder names become labels)
void open_model_picker();   // a .onnx and its .json card
void load_demo();           // the demo images shipped with the page
void switch_backend(const std::string& backend);  // "webgpu" or "wasm": reopens the session once the batch in flight is back
// Some map waits to be made (maps.h): web/pipeline.js takes the requests.
void request_maps();
// Hands text to the browser as a download; nothing leaves the machine.
void download_text(const std::string& file_name, const std::string& mime, const std::string& text);

}  // namespace web
