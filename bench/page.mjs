// Page benchmarks in headless chromium (Debian's), through playwright-core:
//   encoder only: the default model on the WASM backend, 1 thread and all cores, batch 1 and 32;
//   end to end: from the drop to the last score, for a folder of files, with the UI's frame times
//   (requestAnimationFrame intervals: the page's main loop runs in those frames) and the tab's memory.
// Usage: node bench/page.mjs SITE_DIR OUT.json [--model CARD_URL] [--encoder] [--e2e NAME=DIR[:ROUNDS] ...]
// (each DIR must lie inside SITE_DIR: the page fetches its files from there).
import { readdirSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join, resolve, relative } from 'node:path';
import { startSession } from '../tests/e2e/browser.mjs';

const args = process.argv.slice(2);
if (args.length < 2 || args.includes('--help')) {
  console.log('usage: node bench/page.mjs SITE_DIR OUT.json [--model CARD_URL] [--encoder] [--e2e NAME=DIR[:ROUNDS] ...]');
  process.exit(args.includes('--help') ? 0 : 2);
}
const [siteDir, outPath] = args;
const site = resolve(siteDir);
const wantEncoder = args.includes('--encoder');
const e2e = [];
let model = '';
for (let i = 2; i < args.length; i++) {
  if (args[i] === '--e2e') {
    // NAME=DIR or NAME=DIR:ROUNDS
    const [name, spec] = args[++i].split('=');
    const [dir, rounds] = spec.split(':');
    e2e.push([name, dir, Number(rounds) || 1]);
  }
  else if (args[i] === '--model') model = `&model=${encodeURIComponent(args[++i])}`;
}

const session = await startSession(site, resolve('bench/out'));
process.on('exit', () => session.server.close());  // also when a step throws
const results = { encoder: [], e2e: [] };

async function openPage(query) {
  const page = await session.browser.newPage({ viewport: { width: Number(process.env.BENCH_WIDTH || 1280), height: Number(process.env.BENCH_HEIGHT || 800) } });
  await page.goto(session.server.url + query + model);
  await page.waitForFunction(() => globalThis.stratum && globalThis.stratum.results().ready, null, { timeout: 120000 });
  return page;
}

// Resident memory from /proc: the renderer processes (the tab, its workers included) and every chromium
// process (browser, GPU with its software renderer, utilities).
function chromiumRssMb() {
  const mb = { tab: 0, all: 0 };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/chrom/.test(cmd.split('\0')[0])) continue;
      const rss = readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/);
      if (!rss) continue;
      mb.all += Number(rss[1]) / 1024;
      if (cmd.includes('--type=renderer')) mb.tab += Number(rss[1]) / 1024;
    } catch { /* the process ended */ }
  }
  return mb;
}

function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : 0;
}

if (wantEncoder) {
  const cores = (await import('node:os')).cpus().length;
  for (const threads of [1, cores]) {
    const page = await openPage(`?backend=wasm&threads=${threads}`);
    for (const batch of [1, 32]) {
      const r = await page.evaluate(([b]) => globalThis.stratum.benchEncoder(b, 3), [batch]);
      results.encoder.push({ runtime: 'page (onnxruntime-web, chromium)', threads: r.threads, batch, images_per_s: r.images_per_s });
      console.log(`page encoder: ${r.backend} ${r.threads} thread(s), batch ${batch}: ${r.images_per_s.toFixed(0)} images/s`);
    }
    await page.close();
  }
}

