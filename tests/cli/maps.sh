#!/usr/bin/env bash
# `stratum score --maps DIR`: per image (every page of a stack) a PNG of image | reconstruction |
# overlay and the calibrated map as numbers, under DIR/<the folder given's name>/<path inside it>;
# --map picks another of the card's maps; a wrong map name, --map without --maps and a model whose
# card has no maps are refused with the reason (exit 2). Usage: maps.sh STRATUM IMAGE_FIXTURES MODEL.onnx
# MODEL_WITHOUT_MAPS.onnx WORK
set -euo pipefail
stratum=$1 fixtures=$2 model=$3 no_maps=$4 work=$5
rm -rf "$work" && mkdir -p "$work"
"$fixtures" folder "$work/cells" 2 2 48 >/dev/null     # cells/c0/{0,1}.png, cells/c1/{0,1}.png, 48 px
"$fixtures" photos "$work/cells/wide" 1 90 60 >/dev/null  # not square: the model sees its middle
"$fixtures" stacks "$work/stacks" 1 3 40 >/dev/null   # stack_0.tif of 3 pages (and twins/)
fail() { echo "FAIL: $*"; exit 1; }

"$stratum" score "$model" "$work/cells" "$work/stacks" --maps "$work/maps" --csv "$work/scores.csv" --threads 2 2>"$work/stderr" ||
  { cat "$work/stderr"; fail "score --maps failed"; }
size=$(node -e 'const c = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")); console.log(c.input.width)' "${model%.onnx}.json")
# A PNG's width and height: bytes 16-23 of its IHDR chunk, big-endian.
png_size() { od -An -tu1 -j16 -N8 "$1" | awk '{ printf "%d %d\n", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }'; }
check_map() {  # check_map BASE PANEL_WIDTH PANEL_HEIGHT
  [ -f "$1.maps.png" ] || fail "no $1.maps.png"
  [ -f "$1.map.tsv" ] || fail "no $1.map.tsv"
  read -r w h < <(png_size "$1.maps.png")
  [ "$w" = $((3 * $2 + 8)) ] && [ "$h" = "$3" ] || fail "$1.maps.png is ${w}x$h, expected three ${2}x$3 panels"
  [ "$(wc -l <"$1.map.tsv")" = "$size" ] || fail "$1.map.tsv has $(wc -l <"$1.map.tsv") lines, expected $size"
  awk -F'\t' -v n="$size" 'NF != n { exit 1 } { for (i = 1; i <= NF; i++) if ($i !~ /^-?[0-9.e+-]+$/) exit 1 }' "$1.map.tsv" ||
    fail "$1.map.tsv is not $size numbers a line"
}
for f in c0/0 c0/1 c1/0 c1/1; do check_map "$work/maps/cells/$f.png" 256 256; done
check_map "$work/maps/cells/wide/$(cd "$work/cells/wide" && ls)" 256 171
for k in 1 2 3; do check_map "$work/maps/stacks/stack_0.tif.page$k" 256 256; done
# One map per row scored (every row of the CSV: the fixtures all decode).
rows=$(($(wc -l <"$work/scores.csv") - 1))
[ "$(find "$work/maps" -name '*.maps.png' | wc -l)" = "$rows" ] || fail "expected $rows map images, one per row"
[ "$(find "$work/maps" -name '*.map.tsv' | wc -l)" = "$rows" ] || fail "expected $rows map value files, one per row"
# Another map, and it differs from the default (pixel).
"$stratum" score "$model" "$work/cells/c0/0.png" --maps "$work/maps-f4" --map feature_4 --threads 2 >/dev/null 2>&1 || fail "--map feature_4 failed"
cmp -s "$work/maps-f4/0.png.map.tsv" "$work/maps/cells/c0/0.png.map.tsv" && fail "the feature_4 map equals the pixel map"

refused() {  # refused TEXT ARGS...
  local text=$1 status=0
  shift
  "$stratum" score "$@" >"$work/out" 2>"$work/err" || status=$?
  [ $status = 2 ] || { cat "$work/err"; fail "exit status $status for $*, expected 2"; }
  grep -qF -- "$text" "$work/err" || { cat "$work/err"; fail "the message for $* does not say '$text'"; }
}
refused "offers: pixel, feature_16, feature_4" "$model" "$work/cells" --maps "$work/x" --map colour
refused "give --maps DIR too" "$model" "$work/cells" --map pixel
refused "has no anomaly maps" "$no_maps" "$work/cells" --maps "$work/x"
refused "--map-size requires --maps" "$model" "$work/cells" --map-size 64
refused "--map-opacity requires --maps" "$model" "$work/cells" --map-opacity 0.3
refused "--map-opacity: 2 is outside 0 to 1" "$model" "$work/cells" --maps "$work/x" --map-opacity 2
# An option where its value belongs is refused, not taken as the folder (CLI11 would write ./--threads).
(cd "$work" && refused "--maps needs a value, but the next argument is the option --threads" "$model" "$work/cells" --maps --threads 1)
[ ! -e "$work/--threads" ] || fail "--maps --threads wrote into ./--threads"
[ ! -e "$work/x" ] || fail "a refused run wrote maps"
echo "maps.sh: ok"
