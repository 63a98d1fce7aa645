#!/usr/bin/env bash
# Restart time and heap of herd-controller with a large synthetic store.
# Usage (from the repository root, after mvn -DskipTests package):
#   e2e/bench/restart-bench.sh [HOSTS] [SERVERS]        # default 10000 100000
set -euo pipefail
HOSTS=${1:-10000}
SERVERS=${2:-100000}
JAR=controller/target/herd-controller.jar
DIR=$(mktemp -d)
PID=""
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$DIR"' EXIT

start() {  # starts the controller on $DIR/c.db; sets PID and ELAPSED_MS (start to the listening line)
  local t0 t1
  : >"$DIR/out"
  t0=$(date +%s%N)
  java -Xmx1g -jar "$JAR" --listen 127.0.0.1:0 --store-path "$DIR/c.db" >"$DIR/out" 2>"$DIR/err" &
  PID=$!
  until grep -q "listening on" "$DIR/out" 2>/dev/null; do
    kill -0 "$PID" || { cat "$DIR/err"; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  ELAPSED_MS=$(( (t1 - t0) / 1000000 ))
}

start                                 # creates and migrates the schema
kill "$PID"; wait "$PID" || true
python3 "$(dirname "$0")/synthetic_store.py" "$DIR/c.db" --hosts "$HOSTS" --servers "$SERVERS"
ls -l "$DIR/c.db" | awk '{printf "store file: %.1f MiB\n", $5 / 1048576}'
for run in 1 2 3; do
  start
  MS=$ELAPSED_MS
  READY=$(sed -n 's/.*ready in \([0-9]*\) ms.*/\1/p' "$DIR/err")
  LOADED=$(grep -o 'loaded [0-9]* hosts, [0-9]* server groups, [0-9]* servers' "$DIR/err")
  jcmd "$PID" GC.run >/dev/null
  HEAP=$(jcmd "$PID" GC.heap_info | sed -n 's/.*total \([0-9]*\)K, used \([0-9]*\)K.*/\2/p' | head -1)
  echo "run $run: serving after ${MS} ms (process start to listening; controller's own count: ${READY} ms), ${LOADED}, heap used after full GC: $(( HEAP / 1024 )) MiB (-Xmx1g)"
  kill "$PID"; wait "$PID" || true
done
