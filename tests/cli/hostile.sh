#!/usr/bin/env bash
# `stratum score` on the hostile catalogue (tests/fixtures/hostile_catalogue.h) plus what only a
# folder can hold: an unreadable file, a broken link, a link to itself, a link back up the tree.
# Each bad entry gets its own message, the batch goes on, every good file scores exactly as it does
# alone, and nothing is written except the CSV asked for. Usage: hostile.sh STRATUM IMAGE_FIXTURES MODEL WORK
set -euo pipefail
stratum=$1 fixtures=$2 model=$3 work=$4
rm -rf "$work" && mkdir -p "$work/out" "$work/cwd"
inputs="$work/hostile"
"$fixtures" hostile "$inputs"
ln -s loop.png "$inputs/loop.png"
ln -s nowhere.png "$inputs/dangling.png"
mkdir "$inputs/sub" && cp "$inputs/plain.png" "$inputs/sub/copy.png" && ln -s .. "$inputs/sub/up"
cp "$inputs/plain.png" "$inputs/unreadable.png" && chmod 000 "$inputs/unreadable.png"
# expected.tsv itself: a file that is no image is listed with its reason, not skipped in silence.
extra=$'loop.png\tsymbolic link loop\ndangling.png\tbroken symbolic link\nsub/up\tsymbolic link loop\nunreadable.png\tPermission denied\nsub/copy.png\tscored\nexpected.tsv\tnot an image'

# Root reads any file: drop the capabilities that let it, so that mode 000 means unreadable here too.
as_user=()
[ "$(id -u)" = 0 ] && as_user=(setpriv --bounding-set=-dac_override,-dac_read_search)

snapshot() { find "$work" -path "$work/out" -prune -o -printf '%p %s %T@ %m\n' | sort; }
snapshot >"$work/out/before.txt"
status=0
(cd "$work/cwd" && "${as_user[@]}" "$stratum" score "$model" "$inputs" --csv "$work/out/all.csv" --threads 2 \
  2>"$work/out/stderr.txt") || status=$?
[ $status -eq 1 ] || { cat "$work/out/stderr.txt"; echo "FAIL: exit status $status, expected 1 (some files unreadable)"; exit 1; }

field() {  # field FILE COLUMN: the CSV's COLUMN for FILE (no commas in these names; errors may be quoted)
  awk -v f="$inputs/$1" -v c="$2" -F',' 'NR > 1 && $1 == f {
    if (c == "error") { sub(/^[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,/, ""); sub(/\r$/, ""); gsub(/^"|"$/, ""); print } else print $c }' "$work/out/all.csv"
}
checked=0
while IFS=$'\t' read -r name expect; do
  [ -n "$name" ] || continue
  if [ "$expect" = scored ]; then
    norm=$(field "$name" 2) score=$(field "$name" 3)
    [ -n "$norm" ] || { echo "FAIL: $name was not scored: $(field "$name" error)"; exit 1; }
    "$stratum" score "$model" "$inputs/$name" --csv "$work/out/alone.csv" --threads 2 2>/dev/null
    alone=$(sed -n 2p "$work/out/alone.csv" | cut -d, -f2,3)
    [ "$alone" = "$norm,$score" ] || { echo "FAIL: $name: $norm,$score in the batch, $alone alone"; exit 1; }
  else
    message=$(field "$name" error)
    case "$message" in
      *"$expect"*) ;;
      *) echo "FAIL: $name: message '$message' does not say '$expect'"; exit 1 ;;
    esac
    grep -qF "stratum score: $inputs/$name: " "$work/out/stderr.txt" || { echo "FAIL: $name not reported on stderr"; exit 1; }
  fi
  echo "ok  $name: ${message:-scored $norm}"
  message=""
  checked=$((checked + 1))
done < <(cat "$inputs/expected.tsv"; echo "$extra")
rows=$(($(wc -l <"$work/out/all.csv") - 1))
[ $rows -eq $checked ] || { echo "FAIL: $rows rows in the CSV, $checked entries expected"; cat "$work/out/all.csv"; exit 1; }

snapshot >"$work/out/after.txt"
diff "$work/out/before.txt" "$work/out/after.txt" || { echo "FAIL: something outside the chosen output changed"; exit 1; }
[ -z "$(ls -A "$work/cwd")" ] || { echo "FAIL: files appeared in the working folder"; exit 1; }
echo "PASS: $checked entries, each scored as alone or refused with its reason; nothing written elsewhere"
