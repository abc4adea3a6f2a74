// End to end: the built page in headless chromium scores generated images; every norm must equal the
// oracle's (a plain-loop evaluation of the tiny test encoder) within 1e-4, and bad files show the
// core's error. Runs once with the backend the page chooses (WebGPU when chromium offers an adapter)
// and once with WASM forced. Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSession, dropFiles, waitForResults, frames, press } from './browser.mjs';

const site = resolve(process.env.STRATUM_SITE || 'build-web/site');
const artifacts = resolve(process.env.STRATUM_ARTIFACTS || 'test-artifacts');
let session, server, browser, inputs, expected;

before(async () => {
  assert.ok(existsSync(join(site, 'index.html')), `${site} has no index.html: build the web preset first`);
  assert.ok(process.env.MAKE_E2E_INPUTS, 'MAKE_E2E_INPUTS must name the make_e2e_inputs tool');
  inputs = mkdtempSync(join(tmpdir(), 'stratum-e2e-'));
  execFileSync(process.env.MAKE_E2E_INPUTS, [inputs]);
  expected = JSON.parse(readFileSync(join(inputs, 'expected.json'), 'utf8')).files;
  session = await startSession(site, artifacts);
  ({ server, browser } = session);
});

after(async () => {
  if (session) await session.close();
});

async function scoreInPage(query, shotName) {
  const page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  const consoleErrors = [];
  page.on('pageerror', (error) => consoleErrors.push(String(error)));
  await page.goto(server.url + query);
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  assert.equal(await page.evaluate(() => self.crossOriginIsolated), true, 'COOP/COEP should isolate the page');
  const files = readdirSync(inputs).filter((f) => /\.(png|jpg)$/.test(f)).sort()
    .map((name) => ({ name, bytes: readFileSync(join(inputs, name)) }));
  assert.equal(files.length, expected.length);
  await dropFiles(page, files);
  const results = await waitForResults(page, files.length);
  await page.waitForTimeout(200);  // one more frame so the screenshot shows the final table
  await page.screenshot({ path: join(artifacts, shotName) });
  await page.close();
  assert.deepEqual(consoleErrors, []);
  return results;
}

function checkAgainstOracle(results) {
  const byName = new Map(results.rows.map((row) => [row.name, row]));
  let scored = 0, failed = 0;
  for (const file of expected) {
    const row = byName.get(file.name);
    assert.ok(row, `${file.name} is missing from the page`);
    if (file.error) {
      assert.equal(row.status, 'failed', `${file.name} should fail`);
      assert.equal(row.error, file.error);
      failed++;
    } else {
      assert.equal(row.status, 'scored', `${file.name}: ${row.error}`);
      assert.ok(Math.abs(row.norm - file.norm) <= 1e-4, `${file.name}: page ${row.norm}, oracle ${file.norm}`);
      scored++;
    }
  }
  assert.ok(scored >= 6 && failed >= 2, `expected good and bad files, got ${scored} scored and ${failed} failed`);
}

test('the page scores dropped files like the oracle (default backend)', async () => {
  const results = await scoreInPage('?model=models/tiny_encoder.json', 'page-default-backend.png');
  assert.ok(['webgpu', 'wasm'].includes(results.backend), `backend ${results.backend}`);
  console.log(`default backend: ${results.backend}`);
  checkAgainstOracle(results);
});

test('the page scores dropped files like the oracle (WASM forced)', async () => {
  const results = await scoreInPage('?backend=wasm&model=models/tiny_encoder.json', 'page-wasm-backend.png');
  assert.equal(results.backend, 'wasm');
  checkAgainstOracle(results);
});

