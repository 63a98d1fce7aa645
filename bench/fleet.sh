#!/usr/bin/env bash
# Starts a controller with a fresh SQLite store and /metrics, drives it with a simulated fleet
# (herd-bench fleet), prints the report, and stops the controller. Extra arguments go to the
# fleet, e.g.:  bench/fleet.sh --hosts 10000 --rate 500 --load-s 60
# The controller runs through its packaged launcher (packaging/src/deb/bin/herd-controller), with
# the JVM options it gives; so does the fleet.
# Environment: CONTROLLER_HEAP (default 4g), FLEET_HEAP (default 4g), WORK (default a temp dir),
# CONTROLLER_JAVA_OPTS and FLEET_JAVA_OPTS (extra JVM options, e.g. a profiler agent or a GC
# log), FLEET_NICE (e.g. "nice -n 19": the fleet yields the cores to the controller, at the cost
# of its own measurements).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="${WORK:-$(mktemp -d /tmp/herd-fleet.XXXXXX)}"
mkdir -p "$work"
rm -f "$work"/controller.db*
grpc_port=17700
metrics_port=17790
interval_ms=5000
for ((i = 1; i <= $#; i++)); do
  if [[ "${!i}" == "--interval-ms" ]]; then j=$((i + 1)); interval_ms="${!j}"; fi
done
# the controller runs through its packaged launcher, with the JVM options it gives
JAVA_OPTS="-Xmx${CONTROLLER_HEAP:-4g} ${CONTROLLER_JAVA_OPTS:-}" \
  HERD_CONTROLLER_JAR="$root/controller/target/herd-controller.jar" "$root/packaging/src/deb/bin/herd-controller" \
  --listen 127.0.0.1:$grpc_port --store-path "$work/controller.db" \
  --metrics-listen 127.0.0.1:$metrics_port --heartbeat-interval-ms "$interval_ms" \
  --set limits.max_hosts=1000000 >"$work/controller.log" 2>&1 &
controller=$!
trap 'kill $controller 2>/dev/null; wait $controller 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$metrics_port/metrics" >/dev/null && break
  sleep 0.2
done
echo "controller pid $controller, log $work/controller.log"
# the fleet keeps long-lived state (hosts, domains) as the controller does: it runs through the
# same launcher (its jar in place of the controller's), so with the same options, and a collector
# named in FLEET_JAVA_OPTS replaces them as one named in JAVA_OPTS does for the controller
# shellcheck disable=SC2086
${FLEET_NICE:-} env JAVA_OPTS="-Xmx${FLEET_HEAP:-4g} ${FLEET_JAVA_OPTS:-}" \
  HERD_CONTROLLER_JAR="$root/bench/target/herd-bench.jar" "$root/packaging/src/deb/bin/herd-controller" fleet \
  --controller 127.0.0.1:$grpc_port --metrics "http://127.0.0.1:$metrics_port/metrics" \
  --interval-ms "$interval_ms" "$@"
