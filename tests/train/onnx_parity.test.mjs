// The exported ONNX graph, run by onnxruntime-web under node, gives the same latents and the same
// extra scores (feature, reconstruction: G and D's trunk ride in the graph) as libtorch (`stratum
// score`, which loads the same file into its modules) on real images, within 1e-4; and the colour
// score, computed here from the graph's colour_features and the card's bank by a plain nearest-
// neighbour search of our own, matches the CLI's (the core's neighbour_distance on libtorch's features);
// so does the encoder_gaussian score, computed here as sqrt(d^T P d) from the graph's encoder_features
// and the card's mean and precision; and so do the anomaly maps (the graph's residuals calibrated and
// resampled here) against `stratum score --maps`.
// Env: STRATUM, IMAGE_FIXTURES, WORK, SHARED_DATA (the folder of ../shared/data).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { readMapTsv } from '../cli/map_tsv.mjs';

const { STRATUM, IMAGE_FIXTURES, WORK, SHARED_DATA } = process.env;
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();

test('ONNX export matches libtorch on real images', async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(join(WORK, 'images'), { recursive: true });
  // Real images: CIFAR-10 (JPEG copy) at 32 px, and PBC blood cells at 64 px (resized by the core).
  const cifar = ['test/cat/0000.jpg', 'test/ship/0001.jpg', 'test/frog/0002.jpg', 'test/truck/0003.jpg'];
  run('tar', ['xzf', join(SHARED_DATA, 'cifar10', 'cifar10-jpg.tar.gz'), '-C', join(WORK, 'images'), ...cifar]);
  run('tar', ['xzf', join(SHARED_DATA, 'pbc', 'pbc-png64.tar.gz'), '-C', join(WORK, 'images'), '--wildcards',
    './basophil/BA_10*.png']);
  const images = [...cifar.map((f) => join(WORK, 'images', f)),
    ...readdirSync(join(WORK, 'images', 'basophil')).sort().slice(0, 4).map((f) => join(WORK, 'images', 'basophil', f))];
  assert.equal(images.length, 8);

  // A short run on synthetic data, at 32 px, exported.
  run(IMAGE_FIXTURES, ['folder', join(WORK, 'data'), '1', '32', '32']);
  run(STRATUM, ['train', '--data', join(WORK, 'data'), '--out', join(WORK, 'run'), '--size', '32', '--fmap-base', '32',
    '--fmap-max', '8', '--latent', '12', '--batch', '8', '--images', '160', '--threads', '2']);
  run(STRATUM, ['export', join(WORK, 'run')]);
  const onnxPath = join(WORK, 'run', 'export', 'encoder.onnx');

  // libtorch's latents, with the weights read back from the .onnx file.
  const tsv = join(WORK, 'latents.tsv');
  const csvPath = join(WORK, 'scores.csv');
  run(STRATUM, ['score', onnxPath, ...images, '--latents', tsv, '--csv', csvPath, '--threads', '2', '--maps', join(WORK, 'maps')]);
  const [header, ...lines] = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
  assert.deepEqual(header.split(','),
    ['file', 'norm', 'score', 'verdict', 'label', 'error', 'feature', 'reconstruction', 'colour', 'encoder_gaussian',
      'pc1', 'pc2', 'input_range', 'note', 'model', 'score_name', 'threshold']);
  const extras = new Map(lines.map((line) => {
    const f = line.split(',');
    return [f[0], { feature: Number(f[6]), reconstruction: Number(f[7]), colour: Number(f[8]), encoder_gaussian: Number(f[9]) }];
  }));
  const [tsvHeader, ...tsvLines] = readFileSync(tsv, 'utf8').trim().split('\n');
  assert.equal(tsvHeader, ['file', ...Array.from({ length: 12 }, (_, k) => `z${k + 1}`)].join('\t'));
  const native = new Map(tsvLines.map((line) => {
    const [file, ...values] = line.split('\t');
    return [file, values.map(Number)];
  }));

  // onnxruntime-web's latents on the core's preprocessing of the same files.
  const tensors = join(WORK, 'inputs.f32');
  run(IMAGE_FIXTURES, ['tensors', '32', '3', tensors, ...images]);
  const raw = readFileSync(tensors);
  const input = new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
  ort.env.wasm.numThreads = 1;
  const session = await ort.InferenceSession.create(readFileSync(onnxPath), { executionProviders: ['wasm'] });
  const result = await session.run({ image: new ort.Tensor('float32', input, [images.length, 3, 32, 32]) });
  const latent = result.latent;
  assert.deepEqual(latent.dims, [images.length, 12]);
  let worst = 0;
  images.forEach((file, i) => {
    const expected = native.get(file);
    assert.ok(expected, `${file} missing from stratum score's latents`);
    for (let j = 0; j < 12; j++) worst = Math.max(worst, Math.abs(latent.data[i * 12 + j] - expected[j]));
  });
  console.log(`largest difference between onnxruntime-web and libtorch: ${worst.toExponential(2)}`);
  assert.ok(worst <= 1e-4, `latents differ by ${worst}`);
  for (const name of ['feature', 'reconstruction']) {
    assert.deepEqual(result[name].dims, [images.length], `${name} is one value per image`);
    let diff = 0;
    images.forEach((file, i) => { diff = Math.max(diff, Math.abs(result[name].data[i] - extras.get(file)[name])); });
    console.log(`${name}: largest difference ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-4, `${name} differs by ${diff}`);
    assert.ok(result[name].data.every((v) => Number.isFinite(v) && v > 0), `${name} values are positive`);
    assert.notEqual(result[name].data[0], result[name].data[4]);
  }
  // The colour score: the graph's pooled first-layer features, standardised by the card's bank and
  // averaged over the k nearest bank points.
  const card = JSON.parse(readFileSync(join(WORK, 'run', 'export', 'encoder.json'), 'utf8'));
  const colour = card.extra_scores.find((x) => x.name === 'colour');
  assert.equal(card.default_score, 'colour');
  const { k, center, scale, points } = colour.neighbours;
  const width = center.length;
  assert.deepEqual(result.colour_features.dims, [images.length, width]);
  assert.equal(width, 4, 'mean and spread of the critic first layer\'s 2 channels at 32 px (fmap_base 32)');
  assert.ok(points.length > k);
  let colourDiff = 0;
  const colourValues = images.map((file, i) => {
    const f = Array.from(result.colour_features.data.slice(i * width, (i + 1) * width)).map((v, j) => (v - center[j]) / scale[j]);
    const d = points.map((p) => Math.sqrt(p.reduce((sum, v, j) => sum + (f[j] - v) ** 2, 0))).sort((a, b) => a - b);
    const value = d.slice(0, k).reduce((a, b) => a + b, 0) / k;
    colourDiff = Math.max(colourDiff, Math.abs(value - extras.get(file).colour));
    return value;
  });
  console.log(`colour: largest difference ${colourDiff.toExponential(2)}`);
  assert.ok(colourDiff <= 1e-4, `colour differs by ${colourDiff}`);
  assert.notEqual(colourValues[0], colourValues[4]);
  // The encoder_gaussian score: the graph's pooled encoder features against the card's Gaussian.
  const gaussian = card.extra_scores.find((x) => x.name === 'encoder_gaussian').gaussian;
  const dims = gaussian.mean.length;
  assert.deepEqual(result.encoder_features.dims, [images.length, dims]);
  assert.equal(dims, 2 * (2 + 4 + 8 + 8 + 8), 'mean and spread of E\'s activations at 32, 16, 8, 4 px and its 4x4 output');
  assert.equal(gaussian.precision.length, dims);
  let gaussianDiff = 0;
  const gaussianValues = images.map((file, i) => {
    const d = Array.from(result.encoder_features.data.slice(i * dims, (i + 1) * dims)).map((v, j) => v - gaussian.mean[j]);
    const q = gaussian.precision.reduce((sum, row, r) => sum + d[r] * row.reduce((s2, p, c) => s2 + p * d[c], 0), 0);
    const value = Math.sqrt(Math.max(q, 0));
    gaussianDiff = Math.max(gaussianDiff, Math.abs(value - extras.get(file).encoder_gaussian) / Math.max(1, value));
    return value;
  });
  console.log(`encoder_gaussian: largest relative difference ${gaussianDiff.toExponential(2)}`);
  assert.ok(gaussianDiff <= 1e-4, `encoder_gaussian differs by ${gaussianDiff} (relative)`);
  assert.notEqual(gaussianValues[0], gaussianValues[4]);
  // The anomaly maps: the graph's raw residuals, calibrated here by the card's per-position median and
  // spread and resampled to the input size by a bilinear interpolation of our own (half-pixel centres,
  // edges clamped, as torch's align_corners=False), against `stratum score --maps`'s .map.tsv
  // (libtorch's residuals through the core's calibration): within 1e-3.
  assert.deepEqual(result.reconstructed.dims, [images.length, 3, 32, 32]);
  assert.deepEqual(card.maps.map((m) => m.name), ['pixel', 'feature_16', 'feature_4']);
  assert.equal(card.default_map, 'pixel');
  const bilinear = (map, r, out) => {
    const at = (x, y) => map[Math.min(r - 1, Math.max(0, y)) * r + Math.min(r - 1, Math.max(0, x))];
    const values = [];
    for (let y = 0; y < out; y++) {
      for (let x = 0; x < out; x++) {
        const sx = Math.max(0, (x + 0.5) * (r / out) - 0.5), sy = Math.max(0, (y + 0.5) * (r / out) - 0.5);
        const x0 = Math.floor(sx), y0 = Math.floor(sy), tx = sx - x0, ty = sy - y0;
        const top = at(x0, y0) + (at(x0 + 1, y0) - at(x0, y0)) * tx, bottom = at(x0, y0 + 1) + (at(x0 + 1, y0 + 1) - at(x0, y0 + 1)) * tx;
        values.push(top + (bottom - top) * ty);
      }
    }
    return values;
  };
  for (const m of card.maps) {
    const output = result[m.output];
    assert.deepEqual(output.dims, [images.length, 1, m.height, m.width], `${m.name}: [N, 1, r, r]`);
    const positions = m.width * m.height;
    let mapDiff = 0;
    images.forEach((file, i) => {
      const calibrated = Array.from(output.data.slice(i * positions, (i + 1) * positions)).map((v, p) => (v - m.median[p]) / m.spread[p]);
      const ours = bilinear(calibrated, m.width, 32);
      if (m.name !== card.default_map) return;  // the CLI writes the default map
      const cli = readMapTsv(join(WORK, 'maps', `${file.split('/').pop()}.map.tsv`));
      assert.equal(cli.length, ours.length);
      ours.forEach((v, p) => { mapDiff = Math.max(mapDiff, Math.abs(v - cli[p])); });
    });
    assert.ok(Array.from(output.data).every((v) => Number.isFinite(v) && v >= 0), `${m.name}: residuals are finite and >= 0`);
    if (m.name === card.default_map) {
      console.log(`map ${m.name}: largest difference ${mapDiff.toExponential(2)}`);
      assert.ok(mapDiff <= 1e-3, `${m.name} differs by ${mapDiff}`);
    }
  }
  // feature_16 through the CLI too (--map), against our own calibration and resampling.
  run(STRATUM, ['score', onnxPath, images[0], '--maps', join(WORK, 'maps16'), '--map', 'feature_16', '--threads', '2']);
  {
    const m = card.maps.find((x) => x.name === 'feature_16');
    const raw = Array.from(result[m.output].data.slice(0, 256)).map((v, p) => (v - m.median[p]) / m.spread[p]);
    const ours = bilinear(raw, 16, 32);
    const cli = readMapTsv(join(WORK, 'maps16', `${images[0].split('/').pop()}.map.tsv`));
    const diff = Math.max(...ours.map((v, p) => Math.abs(v - cli[p])));
    console.log(`map feature_16: largest difference ${diff.toExponential(2)}`);
    assert.ok(diff <= 1e-3, `feature_16 differs by ${diff}`);
  }
  // An encoder-only export: the same latents, the norm as its only score (no extra columns).
  run(STRATUM, ['export', join(WORK, 'run'), '--encoder-only', '--out', join(WORK, 'encoder-only')]);
  const onlyCsv = join(WORK, 'encoder-only.csv');
  run(STRATUM, ['score', join(WORK, 'encoder-only', 'encoder.onnx'), images[0], '--csv', onlyCsv, '--threads', '2']);
  const [onlyHeader, onlyRow] = readFileSync(onlyCsv, 'utf8').trim().split(/\r?\n/);
  assert.deepEqual(onlyHeader.split(','), ['file', 'norm', 'score', 'verdict', 'label', 'error', 'pc1', 'pc2',
    'input_range', 'note', 'model', 'score_name', 'threshold']);
  const full = lines.find((line) => line.startsWith(images[0] + ','));
  assert.equal(onlyRow.split(',')[1], full.split(',')[1], 'the same encoder gives the same norm');
  assert.ok(readFileSync(join(WORK, 'encoder-only', 'encoder.onnx')).length <
    readFileSync(onnxPath).length / 2, 'the encoder-only graph carries no generator');
  // Not vacuous: the images have different latents.
  assert.notDeepEqual(native.get(images[0]), native.get(images[4]));
});