test('an encoder that outputs NaN, and a card whose input the graph does not take, are refused; the model stays', async () => {
  assert.ok(process.env.MAKE_TINY_ENCODER, 'MAKE_TINY_ENCODER must name the make_tiny_encoder tool');
  const broken = mkdtempSync(join(tmpdir(), 'stratum-nan-'));
  execFileSync(process.env.MAKE_TINY_ENCODER, [broken, '--nan']);
  const page = await browser.newPage();
  await page.goto(server.url + '?backend=wasm&model=models/tiny_encoder.json');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  const errorMatching = async (pattern) => {
    await page.waitForFunction((p) => new RegExp(p).test(globalThis.stratum.results().model_error), pattern.source,
      { timeout: 30000 });
    return page.evaluate(() => globalThis.stratum.results());
  };

  await dropFiles(page, [{ name: 'tiny_encoder.onnx', bytes: readFileSync(join(broken, 'tiny_encoder.onnx')) },
    { name: 'tiny_encoder.json', bytes: readFileSync(join(broken, 'tiny_encoder.json')) }]);
  let state = await errorMatching(/NaN/);
  assert.equal(state.model, 'tiny-test-encoder');
  assert.equal(state.ready, true);

  const fixtures = join(site, 'models');
  const card = JSON.parse(readFileSync(join(fixtures, 'tiny_encoder.json'), 'utf8'));
  card.input.width = card.input.height = 28;  // the sha256 still names the graph: only the probe can tell
  await dropFiles(page, [{ name: 'tiny_encoder.onnx', bytes: readFileSync(join(fixtures, 'tiny_encoder.onnx')) },
    { name: 'tiny_encoder.json', bytes: Buffer.from(JSON.stringify(card)) }]);
  state = await errorMatching(/does not take the card's input/);
  assert.equal(state.model, 'tiny-test-encoder');
  assert.equal(state.ready, true);
  await page.close();
});

test('a card that does not parse leaves a clear message', async () => {
  const page = await browser.newPage();
  await page.goto(server.url + '?model=models/missing.json');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().model_error, null,
    { timeout: 30000 });
  const results = await page.evaluate(() => globalThis.stratum.results());
  assert.match(results.model_error, /missing\.json: HTTP 404/);
  assert.equal(results.ready, false);
  await page.close();
});

test('the demo loads with one click, labelled by its folders, at twice the pixel density', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 2 });
  const response = await page.goto(server.url + '?backend=wasm');
  // The headers that make the page cross-origin isolated and keep its requests at home.
  const headers = response.headers();
  assert.equal(headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(headers['cross-origin-embedder-policy'], 'require-corp');
  assert.match(headers['content-security-policy'], /connect-src 'self'/);
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  const button = (await page.evaluate(() => globalThis.stratum.ui())).demo;
  await page.mouse.click((button[0] + button[2]) / 2, (button[1] + button[3]) / 2);
  const results = await waitForResults(page, 24);
  // Scored by the shipped default model (the card the build installed as models/default.json).
  assert.equal(results.model, JSON.parse(readFileSync(join(site, 'models', 'default.json'), 'utf8')).name);
  assert.equal(results.rows.filter((r) => r.status === 'scored').length, 24);
  assert.equal(results.rows.filter((r) => r.label === 'normal').length, 16);
  assert.equal(results.rows.filter((r) => r.label === 'anomalous').length, 8);
  await page.waitForTimeout(200);
  await page.screenshot({ path: join(artifacts, 'page-demo-hidpi.png') });

  // The strata view (radius = the exact norm), with the Model panel folded so that the ROC curve shows.
  const marks = await page.evaluate(() => globalThis.stratum.ui());
  const click = async (r) => {
    await page.mouse.move((r[0] + r[2]) / 2, (r[1] + r[3]) / 2);
    await page.waitForTimeout(100);
    await page.mouse.down();
    await page.waitForTimeout(50);
    await page.mouse.up();
  };
  await click(marks.strata);
  await page.waitForTimeout(200);
  await click(marks.model_header);
  await page.waitForTimeout(200);
  await page.mouse.move(5, 795);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'page-demo-strata-roc.png') });
  await page.close();
});

