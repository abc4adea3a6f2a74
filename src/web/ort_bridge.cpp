#include "ort_bridge.h"

#include <emscripten.h>

// The bridge object lives in web/app.js as globalThis.stratumBridge. HEAPF32 is re-read after the
// await, because memory may have grown while the encoder ran.
EM_JS(void, js_run_encoder, (int id, const float* ptr, int n, int c, int h, int w), {
    const count = n * c * h * w;
    const input = HEAPF32.slice(ptr >> 2, (ptr >> 2) + count);
    globalThis.stratumBridge.run(input, [n, c, h, w]).then(
        (latent) => {
            const out = _malloc(latent.data.length * 4);
            HEAPF32.set(latent.data, out >> 2);
            const extras = _malloc(Math.max(1, latent.extras.length) * 4);
            HEAPF32.set(latent.extras, extras >> 2);
            _stratum_on_latents(id, out, latent.dims[0], latent.dims[1], extras, latent.extraCount);
            _free(extras);
            _free(out);
        },
        (error) => {
            const text = String((error && error.message) || error);
            const size = lengthBytesUTF8(text) + 1;
            const msg = _malloc(size);
            stringToUTF8(text, msg, size);
            _stratum_on_run_error(id, msg);
            _free(msg);
        });
});

EM_JS(void, js_call_bridge, (const char* method, const char* argument), {
    globalThis.stratumBridge[UTF8ToString(method)](UTF8ToString(argument));
});

EM_JS(void, js_download, (const char* name, const char* mime, const char* text), {
    globalThis.stratumBridge.download(UTF8ToString(name), UTF8ToString(mime), UTF8ToString(text));
});

namespace web {

void run_encoder(int request_id, const float* tensor, int n, int c, int h, int w) {
    js_run_encoder(request_id, tensor, n, c, h, w);
}

void open_file_picker() { js_call_bridge("pickFiles", ""); }
void open_folder_picker() { js_call_bridge("pickFolder", ""); }
void open_model_picker() { js_call_bridge("pickModel", ""); }
void load_demo() { js_call_bridge("loadDemo", ""); }
void switch_backend(const std::string& backend) { js_call_bridge("switchBackend", backend.c_str()); }
void download_text(const std::string& file_name, const std::string& mime, const std::string& text) {
    js_download(file_name.c_str(), mime.c_str(), text.c_str());
}

}  // namespace web
