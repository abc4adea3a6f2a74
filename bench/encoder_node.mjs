// Encoder-only throughput under node: onnxruntime-web (the page's runtime, WASM) and onnxruntime-node
// (native ONNX Runtime, the peer the page is judged against), on the same .onnx, the same
// pseudo-random batch as the page's benchmark, 1 thread and all cores, batch 1 and 32.
// Usage: node bench/encoder_node.mjs MODEL.onnx OUT.json
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { createRequire } from 'node:module';

const [model, outPath] = process.argv.slice(2);
if (!model || !outPath) {
  console.log('usage: node bench/encoder_node.mjs MODEL.onnx OUT.json');
  process.exit(2);
}
const card = JSON.parse(readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8'));
const { channels, height, width } = card.input;
const graph = readFileSync(model);
const cores = cpus().length;
const results = [];

function batchData(batch) {
  const data = new Float32Array(batch * channels * height * width);
  for (let i = 0, x = 1; i < data.length; i++) data[i] = ((x = (x * 48271) % 2147483647) / 2147483647) * 2 - 1;
  return data;
}

async function measure(ort, session, batch, seconds = 3) {
  const dims = [batch, channels, height, width];
  const feeds = { [session.inputNames[0]]: new ort.Tensor('float32', batchData(batch), dims) };
  for (let i = 0; i < 2; i++) await session.run(feeds);
  let runs = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000 || runs < 3) {
    await session.run(feeds);
    runs++;
  }
  return (runs * batch) / ((performance.now() - start) / 1000);
}

async function bench(name, ort, openSession) {
  for (const threads of [1, cores]) {
    const session = await openSession(threads);
    for (const batch of [1, 32]) {
      const images_per_s = await measure(ort, session, batch);
      results.push({ runtime: name, threads, batch, images_per_s });
      console.log(`${name}: ${threads} thread(s), batch ${batch}: ${images_per_s.toFixed(0)} images/s`);
    }
    await session.release();
  }
}

const web = await import('onnxruntime-web');
await bench('onnxruntime-web (node, WASM)', web, (threads) => {
  web.env.wasm.numThreads = threads;
  return web.InferenceSession.create(graph, { executionProviders: ['wasm'] });
});

// onnxruntime-node is installed into bench/node_modules by bench/run.sh (its CPU build ships in the npm
// package; the CUDA download is skipped).
let native = null;
try {
  native = createRequire(new URL('./package.json', import.meta.url))('onnxruntime-node');
} catch (error) {
  console.log(`onnxruntime-node not available (${error.message.split('\n')[0]}): skipped`);
}
if (native) {
  await bench('onnxruntime-node (native)', native, (threads) => native.InferenceSession.create(graph, {
    executionProviders: ['cpu'], intraOpNumThreads: threads, interOpNumThreads: 1,
  }));
}
writeFileSync(outPath, JSON.stringify(results, null, 2));
