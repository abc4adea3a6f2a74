// AUROC of each score column of a `stratum score` CSV, with one label as normal and every other label
// anomalous (labels from the folders, as the CLI reads them: label_for_path in src/core/results.h). Larger = anomalous; ties
// count one half (the mid-rank formula, as src/core/roc.cpp computes it).
// Usage: node studies/csv-auroc.mjs SCORES.csv NORMAL_LABEL
import { readFileSync } from 'node:fs';

const [file, normal] = process.argv.slice(2);
if (!file || !normal) {
  console.error('usage: node studies/csv-auroc.mjs SCORES.csv NORMAL_LABEL');
  process.exit(2);
}
// The CLI quotes a field only when it holds a comma, a quote or a line break.
const split = (line) => line.match(/("([^"]|"")*"|[^,]*)(,|$)/g).slice(0, -1)
  .map((f) => f.replace(/,$/, '').replace(/^"(.*)"$/s, '$1').replace(/""/g, '"'));
const [header, ...rows] = readFileSync(file, 'utf8').trim().split(/\r?\n/).map(split);
const at = (name) => header.indexOf(name);
// The score columns: norm, then those between error and input_range (the text and context columns follow).
const scores = ['norm', ...header.slice(at('error') + 1, at('input_range') > 0 ? at('input_range') : undefined)];
const scored = rows.filter((r) => r[at('error')] === '');
for (const name of scores) {
  const values = scored.map((r) => ({ v: Number(r[at(name)]), anomalous: r[at('label')] !== normal }));
  // Text columns (input_range, note, model...) are no score; a NaN would never equal itself below.
  if (values.some((x) => Number.isNaN(x.v))) continue;
  values.sort((a, b) => a.v - b.v);
  let rankSum = 0;
  for (let i = 0; i < values.length;) {
    let j = i, positives = 0;
    for (; j < values.length && values[j].v === values[i].v; j++) if (values[j].anomalous) positives++;
    rankSum += ((i + 1 + j) / 2) * positives;
    i = j;
  }
  const p = values.filter((x) => x.anomalous).length, n = values.length - p;
  console.log(`${name.padEnd(18)} AUROC ${((rankSum - (p * (p + 1)) / 2) / (p * n)).toFixed(4)}  (${n} normal, ${p} anomalous)`);
}
