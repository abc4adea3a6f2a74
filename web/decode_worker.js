// A Web Worker that decodes one file at a time with the core compiled to wasm (stratum_decode.js,
// from src/web/decode_module.cpp): a File (read here) or its bytes in; the model's input tensor and a
// thumbnail out (transferred, not copied). The page's main loop never reads or decodes a file.
import createDecoder from './stratum_decode.js';

const decoder = createDecoder();

function decode(m, bytes, spec) {
  const input = new Uint8Array(bytes);
  const pointer = m._malloc(Math.max(input.length, 1));
  m.HEAPU8.set(input, pointer);
  const ok = m._stratum_decode(pointer, input.length, spec.channels, spec.height, spec.width, spec.fit);
  m._free(pointer);
  if (!ok) return { error: m.UTF8ToString(m._stratum_decode_error()) };
  const tensorAt = m._stratum_decoded_tensor() >> 2;
  const tensor = m.HEAPF32.slice(tensorAt, tensorAt + m._stratum_decoded_tensor_size());
  const thumbAt = m._stratum_decoded_thumbnail();
  const thumbnail = m.HEAPU8.slice(thumbAt, thumbAt + m._stratum_decoded_thumbnail_size());
  return { tensor, thumbnail };
}

self.onmessage = async ({ data }) => {
  const m = await decoder;
  let result;
  let bytes;
  try {
    bytes = data.bytes instanceof Blob ? await data.bytes.arrayBuffer() : data.bytes;
  } catch (error) {
    self.postMessage({ id: data.id, error: `could not read the file: ${error.message || error}` });
    return;
  }
  try {
    result = decode(m, bytes, data.spec);
  } catch (error) {
    result = { error: `the decoder failed: ${error.message || error}` };
  } finally {
    m._stratum_decode_release();
  }
  const transfer = result.tensor ? [result.tensor.buffer, result.thumbnail.buffer] : [];
  // wasm memory never shrinks: after a very large photo the pool replaces this worker (decode_pool.js).
  self.postMessage({ id: data.id, ...result, memoryBytes: m.HEAPU8.length }, transfer);
};
