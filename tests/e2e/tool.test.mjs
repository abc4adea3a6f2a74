// End to end with a model trained and exported by stratum: swap it into the page, drop real and bad
// images plus a labels CSV, and check every score against `stratum score` (libtorch, same file);
// drag the threshold; download the CSV; and check that no request left the page's origin.
// Env: STRATUM, IMAGE_FIXTURES, SHARED_DATA, STRATUM_SITE, STRATUM_ARTIFACTS, WORK.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve, basename } from 'node:path';
import { startSession, dropFiles, waitForResults, frames } from './browser.mjs';

const { STRATUM, IMAGE_FIXTURES, SHARED_DATA, WORK } = process.env;
const site = resolve(process.env.STRATUM_SITE || 'build-web/site');
const artifacts = resolve(process.env.STRATUM_ARTIFACTS || 'test-artifacts');
const run = (cmd, args) => execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }).toString();
let session, server, browser, images, model, expected, expectedNorm;

function parseCsv(text) {
  // The CLI's CSV has no embedded newlines for these file names; quoted commas are handled.
  const lines = text.trim().split(/\r?\n/);
  const split = (line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).slice(0, -1)
    .map((f) => f.replace(/,$/, '').replace(/^"(.*)"$/, '$1').replace(/""/g, '"'));
  const header = split(lines[0]);
  // The split drops a line's empty last field: every header column gets a value ('' when empty).
  return lines.slice(1).map((line) => { const f = split(line); return Object.fromEntries(header.map((h, i) => [h, f[i] ?? ''])); });
}

// `stratum score` on the test's images (or `folder`) with a model's graph (and the card beside it), by file name.
function cliScores(onnx, extra, out, folder = images) {
  try {
    run(STRATUM, ['score', onnx, folder, '--csv', join(WORK, out), '--threads', '2', ...extra]);
  } catch (error) {
    assert.equal(error.status, 1, 'stratum score exits 1 when some files could not be read');
  }
  // Keyed by the name within the folder ("stack.tif [page 3/4]" holds a slash of its own).
  return new Map(parseCsv(readFileSync(join(WORK, out), 'utf8'))
    .map((r) => [r.file.startsWith(folder + '/') ? r.file.slice(folder.length + 1) : basename(r.file), r]));
}

// Every number of a scored row against the CLI's line for the same file: the norm, the driving score,
// and each score the model offers (the graph's extra outputs in the page, libtorch's in the CLI).
// Within 1e-4, relative for values above 1: ONNX Runtime and libtorch differ by float32 rounding,
// which is relative, and a far-out image (calibrated score 60) carries it at that size.
const close = (a, b) => Math.abs(a - b) <= 1e-4 * Math.max(1, Math.abs(b));
// Types LO:HI in the Model panel's window field and presses "Use window", as a user would. The field's
// place is read after the page has settled (rows arriving can move the left column); a click that
// landed while the layout moved is tried again, and the window the page reads with is returned.
async function useWindow(page, text) {
  for (let attempt = 1; attempt <= 3; ++attempt) {
    await frames(page);
    const marks = await page.evaluate(() => globalThis.stratum.ui());
    const centre = (r) => [(r[0] + r[2]) / 2, (r[1] + r[3]) / 2];
    await page.mouse.click(...centre(marks.window_field));
    await frames(page);
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
    await frames(page);
    await page.mouse.click(...centre(marks.window_apply));
    await frames(page);
    const range = (await page.evaluate(() => globalThis.stratum.results())).input_range;
    if (range.startsWith(text + ' ')) return range;
    console.log(`useWindow: attempt ${attempt} left the window at ${range}`);
  }
  return (await page.evaluate(() => globalThis.stratum.results())).input_range;
}

function assertAgreesWithCli(row, cli, label) {
  assert.ok(close(row.norm, Number(cli.norm)), `${label}: page norm ${row.norm}, CLI ${cli.norm}`);
  assert.ok(close(row.score, Number(cli.score)), `${label}: page score ${row.score}, CLI ${cli.score}`);
  // The columns between file..error and pc1: one per extra score.
  const names = ['norm', ...Object.keys(cli).slice(6, Object.keys(cli).indexOf('pc1'))];
  assert.equal(row.raw.length, names.length, `${label}: one raw value per score the model offers`);
  names.slice(1).forEach((name, i) => assert.ok(close(row.raw[i + 1], Number(cli[name])),
    `${label}: ${name} ${row.raw[i + 1]} vs ${cli[name]}`));
}