// The wheel as the browser means it (issue 18): one notch down scrolls the table a little down, one
// notch up scrolls back or zooms the plot in by one step; a new sort order starts at its top.
test('the mouse wheel moves one notch at a time, and a new sort starts at the top', { timeout: 180000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(server.url + '?backend=wasm&model=models/tiny_encoder.json');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  const sources = readdirSync(inputs).filter((f) => /\.png$/.test(f)).sort();
  const files = Array.from({ length: 200 }, (_, i) => ({ name: `${String(i).padStart(3, '0')}-${sources[i % sources.length]}`,
    bytes: readFileSync(join(inputs, sources[i % sources.length])) }));
  await dropFiles(page, files);
  await waitForResults(page, files.length);
  const view = async () => { await frames(page); await page.waitForTimeout(100); return (await page.evaluate(() => globalThis.stratum.results())).view; };
  const centre = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
  const marks = await page.evaluate(() => globalThis.stratum.ui());

  await page.mouse.move(...centre(marks.table));
  await frames(page);
  const before = await view();
  assert.equal(before.table_scroll, 0);
  assert.ok(before.table_scroll_max > 2000, `200 rows scroll: ${before.table_scroll_max}`);
  await page.mouse.wheel(0, 100);  // one notch down (Chromium: 100 pixels)
  const down = await view();
  assert.ok(down.table_scroll > 0 && down.table_scroll < 0.1 * down.table_scroll_max,
    `one notch down moved the table to ${down.table_scroll} of ${down.table_scroll_max}`);
  await page.mouse.wheel(0, -100);
  assert.equal((await view()).table_scroll, 0, 'one notch up goes back');

  await page.mouse.move(...centre(marks.plot));
  await frames(page);
  await page.mouse.wheel(0, -100);  // one notch up: zoom in by one step
  const zoomed = await view();
  assert.ok(Math.abs(zoomed.zoom - 1.15) < 1e-3, `one notch up zoomed to ${zoomed.zoom}`);
  await page.mouse.wheel(0, 100);
  assert.ok(Math.abs((await view()).zoom - 1) < 1e-3, 'one notch down zooms back out');

  await page.mouse.move(...centre(marks.table));
  for (let i = 0; i < 5; i++) await page.mouse.wheel(0, 100);
  assert.ok((await view()).table_scroll > 0);
  await press(page, 'score_header');
  const sorted = await view();
  assert.equal(sorted.table_scroll, 0, 'sorting by score shows the top of the new order');
  const scored = (await page.evaluate(() => globalThis.stratum.results())).rows.filter((r) => r.status === 'scored');
  const top = scored.reduce((a, b) => (b.score > a.score ? b : a));
  assert.equal(scored.find((r) => r.name === sorted.first_shown)?.score, top.score, 'the highest score first, failures last');
  await page.screenshot({ path: join(artifacts, 'page-sorted-1400.png') });
  await page.close();
});

const readyPage = async (query, viewport = { width: 1400, height: 900 }) => {
  const page = await browser.newPage({ viewport });
  await page.goto(server.url + query);
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  return page;
};

// Issue 18: the Demo demonstrates (flagged and unflagged cells), and pressing it again adds nothing.
test('the Demo shows flagged and unflagged cells, and a second press adds no duplicates', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm');
  await press(page, 'demo');
  let results = await waitForResults(page, 24);
  const flagged = results.rows.filter((r) => r.flagged).length;
  assert.ok(flagged >= 1 && flagged < 24, `the Demo flags ${flagged} of 24`);
  await press(page, 'demo');
  await page.waitForTimeout(1000);
  results = await page.evaluate(() => globalThis.stratum.results());
  assert.equal(results.rows.length, 24, 'the same 24 files, not 48');
  assert.equal(results.notice, '24 files were already in the table (same name and size) and not added again');
  await page.close();
});

// Issue 18: a labels CSV dropped together with the images labels them, and so does one inside a
// picked folder.
test('a labels CSV dropped with the images, or inside a picked folder, labels them', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm&model=models/tiny_encoder.json');
  const names = ['square_32.png', 'gray_48.png', 'tall_20x70.png'];
  const csv = 'file,label\nsquare_32.png,anomalous\ngray_48.png,normal\ntall_20x70.png,normal\n';
  await dropFiles(page, [...names.map((name) => ({ name, bytes: readFileSync(join(inputs, name)) })),
    { name: 'labels.csv', bytes: Buffer.from(csv) }]);
  let results = await waitForResults(page, names.length);
  assert.deepEqual(results.rows.map((r) => [r.name, r.label]),
    [['square_32.png', 'anomalous'], ['gray_48.png', 'normal'], ['tall_20x70.png', 'normal']]);
  assert.match(results.notice, /3 files labelled/);

  const folder = mkdtempSync(join(tmpdir(), 'stratum-labelled-'));
  mkdirSync(join(folder, 'cells'));
  for (const name of names) writeFileSync(join(folder, 'cells', name), readFileSync(join(inputs, name)));
  writeFileSync(join(folder, 'cells', 'labels.csv'), csv);
  const other = await readyPage('?backend=wasm&model=models/tiny_encoder.json');
  await other.setInputFiles('#folder-picker', join(folder, 'cells'));
  results = await waitForResults(other, names.length);
  assert.equal(results.rows.find((r) => r.name === 'cells/square_32.png').label, 'anomalous');
  assert.equal(results.rows.filter((r) => r.label === 'normal').length, 2);
  await other.close();
  await page.close();
});