// One drop of a folder's files into a fresh page: seconds, the frame intervals while it scored, the
// main thread's draw times, the outcome, and the tab's memory after it.
async function dropOnce(name, dir, files) {
  // The files are served from the site folder's bench-inputs link and fetched into File objects before
  // the clock starts, so the figure is the page's work, not the test harness's.
  const page = await openPage(`?backend=wasm${process.env.BENCH_E2E_QUERY || ''}`);
  const mount = relative(site, resolve(dir));
  const summary = await page.evaluate(async ([names, base]) => {
    const list = [];
    for (let i = 0; i < names.length; i += 100)  // a few requests at a time: 10,000 at once fail
      list.push(...await Promise.all(names.slice(i, i + 100).map(async (n) => new File([await (await fetch(`${base}/${n}`)).arrayBuffer()], n))));
    // The drop's DataTransfer is built first: that is the harness's work, not the page's.
    const transfer = new DataTransfer();
    for (const f of list) transfer.items.add(f);
    await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    globalThis.stratum.resetFrameStats();
    const frames = [];
    let last = performance.now();
    let recording = true;
    const tick = (t) => { frames.push(t - last); last = t; if (recording) requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    const start = performance.now();
    document.getElementById('canvas').dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    await new Promise((done) => {
      const poll = () => {
        const p = globalThis.stratum.progress();
        if (p.rows === names.length && p.finished === names.length && !p.busy) done(); else setTimeout(poll, 20);
      };
      poll();
    });
    const seconds = (performance.now() - start) / 1000;
    recording = false;
    const r = globalThis.stratum.results();
    return { seconds, frames: frames.slice(1), draw: globalThis.stratum.frameStats(), pipeline: globalThis.stratum.pipeline(), scored: r.rows.filter((x) => x.status === 'scored').length,
      failed: r.rows.filter((x) => x.status === 'failed').length, heap_mb: performance.memory.usedJSHeapSize / 1e6 };
  }, [files, mount]);
  summary.memory = chromiumRssMb();
  await page.screenshot({ path: `bench/out/page-${name}.png` });
  await page.close();
  return summary;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

for (const [name, dir, rounds] of e2e) {
  const files = readdirSync(dir).filter((f) => statSync(join(dir, f)).isFile()).sort();
  // A short drop (1000 small files: about 3 s, 170 frames) runs several rounds in fresh pages and its
  // frames are pooled, so that the p95 rests on more than the 8 slowest frames of one run; files/s is
  // the median round.
  const runs = [];
  for (let round = 0; round < rounds; round++) runs.push(await dropOnce(name, dir, files));
  const frames = runs.flatMap((r) => r.frames);
  const last = runs[runs.length - 1];
  const seconds = median(runs.map((r) => r.seconds));
  const entry = {
    name, files: files.length, rounds, seconds, files_per_s: files.length / seconds,
    files_per_s_rounds: runs.map((r) => files.length / r.seconds),
    scored: last.scored, failed: last.failed,
    frame_ms_p50: percentile(frames, 0.5), frame_ms_p95: percentile(frames, 0.95),
    frame_ms_max: Math.max(...frames), frames: frames.length,
    frame_ms_p95_rounds: runs.map((r) => percentile(r.frames, 0.95)),
    draw_ms_p50: median(runs.map((r) => r.draw.draw_ms_p50)), draw_ms_p95: median(runs.map((r) => r.draw.draw_ms_p95)),
    draws: last.draw.draws,
    tab_rss_mb: last.memory.tab, chromium_rss_mb: last.memory.all, js_heap_mb: last.heap_mb,
    // The share of the drop during which a batch was with the encoder (1: the encoder never waited).
    encoder_busy_share: median(runs.map((r) => r.pipeline.encoderMs / 1000 / r.seconds)),
  };
  results.e2e.push(entry);
  console.log(`page end to end, ${name}: ${entry.files} files, ${rounds} round(s), median ${entry.seconds.toFixed(1)} s ` +
    `(${entry.files_per_s.toFixed(0)} files/s); frame time over ${entry.frames} frames p50 ${entry.frame_ms_p50.toFixed(1)} ms, ` +
    `p95 ${entry.frame_ms_p95.toFixed(1)} ms (per round ${entry.frame_ms_p95_rounds.map((v) => v.toFixed(1)).join(', ')}), ` +
    `max ${entry.frame_ms_max.toFixed(0)} ms; draw (main thread) p50 ${entry.draw_ms_p50.toFixed(1)} ms, ` +
    `p95 ${entry.draw_ms_p95.toFixed(1)} ms; tab RSS ${entry.tab_rss_mb.toFixed(0)} MB (all chromium ${entry.chromium_rss_mb.toFixed(0)} MB); ` +
    `encoder busy ${(100 * entry.encoder_busy_share).toFixed(0)} % of the drop`);
}

await session.close();
writeFileSync(outPath, JSON.stringify(results, null, 2));
