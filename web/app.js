// The page's JavaScript: loads ONNX Runtime Web and the C++ app (stratum_web.js), hands dropped or
// picked files to the file queue (pipeline.js), runs the encoder, and hands downloads to the browser.
// Every score is computed in C++ (src/core, compiled to wasm); nothing here sends data anywhere.
import * as ort from './ort/ort.min.mjs';
import createStratum from './stratum_web.js';
import { bindCore } from './core.js';
import { DecodePool } from './decode_pool.js';
import { FilePipeline } from './pipeline.js';

const overlay = document.getElementById('overlay');
const canvas = document.getElementById('canvas');
const pickers = {
  files: document.getElementById('file-picker'),
  folder: document.getElementById('folder-picker'),
  model: document.getElementById('model-picker'),
};
const params = new URLSearchParams(location.search);

// The wheel in notches, down negative (100 pixels, 3 lines or one page a notch), for the C++ to take
// (src/web/main.cpp): registered before the app's own listeners, so it sees each event first.
const wheel = { x: 0, y: 0 };
canvas.addEventListener('wheel', (event) => {
  const per = event.deltaMode === 1 ? 3 : event.deltaMode === 2 ? 1 : 100;
  wheel.x -= event.deltaX / per;
  wheel.y -= event.deltaY / per;
}, { capture: true, passive: true });
globalThis.stratumTakeWheel = () => {
  const taken = [wheel.x, wheel.y];
  wheel.x = wheel.y = 0;
  return taken;
};

function showOverlay(text, isError) {
  overlay.textContent = text;
  overlay.className = isError ? 'error' : '';
}

ort.env.wasm.wasmPaths = new URL('./ort/', import.meta.url).href;
// Threads need cross-origin isolation (COOP/COEP headers); without it ORT runs on one thread.
// ?threads=N asks for fewer (the benchmarks compare 1 thread with all).
const cores = navigator.hardwareConcurrency || 1;
ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(Number(params.get('threads')) || cores, cores, 8)) : 1;
// Decoding runs in workers, one per core (at most 4): the encoder waits for them when files are large,
// and the browser shares the cores with the page and the encoder otherwise.
// ?decoders=N sets their number (the benchmarks compare).
const decodePool = new DecodePool(Math.max(1, Math.min(Number(params.get('decoders')) || cores, cores, 4)));

let core = null;         // the C++ app's exported functions (core.js)
let pipeline = null;     // the file queue (pipeline.js)
let session = null;      // { session, backend, threads, bytes, outputs: { latent, extras } }
// Whether WebGPU is worth trying here, and why: { usable, any, note }. A fallback adapter (a software
// renderer such as SwiftShader, what a machine without a GPU offers) scored about 40x slower than WASM
// when the page took it.
let webgpu = { usable: false, any: false, note: '' };

