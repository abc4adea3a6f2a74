// Scale: 10,000 files dropped at once are all scored, the tab stays alive and its memory (JS heap
// plus the wasm heap) bounded; a second drop of 10,000 is cancelled half-way and stops. Prints the figures it measured.
// Env: IMAGE_FIXTURES, STRATUM_SITE, STRATUM_ARTIFACTS, WORK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSession, dropFiles } from './browser.mjs';

const { IMAGE_FIXTURES, WORK } = process.env;
const site = resolve(process.env.STRATUM_SITE || 'build-web/site');
const artifacts = resolve(process.env.STRATUM_ARTIFACTS || 'test-artifacts');
let session, files;

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  execFileSync(IMAGE_FIXTURES, ['folder', WORK, '2', '5000', '32']);
  files = [];
  for (const c of ['c0', 'c1'])
    for (const f of readdirSync(join(WORK, c))) files.push({ name: `${c}_${f}`, bytes: readFileSync(join(WORK, c, f)) });
  assert.equal(files.length, 10000);
  session = await startSession(site, artifacts);
});

after(async () => {
  if (session) await session.close();
});

async function openPage() {
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
  let crashed = false;
  page.on('crash', () => { crashed = true; });
  await page.goto(session.server.url + '?backend=wasm&model=models/tiny_encoder.json');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  return { page, crashed: () => crashed };
}

const progress = (page) => page.evaluate(() => {
  const r = globalThis.stratum.results();
  const count = (s) => r.rows.filter((x) => x.status === s).length;
  return { rows: r.rows.length, scored: count('scored'), failed: count('failed'), cancelled: count('cancelled'), busy: r.busy };
});

test('10,000 files are scored and the tab survives', async () => {
  const { page, crashed } = await openPage();
  const start = Date.now();
  await dropFiles(page, files);
  await page.waitForFunction(() => { const r = globalThis.stratum.results(); return r.rows.length === 10000 && !r.busy; },
    null, { timeout: 480000, polling: 1000 });
  const seconds = (Date.now() - start) / 1000;
  const state = await progress(page);
  const memory = await page.evaluate(() => globalThis.stratum.memory());
  const heap = memory.js_heap_bytes / 1e6, wasm = memory.wasm_bytes / 1e6;
  console.log(`10,000 files scored in ${seconds.toFixed(1)} s (${(10000 / seconds).toFixed(0)} files/s, headless chromium, ` +
    `WASM backend); JS heap ${heap.toFixed(0)} MB, the page's wasm memory ${wasm.toFixed(0)} MB`);
  assert.equal(state.scored, 10000);
  assert.ok(!crashed());
  // Rows, thumbnails and latents of 10,000 files live in the wasm heap; the JS heap holds no images.
  assert.ok(heap + wasm < 1000, `JS heap ${heap} MB + wasm ${wasm} MB`);
  assert.ok(heap < 200, `JS heap ${heap} MB: images are held in JavaScript`);
  await page.screenshot({ path: join(artifacts, 'scale-10000.png') });
  await page.close();
});

test('cancel stops a large drop', async () => {
  const { page } = await openPage();
  await dropFiles(page, files);
  await page.waitForFunction(() => globalThis.stratum.results().rows.filter((x) => x.status === 'scored').length > 500,
    null, { timeout: 240000, polling: 200 });
  const box = (await page.evaluate(() => globalThis.stratum.ui())).cancel;
  await page.mouse.click((box[0] + box[2]) / 2, (box[1] + box[3]) / 2);
  await page.waitForFunction(() => !globalThis.stratum.results().busy, null, { timeout: 30000, polling: 200 });
  const stopped = await progress(page);
  await page.waitForTimeout(2000);
  const later = await progress(page);
  console.log(`cancelled: ${stopped.rows} of 10000 files read, ${stopped.scored} scored, ${stopped.cancelled} cancelled`);
  assert.ok(stopped.rows < 10000 || stopped.cancelled > 0, 'the cancel came before the end');
  assert.equal(stopped.scored + stopped.failed + stopped.cancelled, stopped.rows);
  assert.deepEqual(later, stopped, 'nothing is read or scored after the cancel');
  await page.close();
});
