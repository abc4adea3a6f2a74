// The page's file queue, its one owner: files are registered as rows at once (so the total is known),
// read and decoded by the worker pool a few at a time, and their tensors kept here until they go to
// the encoder, a full batch at a time; the C++ (src/web/pipeline.cpp, through core.js) gets each page's
// thumbnail and note, the rows of each batch and the encoder's outputs, never a tensor. Nothing polls:
// every step follows an event (files added, a decode done, a batch back, a model ready).
//
// Memory stays bounded for 10,000 files or a folder of large photos: at most MAX_AHEAD files and
// MAX_BYTES read but not yet decoded, and no new decode while MAX_DECODED tensors wait for the encoder
// (a TIFF stack's pages all arrive at once, so stacks can exceed that by their page count). Cancel
// and Clear (in C++) bump the generation: what belongs to an older one is dropped here.
const MAX_AHEAD = 32;
const MAX_BYTES = 256e6;
const MAX_DECODED = 128;
const MAX_MAP_DECODES = 2;

export class FilePipeline {
  // core: bindCore(); decode(input, spec) -> Promise<{ pages: [{ tensor, thumbnail, note }], count, error }>;
  // encode(Float32Array, dims) -> Promise<{ latents, dims: [n, d], extras }> (extras: every extra output,
  // output after output in card order).
  // decode(input, spec, view) with `view` ({ page, side }) decodes one page again for its anomaly map:
  // { tensor, view, width, height, crop } or { error }; encodeMaps(Float32Array, dims) ->
  // Promise<{ reconstructed, maps }> (every card map's output, map after map).
  constructor({ core, decode, encode, encodeMaps }) {
    Object.assign(this, { core, decode, encode, encodeMaps });
    // Anomaly maps (src/web/maps.h), made only for what the page shows: requests taken from the C++,
    // pages decoded again for them, and at most MAX_MAP_DECODES decoding at once. A decoded map goes to
    // the encoder before the next batch: someone is looking at it.
    this.mapRequests = [];
    this.mapsDecoded = [];
    this.mapDecoding = 0;
    this.waiting = [];   // { row, generation, read, size }: registered, not yet being read, from waitingAt on
    this.waitingAt = 0;  // a moving head, not shift(): 10,000 files would make shift() quadratic
    this.generation = core.generation();
    this.files = new Map();  // every file in the table by its key (path and size), to score again when the model changes
    this.labels = [];    // the labels CSVs applied to them, in order
    this.clears = core.clears();
    this.active = 0;     // files being read and decoded
    this.bytes = 0;      // their sizes
    this.ready = [];     // { row, generation, tensor }: decoded pages waiting for the encoder
    this.inFlight = null;  // the batch with the encoder: a Promise
    this.paused = false;   // while the encoder's session is being replaced
    // For bench/: batches sent and the time the encoder had one; files decoded and their time in the
    // pool (from the read to the answer, several at once).
    this.stats = { batches: 0, encoderMs: 0, decodes: 0, decodeMs: 0 };
  }

  // `list`: [{ path, relative, read, size }]: `read` returns the file (a Blob, read by the worker) or its
  // bytes (an ArrayBuffer); `size` (bytes, if known) bounds what is read ahead; `relative` is the path
  // below the dropped or picked folder (the label comes from it, as the CLI labels a folder's files).
  add(list) {
    this.forgetIfCleared();
    const generation = this.core.generation();
    for (const file of list) {
      const { path, relative, read, size } = file;
      // A file already in the table (same path and size) is not added again (the C++ says so).
      const key = `${path}\n${size || 0}`;
      const row = this.core.addFile(path, relative ?? path, key);
      if (row < 0) continue;
      this.files.set(key, file);
      this.waiting.push({ row, generation, read, size: size || 0 });
    }
    this.step();
  }

  // The C++ has maps to make (src/web/maps.h, take_map_requests).
  wantMaps() {
    this.mapRequests.push(...this.core.takeMapRequests());
    this.step();
  }

  async decodeForMap(request, spec) {
    this.mapDecoding++;
    const file = this.files.get(request.key);
    let result;
    if (!file) {
      result = { error: 'the file is no longer in the table' };
    } else {
      try {
        result = await this.decode(await file.read(), spec, { page: request.page, side: request.side });
      } catch (error) {
        result = { error: `could not read the file again: ${error.message || error}` };
      }
    }
    this.mapDecoding--;
    if (result.error) this.core.mapFailed(request.id, result.error);
    else if (result.tensor.length !== spec.channels * spec.height * spec.width) this.core.mapFailed(request.id, 'decoded for another model input size');
    else this.mapsDecoded.push({ ...result, id: request.id });  // the worker's message id is not the row's
    this.step();
  }

  // One image through the graph's reconstruction and map outputs (a batch of one: a map is drawn,
  // not ranked, and agrees with the CLI's to 1e-3 either way).
  sendMap(spec) {
    const t = this.mapsDecoded.shift();
    this.inFlight = this.encodeMaps(t.tensor, [1, spec.channels, spec.height, spec.width]).then(
      (out) => this.core.mapDone(t.id, t.view, t.width, t.height, t.crop, out.reconstructed, out.maps),
      (error) => this.core.mapFailed(t.id, String((error && error.message) || error)));
    this.inFlight.finally(() => {
      this.inFlight = null;
      this.step();
    });
  }

