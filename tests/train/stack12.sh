#!/usr/bin/env bash
# A folder of 12-bit TIFF stacks trains, exports and scores end to end: the trainer takes the window
# the files state (BitsPerSample 12: 0-4095), the card records it, `stratum score` gives every page a
# row of its own through that window, and each page scores like its 8-bit PNG twin (the same pixels
# rounded to 8 bits) within 0.05 of the calibrated score (the tolerance of the decoding cases).
# Usage: stack12.sh STRATUM IMAGE_FIXTURES WORK_DIR
set -euo pipefail
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
"$fixtures" stacks "$work/data/cells" 6 4 32
mv "$work/data/cells/twins" "$work/twins"
"$stratum" train --data "$work/data" --out "$work/run" --size 32 --channels 1 --fmap-base 32 --fmap-max 8 --latent 12 \
  --batch 8 --images 160 --threads 2 >"$work/train.log" 2>&1 || { cat "$work/train.log"; echo "FAIL: training"; exit 1; }
grep -qF "intensity window 0:4095 (16-bit): 12 significant bits, as the files state" "$work/train.log" ||
  { cat "$work/train.log"; echo "FAIL: the trainer did not take the window the files state"; exit 1; }
grep -qF "reading 6 images" "$work/train.log" || { cat "$work/train.log"; echo "FAIL: expected 6 files listed"; exit 1; }
"$stratum" export "$work/run" >"$work/export.log" 2>&1 || { cat "$work/export.log"; echo "FAIL: export"; exit 1; }
card="$work/run/export/encoder.json"
node -e '
  const w = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).input.intensity_window;
  if (w.lo !== 0 || w.hi !== 4095 || w.units !== "16-bit") { console.error(JSON.stringify(w)); process.exit(1); }' "$card" ||
  { echo "FAIL: the card does not record the window 0:4095 (16-bit)"; exit 1; }

"$stratum" score "$work/run/export/encoder.onnx" "$work/data/cells" --csv "$work/stacks.csv" --threads 2 2>"$work/score.log"
"$stratum" score "$work/run/export/encoder.onnx" "$work/twins" --input-range 0:255 --csv "$work/twins8.csv" \
  --threads 2 2>>"$work/score.log"
node -e '
  const fs = require("fs");
  const read = (p) => { const [h, ...rows] = fs.readFileSync(p, "utf8").trim().split(/\r?\n/).map((l) => l.split(","));
    return rows.map((r) => Object.fromEntries(h.map((k, i) => [k, r[i]]))); };
  const stacks = read(process.argv[1]), twins = read(process.argv[2]);
  if (stacks.length !== 24) throw new Error(`${stacks.length} rows, 24 expected (6 files x 4 pages)`);
  let largest = 0;
  for (const row of stacks) {
    const m = row.file.match(/stack_(\d+)\.tif \[page (\d+)\/4\]$/);
    if (!m) throw new Error(`row name ${row.file}: expected "stack_N.tif [page K/4]"`);
    if (row.input_range !== "0:4095 (16-bit)" || row.note !== "") throw new Error(`${row.file}: ${row.input_range} / ${row.note}`);
    // The twin through the 8-bit window sees the same pixels rounded to 8 bits.
    const twin = twins.find((t) => t.file.endsWith(`stack_${m[1]}_${Number(m[2]) - 1}.png`));
    largest = Math.max(largest, Math.abs(Number(row.score) - Number(twin.score)));
  }
  console.log(`24 page rows through 0:4095 (16-bit); largest calibrated-score difference against the 8-bit twins: ${largest.toFixed(4)}`);
  if (!(largest <= 0.05)) throw new Error("a 12-bit page does not score like its 8-bit twin");' "$work/stacks.csv" "$work/twins8.csv" ||
  { cat "$work/score.log"; head -5 "$work/stacks.csv"; echo "FAIL: scoring the stacks"; exit 1; }
echo "PASS"