before(async () => {
  rmSync(WORK, { recursive: true, force: true });
  images = join(WORK, 'images');
  mkdirSync(images, { recursive: true });
  // Real images (CIFAR-10 JPEG copy and PBC blood cells), a synthetic one, and two bad files.
  const cifar = ['test/cat/0010.jpg', 'test/ship/0011.jpg', 'test/airplane/0012.jpg', 'test/frog/0013.jpg'];
  run('tar', ['xzf', join(SHARED_DATA, 'cifar10', 'cifar10-jpg.tar.gz'), '-C', WORK, ...cifar]);
  run('tar', ['xzf', join(SHARED_DATA, 'pbc', 'pbc-png64.tar.gz'), '-C', WORK, '--wildcards', './neutrophil/BNE_10*.png']);
  cifar.forEach((f, i) => writeFileSync(join(images, `cifar_${i}_${basename(f)}`), readFileSync(join(WORK, f))));
  readdirSync(join(WORK, 'neutrophil')).sort().slice(0, 4)
    .forEach((f) => writeFileSync(join(images, `pbc_${f}`), readFileSync(join(WORK, 'neutrophil', f))));
  writeFileSync(join(images, 'truncated.jpg'), readFileSync(join(images, `cifar_0_0010.jpg`)).subarray(0, 300));
  writeFileSync(join(images, 'notes.png'), 'not an image\n');

  // A model trained and exported by stratum (tiny, on synthetic data: only its numbers matter here).
  run(IMAGE_FIXTURES, ['folder', join(WORK, 'data'), '1', '32', '32']);
  run(STRATUM, ['train', '--data', join(WORK, 'data'), '--out', join(WORK, 'run'), '--size', '32', '--fmap-base', '32',
    '--fmap-max', '8', '--latent', '12', '--batch', '8', '--images', '160', '--threads', '2']);
  run(STRATUM, ['export', join(WORK, 'run'), '--name', 'e2e-model']);
  model = join(WORK, 'run', 'export');
  // The card's default score (colour), and the norm as the driving score.
  expected = cliScores(join(model, 'encoder.onnx'), [], 'cli.csv');
  expectedNorm = cliScores(join(model, 'encoder.onnx'), ['--score', 'norm'], 'cli-norm.csv');
  assert.equal(expected.size, 10);

  session = await startSession(site, artifacts);
  ({ server, browser } = session);
});

after(async () => {
  if (session) await session.close();
});

