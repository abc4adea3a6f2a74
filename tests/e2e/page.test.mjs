// End to end: the built page in headless chromium scores generated images; every norm must equal the
// oracle's (a plain-loop evaluation of the tiny test encoder) within 1e-4, and bad files show the
// core's error. Runs once with the backend the page chooses (WebGPU when chromium offers an adapter)
// and once with WASM forced. Screenshots go to test-artifacts/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { startSession, dropFiles, waitForResults } from './browser.mjs';

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
