#!/usr/bin/env bash
# The stratum command as a machine without libtorch builds it: its help lists split and report, the
# torch-backed commands say what they need, nothing of libtorch is linked, and `stratum split` makes
# a held-out split of nested class folders (report is checked against the full build by train.study).
# Usage: torch_free.sh STRATUM_TORCH_FREE IMAGE_FIXTURES WORK_DIR
set -euo pipefail
stratum=$1 fixtures=$2 work=$3
rm -rf "$work" && mkdir -p "$work"
fail() { echo "FAIL: $*"; exit 1; }

! ldd "$stratum" | grep -i torch || fail "the torch-free command links libtorch"
"$stratum" --help >"$work/help.txt"
grep -qE '^  split ' "$work/help.txt" || fail "split missing from --help"
grep -qE '^  report ' "$work/help.txt" || fail "report missing from --help"
set +e
"$stratum" train --data x --out y >"$work/train.out" 2>&1
status=$?
set -e
[ $status = 2 ] || fail "train without libtorch exited $status, not 2"
grep -q "train needs libtorch, which this stratum was built without: install libtorch-dev" "$work/train.out" ||
  { cat "$work/train.out"; fail "train without libtorch: no reason given"; }

# Data: two classes, one with nested folders holding files of the same name, a byte-identical file in
# both classes, and a file that is no image.
"$fixtures" folder "$work/src" 2 40 8 >/dev/null
mkdir -p "$work/src/c0/2024" "$work/src/c0/2025"
cp "$work/src/c0/$(ls "$work/src/c0" | grep png | head -1)" "$work/src/c0/2024/same.png"
cp "$work/src/c1/$(ls "$work/src/c1" | grep png | head -1)" "$work/src/c0/2025/same.png"
cp "$work/src/c0/2024/same.png" "$work/src/c1/twin.png"
echo "not an image" >"$work/src/c1/notes.txt"
total=$(find "$work/src" -name '*.png' | wc -l)

"$stratum" split "$work/src" "$work/out" --test 0.25 >"$work/split.out" 2>"$work/split.err" ||
  { cat "$work/split.out" "$work/split.err"; fail "split failed"; }
grep -q "notes.txt" "$work/split.err" || fail "the file that is no image was not listed"
links=$(find "$work/out" -type l | wc -l)
[ "$links" = "$total" ] || fail "$links links for $total images"
[ -L "$work/out/train/c0/2024/same.png" ] || [ -L "$work/out/test/c0/2024/same.png" ] || fail "nested path not kept"
[ -L "$work/out/train/c0/2025/same.png" ] || [ -L "$work/out/test/c0/2025/same.png" ] || fail "nested path not kept"
# Every link points at the file of the same path below the source.
while IFS= read -r link; do
  below=${link#"$work/out/"}; below=${below#*/}
  [ "$(readlink -f "$link")" = "$(readlink -f "$work/src/$below")" ] || fail "$link does not point at src/$below"
done < <(find "$work/out" -type l)
# Identical bytes, one split: same.png (2024) and twin.png hold the same image.
side() { find "$work/out" -path "*/$1" | sed -e "s|$work/out/||" -e 's|/.*||'; }
[ "$(side c0/2024/same.png)" = "$(side c1/twin.png)" ] || fail "byte-identical files in different splits"
# The printed counts add up, and both splits hold files.
sum=$(awk '{s += $2 + $4} END {print s}' "$work/split.out")
[ "$sum" = "$total" ] || { cat "$work/split.out"; fail "counts add to $sum, not $total"; }
[ "$(find "$work/out/test" -type l | wc -l)" -gt 0 ] && [ "$(find "$work/out/train" -type l | wc -l)" -gt 0 ] ||
  fail "one split is empty"
# The same split again, into a new folder: the same files on the same sides.
"$stratum" split "$work/src" "$work/again" --test 0.25 >/dev/null 2>&1
diff <(cd "$work/out" && find . -type l | sort) <(cd "$work/again" && find . -type l | sort) >/dev/null ||
  fail "a second split differs"

refused() {  # refused EXPECTED_TEXT ARGS...: exit status 2 and the reason on stderr
  local expected=$1; shift
  set +e; "$stratum" split "$@" >"$work/refused.out" 2>&1; local s=$?; set -e
  [ $s = 2 ] || { cat "$work/refused.out"; fail "split $* exited $s, not 2"; }
  grep -qF -- "$expected" "$work/refused.out" || { cat "$work/refused.out"; fail "split $*: no \"$expected\""; }
}
refused "exists and is not empty" "$work/src" "$work/out"
refused "--test must lie in (0, 1)" "$work/src" "$work/new1" --test 1.5
mkdir -p "$work/flat" && cp "$work/src/c1/twin.png" "$work/flat/"
refused "files must sit in class folders" "$work/flat" "$work/new2"
refused "not a folder" "$work/missing" "$work/new3"
refused "--test needs a value, but the next argument is the option --help" "$work/src" "$work/new4" --test --help
echo "torch-free stratum: help, refusals and split of $total images as expected"
