// The page's JavaScript: loads ONNX Runtime Web and the C++ app (stratum_web.js), reads dropped or
// picked files into the app, runs the encoder for it, and hands downloads to the browser. Every score
// is computed in C++ (src/core, compiled to wasm); nothing here sends data anywhere.
import * as ort from './ort/ort.min.mjs';
import createStratum from './stratum_web.js';
import { DecodePool } from './decode_pool.js';

const overlay = document.getElementById('overlay');
const canvas = document.getElementById('canvas');
const pickers = {
  files: document.getElementById('file-picker'),
  folder: document.getElementById('folder-picker'),
  model: document.getElementById('model-picker'),
};
const params = new URLSearchParams(location.search);

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
const decodePool = new DecodePool(Math.max(1, Math.min(cores, 4)));

let app = null;
let session = null;      // { session, backend, threads, bytes, outputs: { latent, extras } }
let webgpuAdapter = false;

async function hasWebGpu() {
  if (!navigator.gpu) return false;
  try {
    return !!(await navigator.gpu.requestAdapter());
  } catch {
    return false;
  }
}

// One execution provider per attempt, so ORT cannot fall back silently: the backend we report is the
// one that runs.
async function openSession(bytes, wanted) {
  if (wanted !== 'wasm' && webgpuAdapter) {
    try {
      const s = await ort.InferenceSession.create(bytes, { executionProviders: ['webgpu'] });
      return { session: s, backend: 'webgpu', threads: 1, bytes };
    } catch (error) {
      console.warn('stratum: WebGPU session failed, using WASM:', error);
    }
  }
  // No spinning: ORT's idle threads would otherwise busy-wait for work, taking the cores the page, the
  // decode workers and the compositor need (bench/: frame p95 50 -> 33 ms, same images per second).
  const s = await ort.InferenceSession.create(bytes, {
    executionProviders: ['wasm'], extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  return { session: s, backend: 'wasm', threads: ort.env.wasm.numThreads, bytes };
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
async function useModel(source, cardText, loadGraph) {
  try {
    if (app.ccall('stratum_load_card', 'string', ['string', 'string'], [source, cardText])) return false;
    const card = JSON.parse(cardText);
    const bytes = await loadGraph(card.model_file);
    const digest = await sha256Hex(bytes);
    let opened;
    try {
      opened = await openSession(bytes, params.get('backend'));
    } catch (error) {
      app.ccall('stratum_model_failed', null, ['string'], [`${source}: not a usable ONNX graph (${error.message || error})`]);
      return false;
    }
    const probe = await probeGraph(opened.session, card, digest);
    const problem = app.ccall('stratum_check_graph', 'string', ['string'], [JSON.stringify(probe)]) ||
      app.ccall('stratum_model_ready', 'string', ['string', 'number'], [opened.backend, opened.threads]);
    if (problem) {
      await opened.session.release();
      return false;
    }
    const old = session;
    opened.outputs = outputsOf(card);
    session = opened;
    if (old) await old.session.release();
    return true;
  } catch (error) {
    app.ccall('stratum_model_failed', null, ['string'], [`could not load ${source}: ${error.message || error}`]);
    return false;
  }
}

function loadModelFromUrl(cardUrl) {
  return fetchOk(cardUrl).then((r) => r.text()).then((cardText) => useModel(cardUrl, cardText, async (file) => {
    const url = new URL(file, new URL(cardUrl, location.href)).href;
    return new Uint8Array(await (await fetchOk(url)).arrayBuffer());
  })).catch((error) => {
    app.ccall('stratum_model_failed', null, ['string'], [`could not load ${cardUrl}: ${error.message || error}`]);
    return false;
  });
}

async function loadModelFromFiles(files) {
  const card = files.find((f) => /\.json$/i.test(f.name));
  const graph = files.find((f) => /\.onnx$/i.test(f.name));
  if (!card || !graph) {
    app.ccall('stratum_model_failed', null, ['string'], ['a model is a .onnx file and its .json card: drop or pick both']);
    return false;
  }
  return useModel(`${graph.name} + ${card.name}`, await card.text(), async () => new Uint8Array(await graph.arrayBuffer()));
}

async function switchBackend(backend) {
  if (!session) return;
  const opened = await openSession(session.bytes, backend);
  const old = session;
  opened.outputs = old.outputs;
  session = opened;
  await old.session.release();
  app.ccall('stratum_backend_changed', null, ['string', 'number'], [opened.backend, opened.threads]);
}

// Files on their way in: each is registered as a row at once (so the total is known), then read and
// decoded a few at a time. Reading stops ahead of the encoder: at most MAX_AHEAD files and MAX_BYTES
// read but not decoded, and at most MAX_DECODED decoded but not encoded, so 10,000 files or a folder of
// large photos keep memory bounded. Cancel (or Clear) bumps the generation in C++: the rest is dropped.
const MAX_AHEAD = 32;
const MAX_BYTES = 256e6;
const MAX_DECODED = 128;
const feed = { items: [], next: 0, running: false, active: 0, bytes: 0, wake: null };

function withString(text, use) {
  const size = app.lengthBytesUTF8(text) + 1;
  const pointer = app._malloc(size);
  app.stringToUTF8(text, pointer, size);
  try {
    return use(pointer);
  } finally {
    app._free(pointer);
  }
}

function withCopy(array, use) {
  const pointer = app._malloc(Math.max(array.byteLength, 1));
  app.HEAPU8.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), pointer);
  try {
    return use(pointer);
  } finally {
    app._free(pointer);
  }
}

// `read` returns the file (a Blob, read by the worker) or its bytes (an ArrayBuffer); `size` (bytes, if
// known) bounds what is read ahead; `relative` is the path below the dropped or picked folder (the
// label comes from it, as the CLI labels a folder's files).
function queueFiles(list) {
  const generation = app._stratum_generation();
  for (const { path, relative, read, size } of list) {
    const row = withString(path, (name) => withString(relative ?? path, (below) => app._stratum_add_file(name, below)));
    feed.items.push({ row, generation, read, size: size || 0 });
  }
  runFeeder();
}

function wakeFeeder() {
  const wake = feed.wake;
  feed.wake = null;
  if (wake) wake();
}

// A file's pages: the first fills the row registered for the file, the others get rows of their own
// ("cells.tif [page 2/12]", made in C++); a failure after some pages adds a row that says so.
function deliver(item, result) {
  const pages = result.pages || [];
  if (!pages.length) {
    withString(result.error || 'no image in the file', (message) => app._stratum_decode_failed(item.row, item.generation, message));
    return;
  }
  pages.forEach((page, k) => withCopy(page.tensor, (tensor) => withCopy(page.thumbnail, (thumbnail) => withString(page.note,
    (note) => app._stratum_add_page(item.row, item.generation, k, result.count, tensor, page.tensor.length, thumbnail,
      page.thumbnail.length, note)))));
  if (result.error) withString(result.error, (message) => app._stratum_add_failure(item.row, item.generation, message));
}

async function decodeOne(item, spec) {
  let result;
  try {
    result = await decodePool.decode(await item.read(), spec);
  } catch (error) {
    result = { error: `could not read the file: ${error.message || error}` };
  }
  if (item.generation === app._stratum_generation()) deliver(item, result);
  feed.active--;
  feed.bytes -= item.size;
  wakeFeeder();
}

async function runFeeder() {
  if (feed.running) return;
  feed.running = true;
  try {
    while (feed.next < feed.items.length) {
      const item = feed.items[feed.next];
      if (item.generation !== app._stratum_generation()) {
        feed.next++;
        continue;
      }
      const spec = app.UTF8ToString(app._stratum_input_spec_json());  // "" until a model is ready
      const full = feed.active >= MAX_AHEAD || (feed.active > 0 && feed.bytes + item.size > MAX_BYTES) ||
        app._stratum_decoded_backlog() >= MAX_DECODED;
      if (!spec || full) {
        await new Promise((resolve) => {
          feed.wake = resolve;
          setTimeout(resolve, 50);  // the encoder drains the backlog without telling us
        });
        continue;
      }
      feed.next++;
      feed.active++;
      feed.bytes += item.size;
      decodeOne(item, JSON.parse(spec));
    }
  } finally {
    feed.items = [];
    feed.next = 0;
    feed.running = false;
  }
}

// Sorts what the user gave us: a model (.onnx + .json), a labels CSV, or images (anything else is
// handed to the core too, which names what is wrong with it).
async function addFiles(given) {
  // Hidden files (.DS_Store, ._name from macOS, anything under a dot folder) are passed over, as the
  // command line's folder listing does.
  const entries = given.filter(({ path }) => !path.split('/').some((part) => part.startsWith('.')));
  const models = entries.filter(({ file }) => /\.(onnx|json)$/i.test(file.name));
  if (models.some(({ file }) => /\.onnx$/i.test(file.name))) await loadModelFromFiles(models.map(({ file }) => file));
  for (const { file } of entries.filter(({ file }) => /\.csv$/i.test(file.name)))
    app.ccall('stratum_load_labels', 'string', ['string'], [await file.text()]);
  const images = entries.filter(({ file }) => !/\.(onnx|json|csv)$/i.test(file.name));
  // The File itself goes to the worker, which reads it there: the main thread never copies the bytes.
  queueFiles(images.map(({ path, relative, file }) => ({ path, relative, size: file.size, read: async () => file })));
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
  queueFiles(manifest.files.map((path) => ({ path, read: async () => (await fetchOk(`demo/${path}`)).arrayBuffer() })));
}

// For bench/: the encoder alone, as the page runs it, on a fixed pseudo-random batch: images per second
// over at least `seconds` (after two warm-up runs).
async function benchEncoder(batch, seconds) {
  const spec = JSON.parse(app.UTF8ToString(app._stratum_input_spec_json()));
  const dims = [batch, spec.channels, spec.height, spec.width];
  const data = new Float32Array(dims.reduce((a, b) => a * b));
  for (let i = 0, x = 1; i < data.length; i++) data[i] = ((x = (x * 48271) % 2147483647) / 2147483647) * 2 - 1;
  // A copy per run, as the page's batches are: with the WASM proxy, ONNX Runtime takes the buffer.
  for (let i = 0; i < 2; i++) await globalThis.stratumBridge.run(data.slice(), dims);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 3) {
    await globalThis.stratumBridge.run(data.slice(), dims);
    runs++;
  }
  const elapsed = (performance.now() - start) / 1000;
  return { images_per_s: (runs * batch) / elapsed, runs, backend: session.backend, threads: session.threads };
}