test('the page agrees with stratum score, and everything stays on its origin', async () => {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(server.url + '?backend=wasm');
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  await page.screenshot({ path: join(artifacts, 'tool-1-start.png') });

  // A bad model first: a card whose graph is not ONNX. The default model stays in use.
  const shipped = (await page.evaluate(() => globalThis.stratum.results())).model;
  assert.equal(shipped, JSON.parse(readFileSync(join(site, 'models', 'default.json'), 'utf8')).name);
  await dropFiles(page, [{ name: 'broken.onnx', bytes: Buffer.from('not onnx') },
    { name: 'broken.json', bytes: readFileSync(join(model, 'encoder.json')) }]);
  await page.waitForFunction(() => globalThis.stratum.results().model_error !== '', null, { timeout: 30000 });
  let state = await page.evaluate(() => globalThis.stratum.results());
  assert.equal(state.model, shipped);
  assert.match(state.model_error, /broken/);

  // Swap in the exported model.
  await dropFiles(page, [{ name: 'encoder.onnx', bytes: readFileSync(join(model, 'encoder.onnx')) },
    { name: 'encoder.json', bytes: readFileSync(join(model, 'encoder.json')) }]);
  await page.waitForFunction(() => globalThis.stratum.results().model === 'e2e-model', null, { timeout: 30000 });

  // Images, then labels: the CIFAR ones "anomalous", the blood cells "normal".
  const files = readdirSync(images).sort().map((name) => ({ name, bytes: readFileSync(join(images, name)) }));
  await dropFiles(page, files);
  state = await waitForResults(page, files.length);
  const labels = 'file,label\n' + files.map((f) => `${f.name},${f.name.startsWith('cifar') ? 'anomalous' : 'normal'}`).join('\n');
  await dropFiles(page, [{ name: 'labels.csv', bytes: Buffer.from(labels) }]);
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(artifacts, 'tool-2-scored.png') });

  state = await page.evaluate(() => globalThis.stratum.results());
  let compared = 0;
  for (const row of state.rows) {
    const cli = expected.get(row.name);
    assert.ok(cli, `${row.name} missing from stratum score's CSV`);
    if (cli.error) {
      assert.equal(row.status, 'failed');
      assert.equal(row.error, cli.error, 'the page and the CLI give the same reason');
      continue;
    }
    assert.equal(row.status, 'scored', `${row.name}: ${row.error}`);
    assertAgreesWithCli(row, cli, row.name);
    compared++;
  }
  assert.equal(compared, 8);
  assert.equal(state.score_name, 'colour', "the card's default score drives the verdict");

  // Pick the norm in the score picker: scores, verdicts and threshold follow, as `stratum score --score norm`.
  let marks = await page.evaluate(() => globalThis.stratum.ui());
  const click = async (r) => page.mouse.click((r[0] + r[2]) / 2, (r[1] + r[3]) / 2);
  await click(marks.score_picker);
  await page.waitForTimeout(300);
  await page.mouse.move(marks.score_picker[0] + 5, marks.score_picker[3] + 5);
  await page.waitForTimeout(300);
  marks = await page.evaluate(() => globalThis.stratum.ui());
  await page.screenshot({ path: join(artifacts, 'tool-2a-score-picker.png') });
  assert.ok(marks.score_option_norm, `marks: ${Object.keys(marks).join(', ')}`);
  await click(marks.score_option_norm);
  await page.waitForFunction(() => globalThis.stratum.results().score_name === 'norm', null, { timeout: 10000 });
  const byNorm = await page.evaluate(() => globalThis.stratum.results());
  assert.notEqual(byNorm.threshold, state.threshold, "the threshold moved to the norm's default");
  for (const row of byNorm.rows.filter((r) => r.status === 'scored')) {
    const cli = expectedNorm.get(row.name);
    assert.ok(Math.abs(row.score - Number(cli.score)) <= 1e-4, `${row.name}: norm score ${row.score}, CLI ${cli.score}`);
    assert.equal(row.flagged, cli.verdict === 'anomalous', `${row.name}: verdict as the CLI's`);
  }
  state = byNorm;
  assert.ok(state.rows.every((r) => r.label === (r.name.startsWith('cifar') ? 'anomalous' : 'normal')));

  // Drag the threshold to the middle of the histogram: the flagged count follows it.
  const box = (await page.evaluate(() => globalThis.stratum.ui())).histogram;
  await page.mouse.move(box[0] + 5, (box[1] + box[3]) / 2);
  await page.mouse.down();
  await page.mouse.move((box[0] + box[2]) / 2, (box[1] + box[3]) / 2, { steps: 8 });
  await page.mouse.up();
  await page.waitForTimeout(200);
  const dragged = await page.evaluate(() => globalThis.stratum.results());
  assert.notEqual(dragged.threshold, state.threshold, 'the drag moved the threshold');
  const scores = dragged.rows.filter((r) => r.status === 'scored').map((r) => r.score);
  assert.equal(dragged.flagged, scores.filter((s) => s >= dragged.threshold).length);
  assert.ok(dragged.flagged > 0 && dragged.flagged < scores.length, `flagged ${dragged.flagged} of ${scores.length}`);
  await page.screenshot({ path: join(artifacts, 'tool-3-threshold.png') });

  // Export CSV through the button: the browser downloads what the page shows.
  const button = (await page.evaluate(() => globalThis.stratum.ui())).export_csv;
  const [download] = await Promise.all([page.waitForEvent('download'),
    page.mouse.click((button[0] + button[2]) / 2, (button[1] + button[3]) / 2)]);
  const csv = readFileSync(await download.path(), 'utf8');
  const exported = parseCsv(csv);
  assert.equal(exported.length, files.length);
  for (const row of exported) {
    const shown = dragged.rows.find((r) => r.name === row.file);
    if (shown.status === 'failed') {
      assert.equal(row.verdict, 'error');
      continue;
    }
    assert.equal(Number(row.norm), shown.norm);
    assert.equal(Number(row.feature), shown.raw[1]);
    assert.equal(Number(row.reconstruction), shown.raw[2]);
    assert.equal(Number(row.colour), shown.raw[3]);
    assert.equal(row.verdict, shown.flagged ? 'anomalous' : 'normal');
    assert.equal(row.label, shown.label);
  }

  // Privacy: every request went to the page's own origin (blob: and data: never leave the machine).
  const origin = new URL(server.url).origin;
  const foreign = requests.filter((url) => !url.startsWith(origin) && !/^(blob|data):/.test(url));
  assert.deepEqual(foreign, []);
  await context.close();
});