async function findWebGpu() {
  if (!navigator.gpu) return { usable: false, any: false, note: 'this browser offers no WebGPU' };
  try {
    const adapter = await navigator.gpu.requestAdapter();
    if (!adapter) return { usable: false, any: false, note: 'no WebGPU adapter' };
    const info = adapter.info || (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
    const name = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || 'unnamed';
    if (adapter.isFallbackAdapter || info.isFallbackAdapter)
      return { usable: false, any: true, note: `the only WebGPU adapter is a software fallback (${name})` };
    return { usable: true, any: true, note: `WebGPU adapter: ${name}` };
  } catch (error) {
    return { usable: false, any: false, note: `WebGPU failed: ${error.message || error}` };
  }
}

// `bytes` are copied: ONNX Runtime's WASM proxy takes (detaches) the buffer it is given, and the page
// keeps the graph to open it again (a backend switch).
async function createSession(graph, backend) {
  const bytes = graph.slice();
  if (backend === 'webgpu') return ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
  // No spinning: ORT's idle threads would otherwise busy-wait for work, taking the cores the page, the
  // decode workers and the compositor need (bench/: frame p95 50 -> 33 ms, same images per second).
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'], extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
}

// Images per second of a session on one full batch of the card's input (after a warm-up run).
async function measure(s, card, outputs) {
  const { channels, height, width } = card.input;
  const dims = [32, channels, height, width];
  const input = () => new ort.Tensor('float32', new Float32Array(dims.reduce((x, y) => x * y)), dims);
  await s.run({ [s.inputNames[0]]: input() }, outputs);
  const start = performance.now();
  await s.run({ [s.inputNames[0]]: input() }, outputs);
  return 32000 / Math.max(performance.now() - start, 1e-3);
}

// One execution provider per session, so ORT cannot fall back silently: the backend we report is the
// one that runs. `wanted`: 'wasm' or 'webgpu' (a link's ?backend= or the status bar's button), else
// the faster of the two on a measured batch when a real WebGPU adapter is there. Returns { session,
// backend, threads, bytes, note } (note: why this backend).
async function openSession(bytes, wanted, card) {
  const wasm = () => ({ backend: 'wasm', threads: ort.env.wasm.numThreads, bytes });
  if (wanted === 'wasm') return { session: await createSession(bytes, 'wasm'), ...wasm(), note: 'WASM as asked' };
  if (wanted === 'webgpu' || (webgpu.usable && !card)) {
    if (webgpu.any) {
      try {
        return { session: await createSession(bytes, 'webgpu'), backend: 'webgpu', threads: 1, bytes,
          note: wanted === 'webgpu' ? `WebGPU as asked (${webgpu.note})` : webgpu.note };
      } catch (error) {
        return { session: await createSession(bytes, 'wasm'), ...wasm(), note: `WebGPU could not run this model (${error.message || error})` };
      }
    }
    return { session: await createSession(bytes, 'wasm'), ...wasm(), note: `WebGPU asked for, but ${webgpu.note}` };
  }
  if (!webgpu.usable) return { session: await createSession(bytes, 'wasm'), ...wasm(), note: webgpu.note };
  // A real adapter: the faster on one measured batch.
  const outputs = (() => { const o = outputsOf(card); return [o.latent, ...o.extras]; })();
  const cpu = await createSession(bytes, 'wasm');
  let gpu = null;
  try {
    gpu = await createSession(bytes, 'webgpu');
    const [gpuRate, cpuRate] = [await measure(gpu, card, outputs), await measure(cpu, card, outputs)];
    const figures = `WebGPU ${gpuRate.toFixed(0)} against WASM ${cpuRate.toFixed(0)} images/s on a batch of 32`;
    if (gpuRate > cpuRate) {
      await cpu.release();
      return { session: gpu, backend: 'webgpu', threads: 1, bytes, note: `faster here: ${figures}` };
    }
    await gpu.release();
    // With a WebGPU adapter ONNX Runtime's WASM worker (the proxy) is off, so WASM runs on the page's
    // main thread: the UI may pause during each batch. Said, not hidden.
    return { session: cpu, ...wasm(), note: `faster here: ${figures}; it runs on the page's main thread beside WebGPU` };
  } catch (error) {
    if (gpu) await gpu.release();
    return { session: cpu, ...wasm(), note: `WebGPU could not run this model (${error.message || error})` };
  }
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

// The graph outputs a card names: the latent, then one per extra score (feature, reconstruction...),
// each with its values per image: 1, or the size of the feature vector a neighbour-bank or Gaussian
// score reads (ExtraScore::output_width in the core).
function outputsOf(card) {
  const scores = card.extra_scores || [];
  return {
    latent: card.output.name,
    extras: scores.map((x) => x.output),
    widths: scores.map((x) => (x.neighbours ? x.neighbours.center.length : x.gaussian ? x.gaussian.mean.length : 1)),
    maps: (card.maps || []).map((m) => m.output),
  };
}

const valuesOf = async (tensor) => (tensor.location === 'cpu' ? tensor.data : tensor.getData());

// What the session says of itself, and its outputs for two mid-grey images of the card's input size:
// the core checks them against the card (stratum_check_graph, src/core/graph_check.h), as the CLI does.
async function probeGraph(s, card, digest) {
  const { channels, height, width } = card.input;
  const outputs = outputsOf(card);
  const wanted = [outputs.latent, ...outputs.extras];
  const probe = { sha256: digest, input_name: s.inputNames[0], output_names: s.outputNames, run_error: '', outputs: [] };
  if (!wanted.every((name) => s.outputNames.includes(name))) return probe;  // the core names the missing one
  try {
    const input = new ort.Tensor('float32', new Float32Array(2 * channels * height * width), [2, channels, height, width]);
    const result = await s.run({ [s.inputNames[0]]: input }, wanted);
    for (const name of wanted) {
      const values = await valuesOf(result[name]);
      probe.outputs.push({ name, dims: Array.from(result[name].dims), finite: Array.from(values).every(Number.isFinite) });
    }
  } catch (error) {
    probe.run_error = `${error.message || error}`;
  }
  return probe;
}

// Card first (validated in C++), then the graph; the model in use is replaced only when both agree.
// One model change at a time (the C++ holds one candidate card, and the swap pauses the queue): a
// second load waits for the first to finish.
let modelChanges = Promise.resolve();
function useModel(source, cardText, loadGraph) {
  const change = modelChanges.then(() => changeModel(source, cardText, loadGraph));
  modelChanges = change.catch(() => {});
  return change;
}

async function changeModel(source, cardText, loadGraph) {
  try {
    if (core.loadCard(source, cardText)) return false;
    const card = JSON.parse(cardText);
    const bytes = await loadGraph(card.model_file);
    const digest = await sha256Hex(bytes);
    let opened;
    try {
      opened = await openSession(bytes, params.get('backend'), card);
    } catch (error) {
      core.modelFailed(`${source}: not a usable ONNX graph (${error.message || error})`);
      return false;
    }
    const probe = await probeGraph(opened.session, card, digest);
    if (core.checkGraph(probe)) {
      await opened.session.release();
      return false;
    }
    // The batch with the old session comes back first; its rows are then cleared with the old model.
    await pipeline.pause();
    const clears = core.clears();
    if (core.modelReady(opened.backend, opened.threads, opened.note)) {
      pipeline.resume();
      await opened.session.release();
      return false;
    }
    const old = session;
    opened.outputs = outputsOf(card);
    session = opened;
    // A model in place of another clears the rows: the files in the table are scored again with the
    // new one. The first model clears nothing, and the files waiting for it simply go on.
    if (core.clears() !== clears) pipeline.scoreAgain(...pipeline.takeFiles({ cleared: true }));
    pipeline.resume();
    if (old) await old.session.release().catch((error) => console.warn('stratum: releasing the old session:', error));
    return true;
  } catch (error) {
    pipeline.resume();
    core.modelFailed(`could not load ${source}: ${error.message || error}`);
    return false;
  }
}

function loadModelFromUrl(cardUrl) {
  return fetchOk(cardUrl).then((r) => r.text()).then((cardText) => useModel(cardUrl, cardText, async (file) => {
    const url = new URL(file, new URL(cardUrl, location.href)).href;
    return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
  })).catch((error) => {
    core.modelFailed(`could not load ${cardUrl}: ${error.message || error}`);
    return false;
  });
}

async function loadModelFromFiles(files) {
  const card = files.find((f) => /\.json$/i.test(f.name));
  const graph = files.find((f) => /\.onnx$/i.test(f.name));
  if (!card || !graph) {
    core.modelFailed('a model is a .onnx file and its .json card: drop or pick both');
    return false;
  }
  return useModel(`${graph.name} + ${card.name}`, await card.text(), async () => new Uint8Array(await graph.arrayBuffer()));
}

// The batch with the old session comes back before it is released: files keep scoring across a switch.
async function switchBackend(backend) {
  if (!session) return;
  const before = session;
  const opened = await openSession(before.bytes, backend);
  await pipeline.pause();
  if (session !== before) {  // another model came in meanwhile: this session is of the old one
    pipeline.resume();
    await opened.session.release();
    return;
  }
  const old = session;
  opened.outputs = old.outputs;
  session = opened;
  core.backendChanged(opened.backend, opened.threads, opened.note);
  pipeline.resume();
  await old.session.release();
}

// Sorts what the user gave us: a model (.onnx + .json), a labels CSV, or images (anything else is
// handed to the core too, which names what is wrong with it).
async function addFiles(given) {
  // Hidden files (.DS_Store, ._name from macOS, anything under a dot folder) are passed over, as the
  // command line's folder listing does.
  const entries = given.filter(({ path }) => !path.split('/').some((part) => part.startsWith('.')));
  const models = entries.filter(({ file }) => /\.(onnx|json)$/i.test(file.name));
  if (models.some(({ file }) => /\.onnx$/i.test(file.name))) await loadModelFromFiles(models.map(({ file }) => file));
  const labels = entries.filter(({ file }) => /\.csv$/i.test(file.name));
  const images = entries.filter(({ file }) => !/\.(onnx|json|csv)$/i.test(file.name));
  // The File itself goes to the worker, which reads it there: the main thread never copies the bytes.
  pipeline.add(images.map(({ path, relative, file }) => ({ path, relative, size: file.size, read: async () => file })));
  // After the images, so that a CSV dropped with them (or inside a picked folder) labels them.
  for (const { file } of labels) pipeline.addLabels(await file.text());
}

// Walks dropped folders (webkitGetAsEntry); paths keep their folders so labels can come from them.
async function entriesFromDrop(transfer) {
  const out = [];
  // `prefix` starts with the dropped folder's own name; `relative` is the path below it.
  const walk = async (entry, prefix) => {
    if (entry.isFile) {
      const file = await new Promise((resolve, reject) => entry.file(resolve, reject));
      out.push({ path: prefix + file.name, relative: prefix.split('/').slice(1).join('/') + file.name, file });
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
        if (!batch.length) break;
        for (const child of batch) await walk(child, `${prefix}${entry.name}/`);
      }
    }
  };
  const items = Array.from(transfer.items || []).map((item) => item.webkitGetAsEntry && item.webkitGetAsEntry());
  if (items.length && items.every(Boolean)) {
    for (const entry of items) await walk(entry, '');
  } else {
    for (const file of Array.from(transfer.files)) out.push({ path: file.name, file });
  }
  return out;
}

async function loadDemo() {
  const manifest = await (await fetchOk('demo/manifest.json')).json();
  pipeline.add(manifest.files.map((path) => ({ path, read: async () => (await fetchOk(`demo/${path}`)).arrayBuffer() })));
}

// One batch through the session in use: the latents [n, d] and every extra output the card reads,
// output after output in card order (n x width each), as the C++ takes them (stratum_batch_done).
async function encode(data, dims) {
  if (!session) throw new Error('no encoder is loaded');
  const s = session.session;
  const { outputs } = session;
  const result = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', data, dims) }, [outputs.latent, ...outputs.extras]);
  const latent = result[outputs.latent];
  const latents = await valuesOf(latent);
  const blocks = [];
  for (const name of outputs.extras) blocks.push(await valuesOf(result[name]));
  const extras = new Float32Array(blocks.reduce((sum, b) => sum + b.length, 0));
  blocks.reduce((at, b) => (extras.set(b, at), at + b.length), 0);
  return { latents, dims: latent.dims, extras };
}

// One image's reconstruction and every map the card lists (src/web/maps.h): { reconstructed, maps },
// the maps' outputs one after another in card order.
async function encodeMaps(data, dims) {
  if (!session) throw new Error('no encoder is loaded');
  const s = session.session;
  const { outputs } = session;
  if (!outputs.maps.length) throw new Error('this model has no anomaly maps');
  const result = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', data, dims) }, ['reconstructed', ...outputs.maps]);
  const reconstructed = await valuesOf(result.reconstructed);
  const blocks = [];
  for (const name of outputs.maps) blocks.push(await valuesOf(result[name]));
  const maps = new Float32Array(blocks.reduce((sum, b) => sum + b.length, 0));
  blocks.reduce((at, b) => (maps.set(b, at), at + b.length), 0);
  return { reconstructed, maps };
}

// For bench/: the encoder alone, as the page runs it, on a fixed pseudo-random batch: images per second
// over at least `seconds` (after two warm-up runs).
async function benchEncoder(batch, seconds) {
  const spec = core.inputSpec();
  const dims = [batch, spec.channels, spec.height, spec.width];
  const data = new Float32Array(dims.reduce((a, b) => a * b));
  for (let i = 0, x = 1; i < data.length; i++) data[i] = ((x = (x * 48271) % 2147483647) / 2147483647) * 2 - 1;
  // A copy per run, as the page's batches are: with the WASM proxy, ONNX Runtime takes the buffer.
  for (let i = 0; i < 2; i++) await encode(data.slice(), dims);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 3) {
    await encode(data.slice(), dims);
    runs++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { images_per_s: (runs * batch) / elapsed, runs, backend: session.backend, threads: session.threads };
}

// Called from C++ (src/web/browser.cpp).
globalThis.stratumBridge = {
  // The fallback fonts (src/web/fonts.h), fetched from this site once a file name needs them.
  loadFonts() {
    ['fonts/wqy-microhei.ttc', 'fonts/Symbola.ttf'].forEach((url, index) => fetchOk(url)
      .then((r) => r.arrayBuffer()).then((bytes) => core.addFallbackFont(index, new Uint8Array(bytes)))
      .catch((error) => console.warn(`stratum: ${url}: ${error.message || error}`)));
  },
  pickFiles() { pickers.files.click(); },
  pickFolder() { pickers.folder.click(); },
  pickModel() { pickers.model.click(); },
  loadDemo() { loadDemo().catch((e) => console.error('stratum demo:', e)); },
  switchBackend(backend) { switchBackend(backend).catch((e) => console.error('stratum backend:', e)); },
  mapsWanted() { if (pipeline) pipeline.wantMaps(); },
  download(name, mime, text) {
    const url = URL.createObjectURL(new Blob([text], { type: mime }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
};

window.addEventListener('dragover', (event) => event.preventDefault());
window.addEventListener('drop', (event) => {
  event.preventDefault();
  if (event.dataTransfer) entriesFromDrop(event.dataTransfer).then(addFiles);
});
pickers.files.addEventListener('change', () => {
  addFiles(Array.from(pickers.files.files, (file) => ({ path: file.name, file })));
  pickers.files.value = '';
});
pickers.folder.addEventListener('change', () => {
  // webkitRelativePath starts with the chosen folder's own name; labels come from the folder above each file.
  // Every file goes to the core, which reads images by their content and names what is wrong with the rest.
  addFiles(Array.from(pickers.folder.files, (file) => {
    const path = file.webkitRelativePath || file.name;
    return { path, relative: path.split('/').slice(1).join('/') || path, file };
  }));
  pickers.folder.value = '';
});
pickers.model.addEventListener('change', () => {
  loadModelFromFiles(Array.from(pickers.model.files));
  pickers.model.value = '';
});

try {
  core = bindCore(await createStratum({
    canvas,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
  }));
  pipeline = new FilePipeline({ core, decode: (input, spec, view) => decodePool.decode(input, spec, view), encode, encodeMaps });
  overlay.className = 'hidden';
  webgpu = await findWebGpu();
  // On WASM, ONNX Runtime runs in a worker of its own (proxy), so the page's main loop never waits for
  // a batch. The proxy cannot drive WebGPU, so it is used only when WASM is what the page will run.
  ort.env.wasm.proxy = params.get('backend') === 'wasm' || !webgpu.usable;
  core.setWebGpuAvailable(webgpu.usable);
  // Probes for the end-to-end tests and bench/.
  globalThis.stratum = {
    results: core.results,
    csv: core.csv,
    latents: core.latents,
    report: core.report,
    maps: core.maps,
    ui: core.ui,
    progress: core.progress,
    frameStats: core.frameStats,
    resetFrameStats: core.resetFrameStats,
    missingGlyphs: core.missingGlyphs,
    memory: () => ({ wasm_bytes: core.memoryBytes(), js_heap_bytes: performance.memory ? performance.memory.usedJSHeapSize : 0 }),
    decoders: () => ({ workers: decodePool.size, recycled: decodePool.recycled, respawns: decodePool.respawns }),
    pipeline: () => ({ ...pipeline.stats }),
    benchEncoder,
    addFiles,
    loadModelFromUrl,
  };
  await loadModelFromUrl(params.get('model') || 'models/default.json');
} catch (error) {
  showOverlay(`stratum could not start: ${error.message || error}`, true);
  throw error;
}
