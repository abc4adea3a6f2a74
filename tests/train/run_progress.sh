# Sourced by the training shell tests: how far a run in the background has come.

# The images of the last line of RUN/log.jsonl; empty while the log has none.
last_logged() {
  [ -s "$1/log.jsonl" ] || return 0
  tail -n 1 "$1/log.jsonl" | sed -n 's/.*"images":\([0-9]*\).*/\1/p'
}

# Waits up to 120 s until RUN's log reaches N images. Fails the test, printing LOG, when process PID
# ends first or the time runs out.
wait_for_images() {
  local run=$1 n=$2 pid=$3 log=$4 at
  for _ in $(seq 1 1200); do
    at=$(last_logged "$run")
    if [ -n "$at" ] && [ "$at" -ge "$n" ]; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then echo "FAIL: the run ended before it reached $n images"; cat "$log"; exit 1; fi
    sleep 0.1
  done
  echo "FAIL: the run did not reach $n images in 120 s"; cat "$log"; exit 1
}
