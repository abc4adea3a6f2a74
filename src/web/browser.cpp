#include "browser.h"

#include <emscripten.h>

EM_JS(void, js_call_bridge, (const char* method, const char* argument), {
    globalThis.stratumBridge[UTF8ToString(method)](UTF8ToString(argument));
});

EM_JS(void, js_download, (const char* name, const char* mime, const char* text), {
    globalThis.stratumBridge.download(UTF8ToString(name), UTF8ToString(mime), UTF8ToString(text));
});

namespace web {

void open_file_picker() { js_call_bridge("pickFiles", ""); }
void open_folder_picker() { js_call_bridge("pickFolder", ""); }
void open_model_picker() { js_call_bridge("pickModel", ""); }
void load_demo() { js_call_bridge("loadDemo", ""); }
void switch_backend(const std::string& backend) { js_call_bridge("switchBackend", backend.c_str()); }
void request_maps() { js_call_bridge("mapsWanted", ""); }
void download_text(const std::string& file_name, const std::string& mime, const std::string& text) {
    js_download(file_name.c_str(), mime.c_str(), text.c_str());
}

}  // namespace web