// Called from C++ (src/web/ort_bridge.cpp).
globalThis.stratumBridge = {
  async run(data, dims) {
    if (!session) throw new Error('no encoder is loaded');
    const s = session.session;
    const { outputs } = session;
    const result = await s.run({ [s.inputNames[0]]: new ort.Tensor('float32', data, dims) }, [outputs.latent, ...outputs.extras]);
    const latent = result[outputs.latent];
    const values = await valuesOf(latent);
    // Each image's extra outputs side by side, in card order (k values per image in all).
    const n = latent.dims[0], k = outputs.widths.reduce((a, b) => a + b, 0);
    const extras = new Float32Array(n * k);
    for (let j = 0, at = 0; j < outputs.extras.length; at += outputs.widths[j], j++) {
      const values = await valuesOf(result[outputs.extras[j]]), width = outputs.widths[j];
      for (let i = 0; i < n; i++)
        for (let c = 0; c < width; c++) extras[i * k + at + c] = values[i * width + c];
    }
    setTimeout(wakeFeeder, 0);  // the backlog just shrank by a batch: read on
    return { data: values, dims: latent.dims, extras, extraCount: k };
  },
  pickFiles() { pickers.files.click(); },
  pickFolder() { pickers.folder.click(); },
  pickModel() { pickers.model.click(); },
  loadDemo() { loadDemo().catch((e) => console.error('stratum demo:', e)); },
  switchBackend(backend) { switchBackend(backend).catch((e) => console.error('stratum backend:', e)); },
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
  app = await createStratum({
    canvas,
    print: (text) => console.log(text),
    printErr: (text) => console.warn(text),
  });
  overlay.className = 'hidden';
  webgpuAdapter = await hasWebGpu();
  // On WASM, ONNX Runtime runs in a worker of its own (proxy), so the page's main loop never waits for
  // a batch. The proxy cannot drive WebGPU, so it is used only when WASM is what the page will run.
  ort.env.wasm.proxy = params.get('backend') === 'wasm' || !webgpuAdapter;
  app.ccall('stratum_set_webgpu_available', null, ['number'], [webgpuAdapter ? 1 : 0]);
  globalThis.stratum = {
    results: () => JSON.parse(app.UTF8ToString(app._stratum_results_json())),
    csv: () => app.UTF8ToString(app._stratum_results_csv()),
    latents: () => app.UTF8ToString(app._stratum_latents_tsv()),
    ui: () => JSON.parse(app.UTF8ToString(app._stratum_ui_marks_json())),
    progress: () => JSON.parse(app.UTF8ToString(app._stratum_progress_json())),
    frameStats: () => JSON.parse(app.UTF8ToString(app._stratum_frame_stats_json())),
    resetFrameStats: () => app._stratum_frame_stats_reset(),
    memory: () => ({ wasm_bytes: app.HEAPU8.length, js_heap_bytes: performance.memory ? performance.memory.usedJSHeapSize : 0 }),
    decoders: () => ({ workers: decodePool.size, recycled: decodePool.recycled, respawns: decodePool.respawns }),
    benchEncoder,
    addFiles,
    loadModelFromUrl,
  };
  await loadModelFromUrl(params.get('model') || 'models/default.json');
} catch (error) {
  showOverlay(`stratum could not start: ${error.message || error}`, true);
  throw error;
}
