// The page's JavaScript: loads ONNX Runtime Web and the C++ app (stratum_web.js), reads dropped or
// picked files into the app, and runs the encoder for it. All computing of scores happens in C++.
import * as ort from './ort/ort.min.mjs';
import createStratum from './stratum_web.js';

const overlay = document.getElementById('overlay');
const canvas = document.getElementById('canvas');
const picker = document.getElementById('file-picker');
const params = new URLSearchParams(location.search);

function showOverlay(text, isError) {
  overlay.textContent = text;
  overlay.className = isError ? 'error' : '';
}

ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
// Threads need cross-origin isolation (COOP/COEP headers); without it ORT runs on one thread.
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(navigator.hardwareConcurrency || 1, 8) : 1;

let app = null;
let session = null;

async function openSession(bytes) {
  // WebGPU when an adapter exists (unless ?backend=wasm), WASM otherwise. Only one provider is
  // listed per attempt, so ORT cannot fall back silently: the backend we report is the one that runs.
  const wanted = params.get('backend');
  if (wanted !== 'wasm' && navigator.gpu) {
    try {
      const adapter = await navigator.gpu.requestAdapter();
      if (adapter) {
        const s = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
        return { session: s, backend: 'webgpu', threads: 1 };
      }
    } catch (error) {
      console.warn('stratum: WebGPU unavailable, using WASM:', error);
    }
  }
  const s = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  return { session: s, backend: 'wasm', threads: ort.env.wasm.numThreads };
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

async function fetchOk(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response;
}

async function loadModel(cardUrl) {
  try {
    const cardText = await (await fetchOk(cardUrl)).text();
    const cardError = app.ccall('stratum_load_card', 'string', ['string', 'string'], [cardUrl, cardText]);
    if (cardError) return;
    const card = JSON.parse(cardText);
    const onnxUrl = new URL(card.model_file, new URL(cardUrl, location.href)).href;
    const bytes = new Uint8Array(await (await fetchOk(onnxUrl)).arrayBuffer());
    const digest = await sha256Hex(bytes);
    const opened = await openSession(bytes);
    const problem = app.ccall('stratum_model_ready', 'string',
      ['string', 'number', 'string', 'string', 'string'],
      [opened.backend, opened.threads, digest, opened.session.inputNames[0], opened.session.outputNames[0]]);
    if (problem) {
      await opened.session.release();
      return;
    }
    if (session) await session.session.release();
    session = opened;
  } catch (error) {
    app.ccall('stratum_model_failed', null, ['string'], [`could not load ${cardUrl}: ${error.message || error}`]);
  }
}

// Called from C++ (src/web/ort_bridge.cpp) with a copy of one batch.
globalThis.stratumBridge = {
  async run(data, dims) {
    if (!session) throw new Error('no encoder is loaded');
    const s = session.session;
    const result = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', data, dims) });
    const latent = result[s.outputNames[0]];
    const values = latent.location === 'cpu' ? latent.data : await latent.getData();
    return { data: values, dims: latent.dims };
  },
  pickFiles() { picker.click(); },
};

// Files go to C++ one at a time; their bytes are copied there, so the buffer is freed at once.
async function addFiles(files) {
  for (const file of files) {
    const bytes = new Uint8Array(await file.arrayBuffer());
    const size = app.lengthBytesUTF8(file.name) + 1;
    const name = app._malloc(size);
    app.stringToUTF8(file.name, name, size);
    const data = app._malloc(Math.max(bytes.length, 1));
    app.HEAPU8.set(bytes, data);
    app._stratum_add_file(name, data, bytes.length);
    app._free(data);
    app._free(name);
  }
}

window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => {
  event.preventDefault();
  if (event.dataTransfer && event.dataTransfer.files.length) addFiles(Array.from(event.dataTransfer.files));
});
picker.addEventListener('change', () => {
  addFiles(Array.from(picker.files));
  picker.value = '';
});

try {
  app = await createStratum({
    canvas,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
  });
  overlay.className = 'hidden';
  globalThis.stratum = {
    results: () => JSON.parse(app.UTF8ToString(app._stratum_results_json())),
    addFiles,
    loadModel,
  };
  await loadModel(params.get('model') || 'models/default.json');
} catch (error) {
  showOverlay(`stratum could not start: ${error.message || error}`, true);
  throw error;
}