// Issue 18: loading another model keeps the files and scores them again with it; switching the
// backend while files are scored loses none of them.
test('another model scores the same files again; a backend switch mid-run loses no file', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm&model=models/tiny_encoder.json');
  const sources = ['square_32.png', 'gray_48.png', 'tall_20x70.png', 'wide_96x40.png', 'photo_120x90.jpg'];
  const files = Array.from({ length: 300 }, (_, i) => ({ name: `${String(i).padStart(3, '0')}-${sources[i % 5]}`,
    bytes: readFileSync(join(inputs, sources[i % 5])) }));
  await dropFiles(page, files);
  await page.waitForFunction(() => globalThis.stratum.progress().finished > 20, null, { timeout: 60000 });
  await page.evaluate(() => globalThis.stratumBridge.switchBackend('wasm'));  // a new session while batches run
  let results = await waitForResults(page, files.length);
  assert.deepEqual(results.rows.filter((r) => r.status !== 'scored').map((r) => `${r.name}: ${r.error}`), []);
  const tiny = results.model;

  assert.equal(await page.evaluate(() => globalThis.stratum.loadModelFromUrl('models/default.json')), true);
  await page.waitForFunction((name) => globalThis.stratum.results().model !== name, tiny);
  results = await waitForResults(page, files.length);
  assert.notEqual(results.model, tiny);
  assert.equal(results.rows.filter((r) => r.status === 'scored').length, files.length, 'every file scored again');
  assert.match(results.notice, /model changed: the files are scored again with/);
  await page.close();
});

// Issue 18: a fallback (software) WebGPU adapter is not taken; the status bar says why.
test('the page takes WASM over a software WebGPU adapter and says why', { timeout: 180000 }, async () => {
  const page = await readyPage('?model=models/tiny_encoder.json');
  const results = await page.evaluate(() => globalThis.stratum.results());
  assert.equal(results.backend, 'wasm');
  // Debian's chromium here offers SwiftShader (with --enable-unsafe-swiftshader) as its only adapter.
  assert.match(results.backend_note, /the only WebGPU adapter is a software fallback/);
  await page.close();
});

// Issue 18: one far-out score no longer squashes the histogram; the plot reads its range, ticks and
// overflow count from the same function the unit tests check (histogram_axis).
test('one outlier leaves the histogram readable, counted at its edge', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm');
  await press(page, 'demo');
  await waitForResults(page, 24);
  await dropFiles(page, [{ name: 'square_32.png', bytes: readFileSync(join(inputs, 'square_32.png')) }]);
  const results = await waitForResults(page, 25);
  const outlier = results.rows.find((r) => r.name === 'square_32.png');
  const cells = results.rows.filter((r) => r.name !== 'square_32.png').map((r) => r.score);
  assert.ok(outlier.score > 10 * Math.max(...cells), `the outlier scores ${outlier.score}`);
  const h = results.histogram;
  assert.equal(h.above, 1, 'the outlier is counted beyond the right edge');
  assert.ok(h.hi < outlier.score / 4 && h.hi >= Math.max(...cells), `axis ${h.lo}..${h.hi}`);
  assert.ok(h.ticks.length >= 3);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'page-histogram-outlier-1400.png') });
  await page.close();
});

