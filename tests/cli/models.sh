#!/usr/bin/env bash
# `stratum score` refuses bad models before it reads an image: a file that is not ONNX, a graph its
# card does not describe, a graph whose input differs from its card, a card with a missing or wrong
# field, a missing card, an encoder that outputs NaN, a colour bank or a Gaussian of another size than
# the graph's features. Each gives its reason, exits 2 and writes nothing. The good model is also
# found from its card or its folder.
# Usage: models.sh STRATUM ALTER_MODEL GOOD_MODEL.onnx IMAGE WORK
set -euo pipefail
stratum=$1 alter=$2 good=$3 image=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
card="${good%.onnx}.json"

# Each case: a model (its .onnx and, unless said, its card), and what the message must say.
mkdir "$work/not-onnx" && echo "not a graph" >"$work/not-onnx/m.onnx" && cp "$card" "$work/not-onnx/m.json"
mkdir "$work/not-onnx-unsigned" && echo "not a graph" >"$work/not-onnx-unsigned/m.onnx"
sed 's/"onnx_sha256": "[0-9a-f]*"/"onnx_sha256": ""/' "$card" >"$work/not-onnx-unsigned/m.json"
mkdir "$work/no-card" && cp "$good" "$work/no-card/m.onnx"
mkdir "$work/card-missing-field" && cp "$good" "$work/card-missing-field/m.onnx"
grep -v '"height"' "$card" >"$work/card-missing-field/m.json"
mkdir "$work/card-wrong-type" && cp "$good" "$work/card-wrong-type/m.onnx"
sed 's/"channels": [0-9]*/"channels": "three"/' "$card" >"$work/card-wrong-type/m.json"
mkdir "$work/card-not-json" && cp "$good" "$work/card-not-json/m.onnx" && head -c 200 "$card" >"$work/card-not-json/m.json"
mkdir "$work/input-size" && "$alter" input-size "$good" "$work/input-size/m.onnx" 64
mkdir "$work/nan" && "$alter" nan "$good" "$work/nan/m.onnx"
mkdir "$work/bank-size" && cp "$good" "$work/bank-size/m.onnx"
node -e 'const fs = require("fs"); const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const b = c.extra_scores.find((x) => x.neighbours).neighbours;
  b.center.pop(); b.scale.pop(); b.points.forEach((p) => p.pop());
  fs.writeFileSync(process.argv[2], JSON.stringify(c));' "$card" "$work/bank-size/m.json"
mkdir "$work/gaussian-size" && cp "$good" "$work/gaussian-size/m.onnx"
node -e 'const fs = require("fs"); const c = JSON.parse(fs.readFileSync(process.argv[1], "utf8"));
  const g = c.extra_scores.find((x) => x.gaussian).gaussian;
  g.mean.pop(); g.precision.pop(); g.precision.forEach((r) => r.pop());
  fs.writeFileSync(process.argv[2], JSON.stringify(c));' "$card" "$work/gaussian-size/m.json"

expect() {  # expect CASE TEXT
  local status=0
  "$stratum" score "$work/$1/m.onnx" "$image" --csv "$work/$1/out.csv" >"$work/$1/stdout" 2>"$work/$1/stderr" || status=$?
  [ $status -eq 2 ] || { cat "$work/$1/stderr"; echo "FAIL: $1: exit status $status, expected 2"; exit 1; }
  grep -qF -- "$2" "$work/$1/stderr" || { cat "$work/$1/stderr"; echo "FAIL: $1: the message does not say '$2'"; exit 1; }
  [ ! -e "$work/$1/out.csv" ] || { echo "FAIL: $1: a CSV was written for a refused model"; exit 1; }
  echo "ok  $1: $(head -n 1 "$work/$1/stderr")"
}
expect not-onnx "is not the graph its card describes"
expect not-onnx-unsigned "is not an ONNX file"
expect no-card "model card"
expect card-missing-field "height"
expect card-wrong-type "channels"
expect card-not-json "not valid JSON"
expect input-size "the graph takes other images than its card says"
expect nan "NaN or infinite latents"
expect bank-size "the colour score reads 15 features, the networks give 16"
expect gaussian-size "the encoder_gaussian score reads 239 features, the networks give 240"
# The good model still scores the same image (the checks refuse defects, not models), named by its
# graph, its card, or the folder that holds the pair; no input at all is a usage error (exit 2).
"$stratum" score "$good" "$image" --csv "$work/good.csv" 2>/dev/null
for named in "$card" "$(dirname "$good")"; do
  "$stratum" score "$named" "$image" --csv "$work/named.csv" 2>/dev/null
  cmp -s "$work/good.csv" "$work/named.csv" || { echo "FAIL: $named does not score as $good"; exit 1; }
done
status=0
"$stratum" score "$good" >/dev/null 2>&1 || status=$?
[ $status -eq 2 ] || { echo "FAIL: no inputs: exit status $status, expected 2"; exit 1; }
echo "PASS"