  // A labels CSV (file,label) for the files in the table: applied now, and again after a model change.
  addLabels(csv) {
    this.forgetIfCleared();
    if (!this.core.loadLabels(csv)) this.labels.push(csv);
  }

  // After a model change (which clears the rows): every file again, with its labels, for the new model.
  scoreAgain(files, labels) {
    this.add(files);
    for (const csv of labels) this.addLabels(csv);
  }

  // The files and labels that were in the table before a model change cleared it (`cleared`: the C++
  // has already bumped its clears count), and forgets them.
  takeFiles({ cleared = false } = {}) {
    if (!cleared) this.forgetIfCleared();
    this.clears = this.core.clears();
    const taken = [[...this.files.values()], this.labels];
    this.files = new Map();
    this.labels = [];
    return taken;
  }

  forgetIfCleared() {
    const clears = this.core.clears();
    if (clears === this.clears) return;
    this.clears = clears;
    this.files = new Map();
    this.labels = [];
  }

  // Resolves once no batch is with the encoder, and holds the next one back until resume().
  async pause() {
    this.paused = true;
    while (this.inFlight) await this.inFlight.catch(() => {});
  }

  resume() {
    this.paused = false;
    this.step();
  }

  get waitingCount() { return this.waiting.length - this.waitingAt; }

  get busy() { return this.waitingCount > 0 || this.active > 0 || this.ready.length > 0 || !!this.inFlight; }

  step() {
    const generation = this.core.generation();
    if (generation !== this.generation) {  // Cancel or Clear: what was queued before is dropped
      this.generation = generation;
      this.waiting = this.waiting.slice(this.waitingAt).filter((w) => w.generation === generation);
      this.waitingAt = 0;
      this.ready = this.ready.filter((r) => r.generation === generation);
    }
    const spec = this.core.inputSpec();  // null until a model is ready
    if (!spec) return;
    while (this.waitingCount && this.active < MAX_AHEAD && this.ready.length < MAX_DECODED &&
           (this.active === 0 || this.bytes + this.waiting[this.waitingAt].size <= MAX_BYTES)) {
      const item = this.waiting[this.waitingAt++];
      this.active++;
      this.bytes += item.size;
      this.decodeOne(item, spec);
    }
    if (this.waitingAt > 1024 && this.waitingAt * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingAt);
      this.waitingAt = 0;
    }
    // The newest request first: what the pointer is on now, not what it crossed on its way.
    while (this.mapRequests.length && this.mapDecoding < MAX_MAP_DECODES) this.decodeForMap(this.mapRequests.pop(), spec);
    if (!this.inFlight && !this.paused && this.mapsDecoded.length) {
      this.sendMap(spec);
      return;
    }
    // A partial batch goes only when nothing else is on its way, so batches stay full while files flow.
    const nothingComing = this.waitingCount === 0 && this.active === 0;
    if (!this.inFlight && !this.paused && this.ready.length && (this.ready.length >= spec.batch || nothingComing))
      this.sendBatch(spec);
  }

  async decodeOne(item, spec) {
    const started = performance.now();
    let result;
    try {
      result = await this.decode(await item.read(), spec);
    } catch (error) {
      result = { error: `could not read the file: ${error.message || error}` };
    }
    this.active--;
    this.bytes -= item.size;
    this.stats.decodes++;
    this.stats.decodeMs += performance.now() - started;
    if (item.generation === this.core.generation()) this.deliver(item, result, spec.window_text);
    this.step();
  }

  // A file's pages: the first fills the row registered for the file, the others get rows of their own
  // ("cells.tif [page 2/12]", made in C++); a failure after some pages adds a row that says so.
  // `window`: the intensity window the file was read through (the spec its decode began with).
  deliver(item, result, window) {
    const pages = result.pages || [];
    if (!pages.length) {
      this.core.decodeFailed(item.row, item.generation, result.error || 'no image in the file');
      return;
    }
    pages.forEach((page, k) => {
      const row = this.core.addPage(item.row, item.generation, k, result.count, page.tensor.length, page.thumbnail, page.note, window);
      if (row >= 0) this.ready.push({ row, generation: item.generation, tensor: page.tensor });
    });
    if (result.error) this.core.addFailure(item.row, item.generation, result.error);
  }

  sendBatch(spec) {
    const size = spec.channels * spec.height * spec.width;
    const taken = [];
    for (const t of this.ready.splice(0, spec.batch)) {
      if (t.tensor.length === size) taken.push(t);
      else this.core.decodeFailed(t.row, t.generation, 'decoded for another model input size; drop the file again');
    }
    if (!taken.length) {
      this.step();
      return;
    }
    // Always a full batch (zeros after the last file): the encoder's kernels, and so each file's score,
    // never depend on how many files shared it.
    const input = new Float32Array(spec.batch * size);
    taken.forEach((t, i) => input.set(t.tensor, i * size));
    const ticket = this.core.batchSent(taken.map((t) => t.row));
    const started = performance.now();
    this.inFlight = this.encode(input, [spec.batch, spec.channels, spec.height, spec.width]).then(
      (out) => this.core.batchDone(ticket, out.latents, out.dims[0], out.dims[1], out.extras),
      (error) => this.core.batchFailed(ticket, String((error && error.message) || error)));
    this.inFlight.finally(() => {
      this.stats.batches++;
      this.stats.encoderMs += performance.now() - started;
      this.inFlight = null;
      this.step();
    });
  }
}