// Issue 18: the strata view shows strata: radius from just below the smallest norm, rings at the
// training quantiles, and for a score other than the norm a note instead of a threshold ring.
test('the strata view spreads the norms and rings the training quantiles', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm');
  await press(page, 'demo');
  const results = await waitForResults(page, 24);
  const norms = results.rows.map((r) => r.norm);
  assert.ok(results.strata.inner > 0 && results.strata.inner < Math.min(...norms), `centre at ${results.strata.inner}`);
  assert.deepEqual(results.strata.rings.map((r) => r.label), ['5 %', 'median', '95 %']);
  await press(page, 'strata');
  await page.mouse.move(5, 5);
  await page.waitForTimeout(300);
  assert.equal((await page.evaluate(() => globalThis.stratum.results())).view.plot, 1);
  await page.screenshot({ path: join(artifacts, 'page-strata-1400.png') });
  await page.close();
});

// Issue 18: hovering a point shows its thumbnail even when the table has not drawn its row yet.
test('a point of a row the table has not drawn shows its thumbnail on hover', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm');
  await press(page, 'demo');
  const results = await waitForResults(page, 24);
  const view = results.view;
  assert.ok(view.table_scroll_max > 0, 'the table cannot show all 24 rows at once');
  // A row the table has not drawn, whose point in the PCA view (from the plot's own transform) is the
  // farthest from every other point, so that the pointer on it can only mean that row.
  const [x0, y0, x1, y1] = view.plot_rect;
  const at = (r) => [x0 + ((r.pc[0] * view.plot_scale[0] + view.plot_offset[0] + 1) / 2) * (x1 - x0),
                     y0 + ((1 - (r.pc[1] * view.plot_scale[1] + view.plot_offset[1])) / 2) * (y1 - y0)];
  const clearance = (r) => Math.min(...results.rows.filter((o) => o !== r).map((o) => Math.hypot(at(o)[0] - at(r)[0], at(o)[1] - at(r)[1])));
  const hidden = results.rows.filter((r) => !r.in_table);
  assert.ok(hidden.length > 0, 'some rows are out of the table\'s view');
  const row = hidden.reduce((a, b) => (clearance(b) > clearance(a) ? b : a));
  assert.ok(clearance(row) > 2, `${row.name}'s point is ${clearance(row)} px from another: no point stands alone`);
  const [x, y] = at(row);
  await page.mouse.move(x, y);
  await page.waitForTimeout(300);
  await page.mouse.move(x + 0.5, y);
  await page.waitForTimeout(300);
  const hovered = (await page.evaluate(() => globalThis.stratum.results())).view;
  assert.equal(hovered.hovered, row.name, 'its point is under the pointer');
  assert.equal(hovered.hovered_thumbnail, true, `${hovered.hovered}: its tooltip has the thumbnail`);
  await page.screenshot({ path: join(artifacts, 'page-hover-thumbnail-1400.png') });
  await page.close();
});

// Issue 18: at 1400x900 the left column fits with the ROC shown (labelled demo), nothing cut.
test('at 1400x900 the left column fits, ROC included', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm');
  await press(page, 'demo');
  await waitForResults(page, 24);
  await page.waitForTimeout(300);
  const results = await page.evaluate(() => globalThis.stratum.results());
  const marks = await page.evaluate(() => globalThis.stratum.ui());
  assert.equal(results.view.side_scroll_max, 0, 'the left column does not scroll');
  assert.ok(marks.roc && marks.roc[3] <= marks.side[3], `the ROC (${marks.roc}) ends inside the column (${marks.side})`);
  await page.screenshot({ path: join(artifacts, 'page-demo-1400x900.png') });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.waitForTimeout(500);
  await page.screenshot({ path: join(artifacts, 'page-demo-1920x1080.png') });
  await page.close();
});

// Issue 18: names in any script show as written (fallback fonts from Debian packages, merged into the
// atlas when a name needs them), not as "??????.png".
test('file names in Cyrillic, CJK, Hangul, Greek and emoji are drawn with real glyphs', { timeout: 180000 }, async () => {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  const refused = [];  // every request the page makes is answered (no favicon 404, fonts found)
  page.on('response', (r) => { if (r.status() >= 400) refused.push(`${r.status()} ${r.url()}`); });
  await page.goto(server.url + '?backend=wasm&model=models/tiny_encoder.json');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  const names = ['Клетка.png', '细胞_3.png', '세포.png', '🔬cell.png', 'Ωmega.png'];
  await dropFiles(page, names.map((name) => ({ name, bytes: readFileSync(join(inputs, 'square_32.png')) })));
  const results = await waitForResults(page, names.length);
  assert.deepEqual(results.rows.map((r) => r.name), names);
  await page.waitForFunction(() => globalThis.stratum.missingGlyphs() === 0, null, { timeout: 30000 });
  assert.deepEqual(refused, []);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'page-names-any-script.png') });
  await page.close();
});

