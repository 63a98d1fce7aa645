#!/usr/bin/env bash
# herd in two minutes, on this machine: builds herd, prepares libvirt, starts a controller
# (SQLite store in a temporary directory) and three agents — one on qemu:///system booting
# real QEMU domains, two on libvirt's test driver with host files of their own size — each
# in its own rack. Then it creates an anti-affinity group, boots three servers with
# `herdctl --wait`, shows where they went and the real domain in `virsh list`, shows a
# fourth server refused with the reason, and removes everything again (also on Ctrl-C).
#
# Run as root on Debian 12 (it installs what it needs); as another user it prints the exact
# apt-get command to run first. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)

# Server ids whose domains this demo created on qemu:///system; survives a kill -9 of the
# demo so that the next run removes what the last one left behind.
ledger=/tmp/herd-demo.domains

if [[ -t 1 ]]; then
  bold=$'\e[1m' dim=$'\e[2m' plain=$'\e[0m'
else
  bold="" dim="" plain=""
fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
show() { printf '%s$ %s%s\n' "$dim" "$*" "$plain"; }

# --- 1. the machine ---------------------------------------------------------------------
step "preparing the machine (scripts/setup-machine.sh)"
if ! scripts/setup-machine.sh; then
  echo "demo: the machine is not ready: do what is printed above, or run the whole demo as root:" >&2
  echo "  sudo $0" >&2
  exit 1
fi

