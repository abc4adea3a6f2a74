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
            _stratum_on_latents(id, out, latent.dims[0], latent.dims[1]);
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

EM_JS(void, js_open_file_picker, (), { globalThis.stratumBridge.pickFiles(); });

namespace web {

void run_encoder(int request_id, const float* tensor, int n, int c, int h, int w) {
    js_run_encoder(request_id, tensor, n, c, h, w);
}

void open_file_picker() { js_open_file_picker(); }

}  // namespace web