// Issue 18: "Save report" hands the browser one self-contained HTML file; opened on its own, it shows
// the model, the threshold, the plots and the most anomalous cells, and fetches nothing.
test('Save report downloads one self-contained HTML file', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm');
  await press(page, 'demo');
  const results = await waitForResults(page, 24);
  const [download] = await Promise.all([page.waitForEvent('download'), press(page, 'save_report')]);
  assert.equal(download.suggestedFilename(), 'stratum-report.html');
  const saved = join(artifacts, 'stratum-report.html');
  await download.saveAs(saved);
  const html = readFileSync(saved, 'utf8');
  assert.ok(html.includes(results.model));
  assert.equal((html.match(/<img class="thumb" alt="" src="data:image\/png;base64,/g) || []).length, 24, 'every demo cell with its thumbnail');
  // The model has maps: the 8 highest scores' maps (made before the download) and the colour scale.
  assert.equal((html.match(/<img class="map" alt="" src="data:image\/png;base64,/g) || []).length, 8, 'the gallery\'s maps');
  assert.equal((html.match(/<img class="scale" alt="colour scale" src="data:image\/png;base64,/g) || []).length, 1);
  assert.ok(!/\b(src|href)="(?!data:)/.test(html), 'no reference outside the file');
  const viewer = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const requests = [];
  viewer.on('request', (r) => requests.push(r.url()));
  await viewer.goto(`file://${saved}`);
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);
  // Thumbnails at 64 px; each map strip (image | reconstruction | map) at its own size, not squashed.
  const sizes = await viewer.evaluate(() => Array.from(document.images, (i) => ({
    kind: i.className, width: i.width, height: i.height, natural: [i.naturalWidth, i.naturalHeight] })));
  for (const s of sizes.filter((s) => s.kind === 'thumb')) assert.deepEqual([s.width, s.height], [64, 64]);
  const strips = sizes.filter((s) => s.kind === 'map');
  assert.equal(strips.length, 8);
  for (const s of strips) assert.deepEqual([s.width, s.height], s.natural, `a map strip drawn at ${s.width}x${s.height}`);
  await viewer.screenshot({ path: join(artifacts, 'report.png'), fullPage: true });
  await viewer.close();
  await page.close();
});

// Issue 18: the status bar's notes say what happened last and go with the rows they were about.
test('Cancel says what it cancelled, Clear forgets the notes', { timeout: 180000 }, async () => {
  const page = await readyPage('?backend=wasm&model=models/tiny_encoder.json');
  const files = Array.from({ length: 2000 }, (_, i) => ({ name: `${String(i).padStart(4, '0')}.png`,
    bytes: readFileSync(join(inputs, 'square_32.png')) }));
  await dropFiles(page, files);
  // The Cancel button shows with the progress bar.
  await page.waitForFunction(() => globalThis.stratum.progress().finished > 0 && globalThis.stratum.ui().cancel, null, { timeout: 60000 });
  await press(page, 'cancel');
  await page.waitForFunction(() => !globalThis.stratum.results().busy, null, { timeout: 60000 });
  let results = await page.evaluate(() => globalThis.stratum.results());
  const cancelled = results.rows.filter((r) => r.status === 'cancelled').length;
  assert.ok(cancelled > 0, 'some files were still waiting');
  assert.equal(results.notice, `cancelled: ${cancelled} files not scored`);
  await dropFiles(page, [files[0]]);  // already in the table: a note says so
  await page.waitForTimeout(300);
  assert.match((await page.evaluate(() => globalThis.stratum.results())).notice, /already in the table/);
  await press(page, 'clear');
  results = await page.evaluate(() => globalThis.stratum.results());
  assert.equal(results.rows.length, 0);
  assert.equal(results.notice, '', 'no note about rows that are gone');
  await page.close();
});
