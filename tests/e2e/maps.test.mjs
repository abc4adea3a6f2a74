// Anomaly maps (issue 19) in the page against `stratum score --maps` with the shipped default model:
// the gallery makes the most anomalous files' maps, and each one's calibrated values at the model's
// input size agree with the CLI's .map.tsv within 1e-3 (ONNX Runtime Web against libtorch, both
// through the core's calibration and resampling); the viewer shows a flagged cell with its
// reconstruction and map (screenshots in test-artifacts); the saved report carries the maps.
// Env: STRATUM, SHARED_DATA, STRATUM_SITE, STRATUM_ARTIFACTS, WORK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readMapTsv } from '../cli/map_tsv.mjs';
import { startSession, dropFiles, waitForResults, frames, press } from './browser.mjs';

const { STRATUM, SHARED_DATA, WORK } = process.env;
const site = resolve(process.env.STRATUM_SITE || 'build-web/site');
const artifacts = resolve(process.env.STRATUM_ARTIFACTS || 'test-artifacts');
const model = resolve('models/pbc-neutrophil-c10-w8/encoder.onnx');
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
let session;
let images;

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  images = join(WORK, 'images');
  mkdirSync(images, { recursive: true });
  // Five neutrophils (the model's normal class) and five cells of other kinds, which the model flags.
  run('tar', ['xzf', join(SHARED_DATA, 'pbc', 'pbc-png64.tar.gz'), '-C', WORK, '--wildcards',
    './neutrophil/BNE_10*.png', './eosinophil/EO_10*.png', './erythroblast/ERB_10*.png']);
  const take = (kind, n) => readdirSync(join(WORK, kind)).sort().slice(0, n)
    .forEach((f) => writeFileSync(join(images, `${kind}_${f}`), readFileSync(join(WORK, kind, f))));
  take('neutrophil', 5);
  take('eosinophil', 3);
  take('erythroblast', 2);
  run(STRATUM, ['score', model, images, '--maps', join(WORK, 'maps'), '--csv', join(WORK, 'scores.csv'), '--threads', '2']);
  session = await startSession(site, artifacts);
});

after(async () => {
  if (session) await session.close();
});

// The CLI's calibrated map of a file: R lines of R tab-separated values.
const cliMap = (name) => readMapTsv(join(WORK, 'maps', 'images', `${name}.map.tsv`));

test('the page makes the same maps as stratum score --maps, shows them, and saves them in the report', async () => {
  const context = await session.browser.newContext({ acceptDownloads: true, viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(session.server.url + '?backend=wasm');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  const files = readdirSync(images).sort().map((name) => ({ name, bytes: readFileSync(join(images, name)) }));
  await dropFiles(page, files);
  const results = await waitForResults(page, files.length);
  assert.ok(results.rows.every((r) => r.status === 'scored'));
  // Nothing is made before something is shown.
  assert.equal((await page.evaluate(() => globalThis.stratum.maps())).entries.length, 0, 'no map before one is shown');

  // The gallery: the 8 highest scores get their maps.
  await press(page, 'maps_tab_gallery');
  await page.waitForFunction(() => {
    const m = globalThis.stratum.maps();
    return m.entries.length === 8 && m.entries.every((e) => e.status === 'ready');
  }, null, { timeout: 60000, polling: 200 });
  await frames(page);
  await page.screenshot({ path: join(artifacts, 'maps-1-gallery.png') });
  const state = await page.evaluate(() => globalThis.stratum.maps());
  const card = JSON.parse(readFileSync(model.replace(/\.onnx$/, '.json'), 'utf8'));
  assert.equal(state.choice, card.maps.findIndex((m) => m.name === card.default_map), 'the card\'s default map is shown');
  const rows = (await page.evaluate(() => globalThis.stratum.results())).rows;
  let worst = 0;
  let flaggedMaps = 0;
  for (const entry of state.entries) {
    const { values } = await page.evaluate((row) => globalThis.stratum.maps(row), entry.row);
    const name = rows[entry.row].name;
    const expected = cliMap(name);
    assert.equal(values.length, card.input.width * card.input.height, `${name}: the map at the input size`);
    assert.equal(expected.length, values.length, `${name}: the CLI's map at the input size`);
    values.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - expected[i])); });
    if (entry.max >= card.maps[state.choice].threshold.value) flaggedMaps++;
  }
  console.log(`maps: largest difference page - CLI ${worst.toExponential(2)} over ${state.entries.length} files`);
  assert.ok(worst <= 1e-3, `the page's maps differ from the CLI's by ${worst}`);
  console.log(`maps: largest values ${state.entries.map((e) => `${rows[e.row].name} ${e.max.toFixed(2)} (score ${rows[e.row].score.toFixed(2)})`).join(", ")}; threshold ${card.maps[state.choice].threshold.value.toFixed(2)}`);
  assert.ok(flaggedMaps > 0, "some shown map rises above its threshold");
  // The gallery shows the highest scores: no file outside it scores higher than one inside.
  const shown = new Set(state.entries.map((e) => e.row));
  const lowestShown = Math.min(...[...shown].map((r) => rows[r].score));
  rows.forEach((r, i) => { if (!shown.has(i)) assert.ok(r.score <= lowestShown, `${r.name} outranks the gallery`); });

  // The viewer: the most anomalous file (the first in the gallery), as a user clicks it.
  await press(page, 'gallery_0');  // a click on a tile shows it under "Why flagged"
  await frames(page);
  const marks = await page.evaluate(() => globalThis.stratum.ui());
  assert.ok(marks.map_viewer, 'the viewer drew the image, its reconstruction and its map');
  assert.ok(marks.map_viewer[2] - marks.map_viewer[0] >= 60, 'the images are drawn at a readable size');
  await page.screenshot({ path: join(artifacts, 'maps-2-viewer-flagged.png') });
  const viewer = marks.maps;
  await page.screenshot({ path: join(artifacts, 'maps-3-viewer-close.png'),
    clip: { x: viewer[0], y: viewer[1], width: viewer[2] - viewer[0], height: viewer[3] - viewer[1] } });

  // A file whose map rises above its threshold: the gallery's item with the largest map value.
  const loudest = state.entries.reduce((a, b) => (b.max > a.max ? b : a));
  const galleryOrder = [...state.entries].sort((a, b) => rows[b.row].score - rows[a.row].score);
  await press(page, 'maps_tab_gallery');
  await press(page, `gallery_${galleryOrder.findIndex((e) => e.row === loudest.row)}`);
  await frames(page);
  const shownNow = (await page.evaluate(() => globalThis.stratum.ui())).maps;
  await page.screenshot({ path: join(artifacts, 'maps-4-viewer-above-threshold.png'),
    clip: { x: shownNow[0], y: shownNow[1], width: shownNow[2] - shownNow[0], height: shownNow[3] - shownNow[1] } });

  // The report carries the gallery's maps, inline.
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 60000 }), press(page, 'save_report')]);
  const html = readFileSync(await download.path(), 'utf8');
  assert.match(html, /<h2>Maps of the 8 highest scores<\/h2>/);
  assert.equal((html.match(/<img class="map" alt="" src="data:image\/png;base64,/g) || []).length, 8, 'one map per gallery file');
  writeFileSync(join(artifacts, 'maps-report.html'), html);
  // Everything stayed on the page's origin.
  const origin = new URL(session.server.url).origin;
  assert.deepEqual(requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')), []);
  await context.close();
});
