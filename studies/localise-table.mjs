// The table of docs/RESULTS.md, "What the maps localise": `stratum localise --out` JSON files (one per
// seed of the model) in, per defect, size and map the mean pixel-level AUROC and hit rate over them,
// with half their range, as Markdown. Usage: node studies/localise-table.mjs A.json [B.json ...]
import { readFileSync } from 'node:fs';

const runs = process.argv.slice(2).map((f) => JSON.parse(readFileSync(f, 'utf8')));
if (!runs.length) {
  console.error('usage: node studies/localise-table.mjs RESULT.json [RESULT.json ...]');
  process.exit(2);
}
const key = (c) => `${c.defect}\t${c.size}\t${c.map}`;
const cells = new Map();
for (const run of runs) for (const c of run.cells) (cells.get(key(c)) || cells.set(key(c), []).get(key(c))).push(c);
const show = (values) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const half = (Math.max(...values) - Math.min(...values)) / 2;
  return values.length > 1 ? `${mean.toFixed(3)} ± ${half.toFixed(3)}` : mean.toFixed(3);
};
console.log(`${runs.length} model(s): ${runs.map((r) => r.model_file).join(', ')}; ${runs[0].normal_images} normal images each`);
console.log('| defect | size (px at 32) | map | pixel AUROC | hit rate | chance |');
console.log('|---|---|---|---|---|---|');
for (const [k, list] of cells) {
  const [defect, size, map] = k.split('\t');
  console.log(`| ${defect} | ${size} | ${map} | ${show(list.map((c) => c.pixel_auroc))} | ${show(list.map((c) => c.hit_rate))} | ${show(list.map((c) => c.chance_hit))} |`);
}
// Each map's mean over every defect and size.
const maps = [...new Set(runs[0].cells.map((c) => c.map))];
console.log('\n| map | mean pixel AUROC | mean hit rate |');
console.log('|---|---|---|');
for (const map of maps) {
  const all = [...cells.values()].flat().filter((c) => c.map === map);
  const mean = (f) => (all.reduce((a, c) => a + f(c), 0) / all.length).toFixed(3);
  console.log(`| ${map} | ${mean((c) => c.pixel_auroc)} | ${mean((c) => c.hit_rate)} |`);
}