// A collaborator gets a link: every shipped model opens from it (?model=models/<folder>/encoder.json)
// and scores the same images as `stratum score` does with that model's graph and card.
test('every shipped model opens from a link and agrees with stratum score', async () => {
  const shippedModels = readdirSync(join(site, 'models'), { withFileTypes: true }).filter((d) => d.isDirectory())
    .map((d) => d.name);
  assert.ok(shippedModels.length >= 2, `the site holds ${shippedModels.length} shipped model folders`);
  const files = readdirSync(images).sort().map((name) => ({ name, bytes: readFileSync(join(images, name)) }));
  for (const folder of shippedModels) {
    const card = JSON.parse(readFileSync(join(site, 'models', folder, 'encoder.json'), 'utf8'));
    const cli = cliScores(join(site, 'models', folder, 'encoder.onnx'), [], `cli-${folder}.csv`);

    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}?backend=wasm&model=models/${folder}/encoder.json`);
    await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
    const opened = await page.evaluate(() => globalThis.stratum.results());
    assert.equal(opened.model, card.name, `${folder}: ${opened.model_error}`);
    assert.equal(opened.score_name, card.default_score);
    await dropFiles(page, files);
    const state = await waitForResults(page, files.length);
    let compared = 0;
    for (const row of state.rows.filter((r) => r.status === 'scored')) {
      const expectedRow = cli.get(row.name);
      assert.ok(expectedRow && !expectedRow.error, `${folder}: ${row.name} scored in the page, not by the CLI`);
      assertAgreesWithCli(row, expectedRow, `${folder} ${row.name}`);
      assert.equal(row.flagged, expectedRow.verdict === 'anomalous', `${folder} ${row.name}: verdict as the CLI's`);
      compared++;
    }
    assert.equal(compared, 8, `${folder}: scored files`);
    await page.close();
  }
});

