// Web Workers that decode files off the page's main loop (web/decode_worker.js). Each task goes to
// the least busy worker; a worker that dies (a decoder abort, for example out of memory) fails the
// task it was on, is replaced, and its other tasks run again on the new one. A worker whose wasm
// memory grew past RECYCLE_BYTES (a 100-megapixel photo takes about 700 MB, and wasm memory never
// shrinks) is replaced once it is idle, so that the tab gives that memory back.
const RECYCLE_BYTES = 256 * 1024 * 1024;

export class DecodePool {
  constructor(size) {
    this.nextId = 1;
    this.waiting = new Map();  // id -> { resolve, task, entry }
    this.respawns = 0;
    this.recycled = 0;  // workers replaced for their memory
    this.workers = Array.from({ length: size }, () => this.spawn());
  }

  get size() { return this.workers.length; }
  get inFlight() { return this.waiting.size; }

  // `bytes`: a Blob (a File: the worker reads it) or an ArrayBuffer. Resolves to { pages: [{ tensor, thumbnail, note }], count }
  // or { error }; never rejects.
  // `view` ({ page, side }): one page again for its anomaly map (decode_worker.js, decodeView).
  decode(bytes, spec, view = null) {
    if (this.broken) return Promise.resolve({ error: this.broken });
    return new Promise((resolve) => {
      const id = this.nextId++;
      const entry = this.workers.reduce((a, b) => (b.pending.length < a.pending.length ? b : a));
      this.post(entry, id, view ? { bytes, spec, view } : { bytes, spec }, resolve);
    });
  }

  post(entry, id, task, resolve) {
    entry.pending.push(id);
    this.waiting.set(id, { resolve, task });
    // A copy, not a transfer: the bytes must survive a worker that dies while decoding them.
    entry.worker.postMessage({ id, ...task });
  }

  spawn() {
    const worker = new Worker(new URL('./decode_worker.js', import.meta.url), { type: 'module' });
    const entry = { worker, pending: [] };
    worker.onmessage = ({ data }) => {
      entry.pending = entry.pending.filter((id) => id !== data.id);
      this.finish(data.id, data);
      if (data.error && data.error.startsWith('the decoder failed')) this.replace(entry, null);
      else this.respawns = 0;
      if (data.memoryBytes > RECYCLE_BYTES && entry.pending.length === 0 && this.workers.includes(entry)) {
        this.recycled++;
        entry.worker.terminate();
        this.workers[this.workers.indexOf(entry)] = this.spawn();
      }
    };
    worker.onerror = (event) => {
      event.preventDefault();
      this.replace(entry, `the decoder stopped: ${event.message || 'worker error'}`);
    };
    return entry;
  }

  finish(id, result) {
    const job = this.waiting.get(id);
    if (!job) return;
    this.waiting.delete(id);
    job.resolve(result);
  }

  // The task at the head of a dead worker's queue is the one it died on; the rest run again elsewhere.
  replace(entry, error) {
    entry.worker.terminate();
    const [first, ...rest] = entry.pending;
    if (error && first !== undefined) this.finish(first, { error });
    const again = error ? rest : entry.pending;
    const index = this.workers.indexOf(entry);
    if (++this.respawns > 3) {  // workers cannot start at all: say so for every file, now and later
      this.broken = `the decoder cannot run in this browser (${error || 'it keeps failing'})`;
      for (const w of this.workers) {
        w.worker.terminate();
        for (const id of w.pending) this.finish(id, { error: this.broken });
      }
      return;
    }
    const fresh = this.spawn();
    this.workers[index] = fresh;
    for (const id of again) {
      const { resolve, task } = this.waiting.get(id);
      this.waiting.delete(id);
      this.post(fresh, id, task, resolve);
    }
  }
}
