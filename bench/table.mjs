// Reads bench/out/parts/*.json (written by bench/run.sh), prints the table and the targets of issue 6,
// and writes everything as bench/out/results.json. Usage: node bench/table.mjs OUT_DIR [SECONDS]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const [outDir, seconds] = process.argv.slice(2);
const parts = {};
for (const f of readdirSync(join(outDir, 'parts')).filter((n) => n.endsWith('.json')))
  parts[f.replace(/\.json$/, '')] = JSON.parse(readFileSync(join(outDir, 'parts', f), 'utf8'));
const cores = cpus().length;
const fmt = (v, d = 0) => (v === undefined || v === null || Number.isNaN(v) ? '-' : Number(v).toFixed(d));
const lines = [];
const say = (s = '') => { lines.push(s); console.log(s); };
const targets = [];
// better: 'higher' (>= limit), 'lower' (<= limit) or 'under' (< limit, strictly).
const target = (name, value, limit, better, unit = '') => {
  const met = better === 'higher' ? value >= limit : better === 'under' ? value < limit : value <= limit;
  targets.push({ name, value, limit, better, met });
  const sign = { higher: '>=', lower: '<=', under: '<' }[better];
  return `${fmt(value, 2)}${unit} (target ${sign} ${limit}${unit}: ${met ? 'met' : 'NOT met'})`;
};

const gemm = (p) => Math.max(...parts[p].gemm.map((g) => g.gflops));
say(`machine: ${cpus()[0].model}, ${cores} cores; float32 matrix multiply (torch::mm): ` +
  `${fmt(gemm('gemm_1'), 1)} GFLOP/s on 1 thread, ${fmt(gemm('gemm_all'), 1)} on ${cores}`);
say('GPU: none in this run (see docs/PERFORMANCE.md for the GPU figures, when a GPU was lent)');
say();

// Encoder only.
const enc = [];
const page = parts.page || { encoder: [], e2e: [] };
for (const r of page.encoder) enc.push(r);
for (const r of parts.encoder_node || []) enc.push(r);
for (const [k, v] of Object.entries(parts).filter(([k]) => k.startsWith('encoder_libtorch_')))
  enc.push({ runtime: 'stratum (libtorch)', threads: v.threads, batch: v.encoder.batch, images_per_s: v.encoder.images_per_s });
say('encoder only, images/s (default model)      1 thread b1   1 thread b32   ' + `${cores} threads b1   ${cores} threads b32`);
const runtimes = [...new Set(enc.map((r) => r.runtime))];
const rate = (runtime, threads, batch) => (enc.find((r) => r.runtime === runtime && r.threads === threads && r.batch === batch) || {}).images_per_s;
for (const rt of runtimes)
  say(`  ${rt.padEnd(42)} ${fmt(rate(rt, 1, 1)).padStart(12)} ${fmt(rate(rt, 1, 32)).padStart(14)} ` +
    `${fmt(rate(rt, cores, 1)).padStart(14)} ${fmt(rate(rt, cores, 32)).padStart(15)}`);
const pageRt = runtimes.find((r) => r.startsWith('page'));
const nativeRt = runtimes.find((r) => r.startsWith('onnxruntime-node'));
if (pageRt && nativeRt) {
  say(`  page / onnxruntime-node, batch 32, 1 thread: ${target('page encoder vs native ORT (1 thread)', rate(pageRt, 1, 32) / rate(nativeRt, 1, 32), 0.5, 'higher', 'x')}`);
  say(`  page / onnxruntime-node, batch 32, ${cores} threads: ${target(`page encoder vs native ORT (${cores} threads)`, rate(pageRt, cores, 32) / rate(nativeRt, cores, 32), 0.5, 'higher', 'x')}`);
}
say();

say('end to end (from the drop to the last score shown)   files/s   frame p50/p95 ms   draw p95 ms   tab RSS MB');
for (const r of page.e2e)
  say(`  page, ${r.name.padEnd(44)} ${fmt(r.files_per_s).padStart(8)}   ${fmt(r.frame_ms_p50, 1)}/${fmt(r.frame_ms_p95, 1)}`.padEnd(78) +
    `${fmt(r.draw_ms_p95, 1).padStart(6)}   ${fmt(r.tab_rss_mb).padStart(8)}`);
