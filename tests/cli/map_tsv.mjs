// Reads a `.map.tsv` that `stratum score --maps` writes: the calibrated anomaly map at the model's
// input size, one line per row of positions, values separated by tabs. Returns the values row after
// row; throws when the rows differ in length or a value is not a number, so that a broken file fails
// the test that reads it rather than comparing as zeros.
import { readFileSync } from 'node:fs';

export function readMapTsv(path) {
  const rows = readFileSync(path, 'utf8').trim().split('\n').map((line) => line.split('\t').map(Number));
  const width = rows[0].length;
  rows.forEach((row, y) => {
    if (row.length !== width) throw new Error(`${path}: row ${y} has ${row.length} values, row 0 has ${width}`);
    if (!row.every(Number.isFinite)) throw new Error(`${path}: row ${y} holds a value that is not a number`);
  });
  return rows.flat();
}