// Lab files (issue 16): TIFF stacks with 12-bit samples, a 16-bit PNG, CMYK, alpha, BMP variants, files
// named wrongly or not images at all. Every page is a row in the page as in the CLI, with the same
// numbers, the same reasons and the same notes; a window typed in the page reads as --input-range.
test('TIFF stacks, 16-bit and odd files score in the page as in stratum score', async () => {
  const lab = join(WORK, 'lab');
  rmSync(lab, { recursive: true, force: true });
  mkdirSync(lab, { recursive: true });
  run(IMAGE_FIXTURES, ['stacks', join(WORK, 'stacks'), '2', '4', '40']);
  const cases = resolve('tests/core/cases/decoding');
  const sources = [...readdirSync(join(WORK, 'stacks')).filter((n) => n.endsWith('.tif')).map((n) => join(WORK, 'stacks', n)),
    ...readdirSync(cases).filter((n) => n !== 'folder-mixed-extensions').map((n) => join(cases, n)),
    ...readdirSync(join(cases, 'folder-mixed-extensions')).map((n) => join(cases, 'folder-mixed-extensions', n))];
  for (const path of sources) writeFileSync(join(lab, basename(path)), readFileSync(path));
  const onnx = join(site, 'models', 'encoder.onnx');  // the page's default model (models/default.json)
  const cliRows = cliScores(onnx, [], 'cli-lab.csv', lab);
  assert.equal(cliRows.get('stack_1.tif [page 3/4]').input_range, '0:255 (8-bit)');

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.url}?backend=wasm`);
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  const files = readdirSync(lab).sort().map((name) => ({ name, bytes: readFileSync(join(lab, name)) }));
  await dropFiles(page, files);
  let state = await waitForResults(page, cliRows.size);
  await page.screenshot({ path: join(artifacts, 'tool-5-lab-files.png') });
  for (const row of state.rows) {
    const expectedRow = cliRows.get(row.name);
    assert.ok(expectedRow, `${row.name}: a row in the page, none in the CLI's CSV`);
    assert.equal(row.note, expectedRow.note, `${row.name}: the same note`);
    if (expectedRow.error) {
      assert.equal(row.status, 'failed', `${row.name}`);
      assert.equal(row.error, expectedRow.error, `${row.name}: the same reason`);
      continue;
    }
    assert.equal(row.status, 'scored', `${row.name}: ${row.error}`);
    assert.equal(row.input_range, expectedRow.input_range);
    assertAgreesWithCli(row, expectedRow, row.name);
  }
  assert.equal(state.rows.filter((r) => / \[page \d\/4\]$/.test(r.name)).length, 8, 'two stacks of four pages');

  // The page's CSV and TSV against the CLI's, field by field: equal but for the file's folder (the
  // page shows what was dropped) and numbers within the tolerance above.
  const pageCsv = parseCsv(await page.evaluate(() => globalThis.stratum.csv()));
  const cliCsv = [...cliRows.values()];
  assert.deepEqual(Object.keys(pageCsv[0]), Object.keys(cliCsv[0]), 'the same columns in the same order');
  const numeric = new Set(['norm', 'score', 'pc1', 'pc2', ...Object.keys(cliCsv[0]).slice(6, Object.keys(cliCsv[0]).indexOf('pc1'))]);
  assert.equal(pageCsv.length, cliCsv.length);
  for (const row of pageCsv) {
    const other = cliRows.get(row.file);
    for (const [key, value] of Object.entries(row)) {
      if (key === 'file') continue;
      if (numeric.has(key) && value !== '') assert.ok(close(Number(value), Number(other[key])), `${row.file} ${key}: ${value} vs ${other[key]}`);
      else assert.equal(value, other[key], `${row.file}: ${key}`);
    }
  }
  cliScores(onnx, ['--latents', join(WORK, 'cli-lab.tsv')], 'cli-lab-latents.csv', lab);
  const tsvRows = (text) => text.trim().split('\n').map((line) => line.split('\t'));
  const [pageHeader, ...pageLatents] = tsvRows(await page.evaluate(() => globalThis.stratum.latents()));
  const [cliHeader, ...cliLatents] = tsvRows(readFileSync(join(WORK, 'cli-lab.tsv'), 'utf8'));
  assert.deepEqual(pageHeader, cliHeader);
  assert.equal(pageLatents.length, cliLatents.length);
  for (const [file, ...values] of pageLatents) {
    const other = cliLatents.find((l) => l[0].endsWith('/' + file));
    assert.ok(other, `${file}: no latent line from the CLI`);
    values.forEach((v, k) => assert.ok(close(Number(v), Number(other[k + 1])), `${file} z${k + 1}: ${v} vs ${other[k + 1]}`));
  }

  // The window typed in the page's Model panel, as --input-range gives it to the CLI.
  const narrow = cliScores(onnx, ['--input-range', '0:4095'], 'cli-lab-4095.csv', lab);
  assert.equal(await useWindow(page, '0:4095'), '0:4095 (as stored)');
  await dropFiles(page, [{ name: 'again.png', bytes: readFileSync(join(lab, 'gray16_12bit_data.png')) }]);
  state = await waitForResults(page, cliRows.size + 1);
  const again = state.rows.find((r) => r.name === 'again.png');
  const expectedRow = narrow.get('gray16_12bit_data.png');
  assert.equal(again.input_range, '0:4095 (as stored)');
  assert.equal(again.note, '');
  assertAgreesWithCli(again, expectedRow, 'gray16_12bit_data.png through 0:4095');
  await page.screenshot({ path: join(artifacts, 'tool-6-window.png') });
  await page.close();
});