virsh_system() { virsh -q -c qemu:///system "$@"; }

# Removes the qemu:///system domains of the listed server ids (domain name herd-<id>).
remove_domains() {
  local id
  for id in "$@"; do
    if virsh_system domstate "herd-$id" >/dev/null 2>&1; then
      virsh_system destroy "herd-$id" >/dev/null 2>&1 || true
      virsh_system undefine "herd-$id" >/dev/null 2>&1 || true
    fi
  done
}

if [[ -s $ledger ]]; then
  echo "demo: removing domains left by an earlier run that was killed"
  mapfile -t leftover <"$ledger"
  remove_domains "${leftover[@]}"
  rm -f "$ledger"
fi

# --- 2. build ---------------------------------------------------------------------------
step "building herd (mvn package; the tests are scripts/test.sh)"
mvn -B -ntp -q -Dstyle.color=never -DskipTests -pl cli,controller,agent -am package

work=$(mktemp -d /tmp/herd-demo.XXXXXX)
pids=()
controller_port=""
pool="herd-demo-${work##*.}"

herdctl() {
  java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$repo/cli/target/herdctl.jar" "$@"
}
# Prints the command, then runs it.
run() {
  show "$*"
  "$@"
}

# The terminal, kept aside: an interrupt can arrive while a command's output is redirected.
exec 3>&1 4>&2
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  exec 1>&3 2>&4
  step "cleaning up"
  if [[ -n $controller_port ]]; then
    # Every server this controller knows is the demo's, also those of a create that Ctrl-C
    # interrupted before herdctl printed them.
    herdctl server list -o json 2>/dev/null \
      | python3 -c 'import json,sys; [print(s["id"]) for s in json.load(sys.stdin)["servers"]]' \
      >>"$work/server-ids" 2>/dev/null || true
    local id
    if [[ -s $work/server-ids ]]; then
      sort -u -o "$work/server-ids" "$work/server-ids"
      while read -r id; do
        herdctl server delete "$id" --wait --timeout 60s >/dev/null 2>&1 && echo "deleted server $id" || true
      done <"$work/server-ids"
    fi
    herdctl group delete web >/dev/null 2>&1 && echo "deleted server group web" || true
  fi
  local pid
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [[ -s $work/server-ids ]]; then
    mapfile -t ids <"$work/server-ids"
    remove_domains "${ids[@]}"
    for id in "${ids[@]}"; do
      if virsh_system domstate "herd-$id" >/dev/null 2>&1; then
        echo "demo: domain herd-$id is still defined on qemu:///system" >&2
        status=1
      fi
    done
  fi
  virsh_system pool-destroy "$pool-demo-kvm" >/dev/null 2>&1 || true
  rm -f "$ledger"
  if ((status == 130 || status == 143)); then
    echo "demo: interrupted"
  elif ((status != 0)); then
    echo "demo: failed (exit $status); the programs' logs:" >&2
    for log in "$work"/*.log; do
      [[ -s $log ]] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  ((status == 0)) && echo "done: no herd process, domain or temporary file is left."
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Records the ids of the servers in a CreateServers JSON answer (stdin).
remember_servers() {
  python3 -c 'import json,sys; [print(s["id"]) for s in json.load(sys.stdin)["servers"]]' \
    | tee -a "$work/server-ids" >>"$ledger"
}

# --- 3. controller and agents -----------------------------------------------------------
# They run in sessions of their own, so that Ctrl-C reaches only this script, whose clean-up
# then deletes the servers through herd before it stops them.
step "starting a controller (store: $work/controller.db)"
# made here, not by the background job's redirection, so that the first read finds it
: >"$work/controller.out"
setsid java -jar controller/target/herd-controller.jar --listen 127.0.0.1:0 \
  --store-path "$work/controller.db" --heartbeat-interval-ms 1000 \
  >"$work/controller.out" 2>"$work/controller.log" &
pids+=("$!")
for _ in $(seq 1 300); do
  controller_port=$(sed -n 's/^herd-controller listening on .*:\([0-9][0-9]*\)$/\1/p' "$work/controller.out")
  [[ -n $controller_port ]] && break
  kill -0 "${pids[0]}" 2>/dev/null || { echo "demo: the controller did not start" >&2; exit 1; }
  sleep 0.1
done
[[ -n $controller_port ]] || { echo "demo: the controller did not say where it listens" >&2; exit 1; }
export HERD_CONTROLLER=127.0.0.1:$controller_port
echo "controller listening on $HERD_CONTROLLER (herdctl finds it through HERD_CONTROLLER)"

# A host of its own size for libvirt's test driver: test:///path/to/node.xml.
test_node() {
  local file=$1 cpus=$2 memory_gib=$3
  cat >"$file" <<XML
<node>
  <cpu>
    <mhz>2400</mhz><model>x86_64</model>
    <active>$cpus</active><max>$cpus</max>
    <nodes>1</nodes><sockets>1</sockets><cores>$cpus</cores><threads>1</threads>
  </cpu>
  <memory>$((memory_gib * 1024 * 1024))</memory>
</node>
XML
}

# Without TLS an agent serves AgentService only on a Unix socket in its state directory (mode
# 0600: the controller, run by the same user, may call it; no one else) and tells the
# controller so in its heartbeats (unix:///...).
start_agent() {
  local name=$1 uri=$2 rack=$3
  mkdir -p "$work/$name/images"
  setsid java -jar agent/target/herd-agent.jar --libvirt-uri "$uri" \
    --controller "$HERD_CONTROLLER" --host-name "$name" --rack "$rack" --zone zone-1 \
    --state-dir "$work/$name/state" --image-dir "$work/$name/images" --image-pool "$pool-$name" \
    --heartbeat-interval-ms 1000 >"$work/$name.log" 2>&1 &
  pids+=("$!")
  echo "agent $name: $uri, $rack, serving on unix://$work/$name/state/agent.sock"
}

step "starting three agents"
test_node "$work/node-b.xml" 16 32
test_node "$work/node-c.xml" 8 16
start_agent demo-kvm qemu:///system rack-a
start_agent demo-test-b "test://$work/node-b.xml" rack-b
start_agent demo-test-c "test://$work/node-c.xml" rack-c

up=0
for _ in $(seq 1 300); do
  up=$(herdctl host list -o json 2>/dev/null | grep -c '"up" : true' || true)
  ((up == 3)) && break
  for pid in "${pids[@]}"; do
    kill -0 "$pid" 2>/dev/null || { echo "demo: a herd process exited" >&2; exit 1; }
  done
  sleep 0.2
done
((up == 3)) || { echo "demo: the three hosts did not all register" >&2; exit 1; }
run herdctl host list

# --- 4. the group and its servers -------------------------------------------------------
step "an anti-affinity group: never two of its servers on one host"
run herdctl group create web --policy anti-affinity --scope host

step "three servers, placed together (all or nothing), followed until ACTIVE"
show "herdctl server create web --group web --count 3 --vcpus 1 --memory 256M --wait"
herdctl server create web --group web --count 3 --vcpus 1 --memory 256M --wait -o json >"$work/created.json"
remember_servers <"$work/created.json"

step "where they went: one per host"
run herdctl group show web
run herdctl server list --group web

step "the server on demo-kvm is a real QEMU domain"
kvm_id=$(python3 -c 'import json,sys; print(next(s["id"] for s in json.load(sys.stdin)["servers"] if s["host_name"] == "demo-kvm"))' <"$work/created.json")
run virsh -c qemu:///system list
run virsh -c qemu:///system dominfo "herd-$kvm_id"

step "a fourth server has no legal host left"
show "herdctl server create web-4 --group web --memory 256M"
status=0
herdctl server create web-4 --group web --memory 256M -o json >"$work/refused.json" || status=$?
if ((status != 4)); then
  echo "demo: expected exit status 4 (no valid host), got $status" >&2
  [[ -s $work/refused.json ]] && remember_servers <"$work/refused.json"
  exit 1
fi
echo "(refused with exit status 4; nothing was created)"