for (const [k, v] of Object.entries(parts).filter(([k]) => k.startsWith('score_cli_')))
  say(`  stratum score (libtorch, ${cores} threads), ${v.set.padEnd(22)} ${fmt(v.files / v.seconds).padStart(8)}`);
const png = page.e2e.find((r) => r.name === 'png1000');
const many = page.e2e.find((r) => r.name === 'png10000');
const pageBest = pageRt && Math.max(rate(pageRt, cores, 32) || 0, rate(pageRt, 1, 32) || 0);
if (png && pageBest) say(`  page end to end / page encoder only (1000 PNGs): ${target('page end to end vs encoder only', png.files_per_s / pageBest, 0.8, 'higher', 'x')}`);
// Frame intervals come in display frames (16.7 ms at 60 Hz): a p95 of 49.99 ms is three frames, the
// limit itself, and not under it; so the target is two frames at most (33.3 ms).
for (const r of page.e2e) say(`  frame time p95 while scoring ${r.name}: ${target(`frame p95 ${r.name}`, Math.round(r.frame_ms_p95 * 10) / 10, 50, 'under', ' ms')}`);
if (many) say(`  tab memory after 10,000 images with thumbnails: ${target('tab RSS after 10,000 images', many.tab_rss_mb, 1000, 'lower', ' MB')}`);
say();

// The round with the median iteration time, of the rounds bench/run.sh ran.
function medianRound(prefix) {
  const rounds = Object.entries(parts).filter(([k]) => k.startsWith(prefix)).map(([, v]) => v)
    .sort((a, b) => a.train.seconds_per_iteration - b.train.seconds_per_iteration);
  return rounds.length ? { ...rounds[Math.floor(rounds.length / 2)], rounds: rounds.length } : null;
}
say('training, images/s of one iteration (D, G and E steps)   C++     PyTorch   C++/PyTorch time   GFLOP/image   ceiling   C++ % of ceiling');
for (const preset of ['small', 'paper'])
  for (const size of [32, 64]) {
    const cpp = medianRound(`train_cpp_${preset}_${size}_r`), py = medianRound(`train_py_${preset}_${size}_r`);
    if (!cpp || !py) continue;
    const ratio = cpp.train.seconds_per_iteration / py.train.seconds_per_iteration;
    const per = cpp.train.iteration_flops_estimate_per_image;
    const ceiling = (gemm('gemm_all') * 1e9) / per;
    target(`training ${preset} ${size}px: C++ / PyTorch iteration time`, ratio, 1.0, 'lower');
    say(`  ${`${preset} ${size}px, batch ${cpp.train.batch}, median of ${cpp.rounds}`.padEnd(52)} ${fmt(cpp.train.images_per_s, 1).padStart(6)} ` +
      `${fmt(py.train.images_per_s, 1).padStart(9)} ${fmt(ratio, 3).padStart(18)} ${fmt(per / 1e9, 2).padStart(13)} ` +
      `${fmt(ceiling, 1).padStart(9)} ${fmt((100 * cpp.train.images_per_s) / ceiling, 0).padStart(14)}%`);
  }
say('  (ceiling: the matrix-multiply rate over 3x the forward FLOPs counted in one iteration; the gradient');
say('   penalty\'s second-order pass is not counted, so the ceiling is optimistic)');
say();
say('forward FLOPs per image (MFLOP)             G         D         E');
for (const preset of ['small', 'paper'])
  for (const size of [32, 64]) {
    const fl = parts[`flops_${preset}_${size}`];
    if (fl) say(`  ${`${preset} ${size}px`.padEnd(38)} ${fmt(fl.flops.g_forward / 1e6).padStart(9)} ${fmt(fl.flops.d_forward / 1e6).padStart(9)} ${fmt(fl.flops.e_forward / 1e6).padStart(9)}`);
  }
say();
say(`targets: ${targets.filter((t) => t.met).length} of ${targets.length} met` + (seconds ? `; bench/run.sh took ${seconds} s` : ''));
writeFileSync(join(outDir, 'results.json'), JSON.stringify({ cores, seconds: Number(seconds) || null, targets, parts }, null, 2));
writeFileSync(join(outDir, 'table.txt'), lines.join('\n') + '\n');
