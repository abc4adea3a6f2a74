// The page's wasm module (src/web/exports.cpp) as JavaScript methods: one wrapper per exported
// function, in exports.cpp's order, all in one style: strings and arrays are copied into the module's
// heap for the call and freed after it; returned strings are read at once (the module reuses them).
export function bindCore(m) {
  const heap = (bytes, fill, use) => {
    const pointer = m._malloc(Math.max(bytes, 1));
    try {
      fill(pointer);
      return use(pointer);
    } finally {
      m._free(pointer);
    }
  };
  // Calls use(pointers...) with each argument placed in the heap: strings (UTF-8, NUL-terminated),
  // Uint8Array, Int32Array, Float32Array or Float64Array; numbers pass as they are.
  const call = (use, ...args) => {
    const place = (i, placed) => {
      if (i === args.length) return use(...placed);
      const a = args[i];
      if (typeof a === 'string') {
        const size = m.lengthBytesUTF8(a) + 1;
        return heap(size, (p) => m.stringToUTF8(a, p, size), (p) => place(i + 1, [...placed, p]));
      }
      if (ArrayBuffer.isView(a)) {
        const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
        return heap(bytes.length, (p) => m.HEAPU8.set(bytes, p), (p) => place(i + 1, [...placed, p]));
      }
      return place(i + 1, [...placed, a]);
    };
    return place(0, []);
  };
  const text = (pointer) => m.UTF8ToString(pointer);
  return {
    // Files and pages.
    generation: () => m._stratum_generation(),
    clears: () => m._stratum_clears(),
    addFile: (path, relative, key) => call((p, r, k) => m._stratum_add_file(p, r, k), path, relative, key),
    addPage: (row, generation, index, count, values, thumbnail, note, inputRange) =>
      call((t, n, w) => m._stratum_add_page(row, generation, index, count, values, t, thumbnail.length, n, w), thumbnail, note, inputRange),
    addFailure: (row, generation, message) => call((p) => m._stratum_add_failure(row, generation, p), message),
    decodeFailed: (row, generation, message) => call((p) => m._stratum_decode_failed(row, generation, p), message),
    inputSpec: () => {
      const spec = text(m._stratum_input_spec_json());
      return spec ? JSON.parse(spec) : null;
    },
    // Batches.
    batchSent: (rows) => call((p) => m._stratum_batch_sent(p, rows.length), Int32Array.from(rows)),
    batchDone: (ticket, latents, n, dims, extras) =>
      call((l, e) => m._stratum_batch_done(ticket, l, n, dims, e, extras.length), latents, extras),
    batchFailed: (ticket, message) => call((p) => m._stratum_batch_failed(ticket, p), message),
    loadLabels: (csv) => call((p) => text(m._stratum_load_labels(p)), csv),
    // Models.
    loadCard: (source, json) => call((s, j) => text(m._stratum_load_card(s, j)), source, json),
    checkGraph: (probe) => call((p) => text(m._stratum_check_graph(p)), JSON.stringify(probe)),
    modelReady: (backend, threads, note) => call((b, n) => text(m._stratum_model_ready(b, threads, n)), backend, note),
    modelFailed: (message) => call((p) => m._stratum_model_failed(p), message),
    backendChanged: (backend, threads, note) => call((b, n) => m._stratum_backend_changed(b, threads, n), backend, note),
    setWebGpuAvailable: (available) => m._stratum_set_webgpu_available(available ? 1 : 0),
    // Fonts.
    addFallbackFont: (index, bytes) => call((p) => m._stratum_add_fallback_font(index, p, bytes.length), bytes),
    // Maps (src/web/maps.h).
    takeMapRequests: () => JSON.parse(text(m._stratum_take_map_requests())),
    mapDone: (id, view, width, height, crop, reconstructed, raw) =>
      call((v, c, r, w) => m._stratum_map_done(id, v, width, height, c, r, reconstructed.length, w, raw.length),
        view, Float64Array.from(crop), reconstructed, raw),
    mapFailed: (id, message) => call((p) => m._stratum_map_failed(id, p), message),
    // Test and benchmark probes.
    progress: () => JSON.parse(text(m._stratum_progress_json())),
    results: () => JSON.parse(text(m._stratum_results_json())),
    csv: () => text(m._stratum_results_csv()),
    latents: () => text(m._stratum_latents_tsv()),
    report: () => text(m._stratum_report_html()),
    maps: (row = -1) => JSON.parse(text(m._stratum_maps_json(row))),
    ui: () => JSON.parse(text(m._stratum_ui_marks_json())),
    missingGlyphs: () => m._stratum_missing_glyphs(),
    resetFrameStats: () => m._stratum_frame_stats_reset(),
    frameStats: () => JSON.parse(text(m._stratum_frame_stats_json())),
    memoryBytes: () => m.HEAPU8.length,
  };
}
