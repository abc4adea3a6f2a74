#!/usr/bin/env bash
# `stratum train` refuses bad option values before it reads any data, naming the option: numbers with
# trailing text (a decimal comma would otherwise read as 0 and switch the option off), and option
# combinations that cannot work. Usage: flags.sh STRATUM WORK_DIR
set -euo pipefail
stratum=$1 work=$2
rm -rf "$work" && mkdir -p "$work/data"
expect() {  # expect TEXT ARGS...: exit status 2 and TEXT in the message
  local text=$1 status=0
  shift
  "$stratum" train --data "$work/data" --out "$work/run" "$@" >"$work/out.log" 2>&1 || status=$?
  [ "$status" = 2 ] || { cat "$work/out.log"; echo "FAIL: $*: exit status $status, expected 2"; exit 1; }
  grep -qF -- "$text" "$work/out.log" || { cat "$work/out.log"; echo "FAIL: $*: the message does not say '$text'"; exit 1; }
  [ ! -e "$work/run" ] || { echo "FAIL: $*: a run folder was made"; exit 1; }
  echo "ok  $*: $(head -n 1 "$work/out.log")"
}
expect '--rotation-loss: "0,5" is not a number' --rotation-loss 0,5
expect '--rotation-loss: "1x" is not a number' --rotation-loss 1x
expect '--encoder-feature-weight: "1.5.2" is not a number' --encoder-feature-weight 1.5.2
expect '--rotation-loss must be 0 or positive' --rotation-loss -1
expect '--rotation-loss needs --augment none' --rotation-loss 1 --augment dihedral
expect '--input-range "4095:0": LO must be below HI' --input-range 4095:0
expect '--input-range "0-4095": no colon' --input-range 0-4095
expect 'a batch of 12 cannot be split over 2 ranks' --batch 12 --local-ranks 2
echo "PASS"