// The lab's own model: trained on 12-bit TIFF stacks, its card's window (0:4095, 16-bit: the bits the
// files state) is what the page reads them through, and every page scores as in stratum score.
test('a model trained on 12-bit TIFF stacks scores them in the page as in stratum score', async () => {
  const data = join(WORK, 'stack-data');
  rmSync(data, { recursive: true, force: true });
  run(IMAGE_FIXTURES, ['stacks', join(data, 'cells'), '4', '4', '32']);
  rmSync(join(data, 'cells', 'twins'), { recursive: true, force: true });
  run(STRATUM, ['train', '--data', data, '--out', join(WORK, 'stack-run'), '--size', '32', '--channels', '1',
    '--fmap-base', '32', '--fmap-max', '8', '--latent', '12', '--batch', '8', '--images', '160', '--threads', '2']);
  run(STRATUM, ['export', join(WORK, 'stack-run'), '--name', 'stack12-model']);
  const exported = join(WORK, 'stack-run', 'export');
  const card = JSON.parse(readFileSync(join(exported, 'encoder.json'), 'utf8'));
  assert.deepEqual([card.input.intensity_window.lo, card.input.intensity_window.hi, card.input.intensity_window.units],
    [0, 4095, '16-bit']);
  const cli = cliScores(join(exported, 'encoder.onnx'), [], 'cli-stack12.csv', join(data, 'cells'));
  assert.equal(cli.size, 16);

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.url}?backend=wasm`);
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  await dropFiles(page, [{ name: 'encoder.onnx', bytes: readFileSync(join(exported, 'encoder.onnx')) },
    { name: 'encoder.json', bytes: readFileSync(join(exported, 'encoder.json')) }]);
  await page.waitForFunction(() => globalThis.stratum.results().model === 'stack12-model', null, { timeout: 30000 });
  const files = readdirSync(join(data, 'cells')).sort().map((name) => ({ name, bytes: readFileSync(join(data, 'cells', name)) }));
  await dropFiles(page, files);
  const state = await waitForResults(page, 16);
  for (const row of state.rows) {
    const expectedRow = cli.get(row.name);
    assert.ok(expectedRow, `${row.name}: not in the CLI's CSV`);
    assert.equal(row.status, 'scored', `${row.name}: ${row.error}`);
    assert.equal(row.input_range, '0:4095 (16-bit)');
    assert.equal(row.note, expectedRow.note);
    assertAgreesWithCli(row, expectedRow, row.name);
  }
  await page.screenshot({ path: join(artifacts, 'tool-7-stack12-model.png') });
  await page.close();
});

// One label rule in both front-ends (src/core/results.h): the nearest label-word folder, else the
// first folder below the one given; a folder picked in the page labels its files as the CLI does.
test('nested folders label files alike in the page and the CLI', async () => {
  const root = join(WORK, 'nested');
  rmSync(root, { recursive: true, force: true });
  const png = readFileSync(join(images, readdirSync(images).find((n) => n.startsWith('pbc_'))));
  const layout = { 'normal/2024/a.png': 'normal', 'batch1/anomalous/b.png': 'anomalous', 'neutrophil/c.png': 'neutrophil',
    'good/run/defect/d.png': 'defect', 'top.png': '' };
  for (const path of Object.keys(layout)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), png);
  }
  const cli = cliScores(join(site, 'models', 'encoder.onnx'), [], 'cli-nested.csv', root);
  for (const [path, label] of Object.entries(layout)) assert.equal(cli.get(path).label, label, `CLI: ${path}`);

  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${server.url}?backend=wasm`);
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 60000 });
  await page.setInputFiles('#folder-picker', root);
  const state = await waitForResults(page, Object.keys(layout).length);
  for (const row of state.rows) {
    const path = row.name.split('/').slice(1).join('/');  // the picked folder's own name comes first
    assert.ok(path in layout, `${row.name}: not a file of the folder`);
    assert.equal(row.label, layout[path], `page: ${row.name}`);
  }
  await page.close();
});
