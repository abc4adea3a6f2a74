// A Web Worker that decodes one file at a time with the core compiled to wasm (stratum_decode.js,
// from src/web/decode_module.cpp): a File (read here) or its bytes in; per page the model's input
// tensor, a thumbnail and the note out (transferred, not copied); or, with `view`, one page for its
// anomaly map (its tensor and the view of the image). The page's main loop never reads or decodes a file.
import createDecoder from './stratum_decode.js';

const decoder = createDecoder();
const START_BYTES = 65536;  // what stratum_check_start reads first (the core's check_file_start)

// One entry per page (a TIFF stack has several): { tensor, thumbnail, note }; `count` is the number of
// pages the file holds, `error` set when decoding stopped (after the pages returned).
function decode(m, bytes, spec) {
  const input = new Uint8Array(bytes);
  const pointer = m._malloc(Math.max(input.length, 1));
  m.HEAPU8.set(input, pointer);
  const { window: w } = spec;
  const decoded = m._stratum_decode(pointer, input.length, spec.channels, spec.height, spec.width, spec.fit, w.lo, w.hi, w.depth);
  m._free(pointer);
  const pages = [];
  for (let k = 0; k < decoded; k++) {
    const tensorAt = m._stratum_decoded_tensor(k) >> 2;
    const thumbAt = m._stratum_decoded_thumbnail(k);
    pages.push({
      tensor: m.HEAPF32.slice(tensorAt, tensorAt + m._stratum_decoded_tensor_size(k)),
      thumbnail: m.HEAPU8.slice(thumbAt, thumbAt + m._stratum_decoded_thumbnail_size(k)),
      note: m.UTF8ToString(m._stratum_decoded_note(k)),
    });
  }
  const error = m.UTF8ToString(m._stratum_decode_error());
  return { pages, count: m._stratum_decoded_page_count(), ...(error ? { error } : {}) };
}

// One page again for its anomaly map: { tensor, view (RGB), width, height, crop: [x, y, w, h] } or { error }.
function decodeView(m, bytes, spec, { page, side }) {
  const input = new Uint8Array(bytes);
  const pointer = m._malloc(Math.max(input.length, 1));
  m.HEAPU8.set(input, pointer);
  const { window: w } = spec;
  const ok = m._stratum_decode_view(pointer, input.length, spec.channels, spec.height, spec.width, spec.fit, w.lo, w.hi, w.depth, page, side);
  m._free(pointer);
  if (!ok) return { error: m.UTF8ToString(m._stratum_decode_error()) };
  const tensorAt = m._stratum_decoded_tensor(0) >> 2;
  const width = m._stratum_view_width();
  const height = m._stratum_view_height();
  const viewAt = m._stratum_view_pixels();
  return {
    tensor: m.HEAPF32.slice(tensorAt, tensorAt + m._stratum_decoded_tensor_size(0)),
    view: m.HEAPU8.slice(viewAt, viewAt + width * height * 3),
    width,
    height,
    crop: [0, 1, 2, 3].map((k) => m._stratum_view_crop(k)),
  };
}

function checkStart(m, start, fileSize) {
  const pointer = m._malloc(Math.max(start.length, 1));
  m.HEAPU8.set(start, pointer);
  const refusal = m.UTF8ToString(m._stratum_check_start(pointer, start.length, fileSize));
  m._free(pointer);
  m._stratum_decode_release();
  return refusal;
}

self.onmessage = async ({ data }) => {
  const m = await decoder;
  let result;
  let bytes;
  try {
    if (data.bytes instanceof Blob) {
      // The start first: a file that is no image, or declares too many pixels, is refused unread. A
      // file no longer than the start is read once.
      const whole = data.bytes.size <= START_BYTES;
      const start = await (whole ? data.bytes : data.bytes.slice(0, START_BYTES)).arrayBuffer();
      const refusal = checkStart(m, new Uint8Array(start), data.bytes.size);
      if (refusal) {
        self.postMessage({ id: data.id, pages: [], count: 0, error: refusal, memoryBytes: m.HEAPU8.length });
        return;
      }
      bytes = whole ? start : await data.bytes.arrayBuffer();
    } else {
      bytes = data.bytes;
    }
  } catch (error) {
    self.postMessage({ id: data.id, error: `could not read the file: ${error.message || error}` });
    return;
  }
  try {
    result = data.view ? decodeView(m, bytes, data.spec, data.view) : decode(m, bytes, data.spec);
  } catch (error) {
    result = { error: `the decoder failed: ${error.message || error}` };
  } finally {
    m._stratum_decode_release();
  }
  const transfer = result.view ? [result.tensor.buffer, result.view.buffer]
    : (result.pages || []).flatMap((p) => [p.tensor.buffer, p.thumbnail.buffer]);
  // wasm memory never shrinks: after a very large photo the pool replaces this worker (decode_pool.js).
  self.postMessage({ id: data.id, ...result, memoryBytes: m.HEAPU8.length }, transfer);
};
