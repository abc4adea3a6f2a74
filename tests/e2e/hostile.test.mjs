// The page on the hostile catalogue (tests/fixtures/hostile_catalogue.h), with the shipped default
// model: every file that must score is scored like `stratum score` scores it alone (within 1e-4, relative for scores beyond 1:
// ONNX Runtime Web against libtorch), every file that must fail shows its own reason, the batch goes
// on, the worker that decoded the 12000x9000 photo is replaced (its memory given back), and nothing
// leaves the origin. Env: STRATUM, IMAGE_FIXTURES, STRATUM_SITE, STRATUM_ARTIFACTS, WORK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startSession, dropFiles, waitForResults } from './browser.mjs';

const { STRATUM, IMAGE_FIXTURES, WORK } = process.env;
const site = resolve(process.env.STRATUM_SITE || 'build-web/site');
const artifacts = resolve(process.env.STRATUM_ARTIFACTS || 'test-artifacts');
let session, catalogue, alone;

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const inputs = join(WORK, 'hostile');
  execFileSync(IMAGE_FIXTURES, ['hostile', inputs]);
  catalogue = readFileSync(join(inputs, 'expected.tsv'), 'utf8').trim().split('\n').map((line) => {
    const [name, expect] = line.split('\t');
    return { name, expect, bytes: readFileSync(join(inputs, name)) };
  });
  // Each good file scored alone by the command line, with the model the page opens by default.
  alone = new Map();
  for (const { name, expect } of catalogue) {
    if (expect !== 'scored') continue;
    const csv = execFileSync(STRATUM, ['score', join(site, 'models', 'encoder.onnx'), join(inputs, name),
      '--csv', '-', '--threads', '2'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
    const [, norm, score] = csv.trim().split(/\r?\n/)[1].split(',');
    alone.set(name, { norm: Number(norm), score: Number(score) });
  }
  session = await startSession(site, artifacts);
});

after(async () => {
  if (session) await session.close();
});

test('hostile files: each bad one shows its reason, each good one scores as it does alone', async () => {
  const page = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(session.server.url + '?backend=wasm');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  await dropFiles(page, catalogue);
  const state = await waitForResults(page, catalogue.length, 180000);
  await page.screenshot({ path: join(artifacts, 'hostile-1-scored.png') });

  for (const { name, expect } of catalogue) {
    const row = state.rows.find((r) => r.name === name);
    assert.ok(row, `${name} is not in the table`);
    if (expect === 'scored') {
      assert.equal(row.status, 'scored', `${name}: ${row.error}`);
      const cli = alone.get(name);
      assert.ok(Math.abs(row.norm - cli.norm) <= 1e-4, `${name}: page norm ${row.norm}, alone ${cli.norm}`);
      // 1e-4, relative beyond 1: a far-off image (one-pixel.png scores 133 on the colour score) carries the
      // graph's float32 rounding (about 1e-7 relative) through the calibration's division by the MAD.
      assert.ok(Math.abs(row.score - cli.score) <= 1e-4 * Math.max(1, Math.abs(cli.score)),
        `${name}: page score ${row.score}, alone ${cli.score}`);
    } else {
      assert.equal(row.status, 'failed', `${name} should have failed`);
      assert.ok(row.error.includes(expect), `${name}: "${row.error}" does not say "${expect}"`);
    }
  }
  // Alone (one file per drop, in a fresh page), each good file gets the very score it got in the batch.
  const single = await session.browser.newPage({ viewport: { width: 1280, height: 800 } });
  await single.goto(session.server.url + '?backend=wasm');
  await single.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  const small = catalogue.filter((f) => f.expect === 'scored' && f.bytes.length < 100000);
  for (const [k, file] of small.entries()) {  // one drop per file, each scored before the next
    await dropFiles(single, [file]);
    const row = (await waitForResults(single, k + 1)).rows.find((r) => r.name === file.name);
    const batched = state.rows.find((r) => r.name === file.name);
    assert.equal(row.norm, batched.norm, `${file.name}: ${batched.norm} in the batch, ${row.norm} alone`);
  }
  await single.close();

  const decoders = await page.evaluate(() => globalThis.stratum.decoders());
  assert.ok(decoders.recycled >= 1, 'the worker that decoded the 108-megapixel photo was replaced');
  const origin = new URL(session.server.url).origin;
  assert.deepEqual(requests.filter((url) => !url.startsWith(origin) && !/^(blob|data):/.test(url)), []);
  await page.close();
});
