#!/usr/bin/env bash
# Installs the built .deb packages on this machine with dpkg and installs them again as an
# upgrade does (an edited conffile and the TLS files must survive); checks the CA and
# certificates herd-controller's postinst made in /etc/herd/tls; runs the installed
# programs: versions, and a controller and an agent on libvirt's test driver started by
# their launchers with the shipped configs, so with mutual TLS (the agent's certificate
# issued by the installed herd-make-certs), until herdctl with the admin certificate sees
# the host registered, then a server created with --wait and a second one refused with exit
# status 4; checks the systemd units with systemd-analyze verify; and purges the packages
# again. Needs root; skipped with a message otherwise.
#
# usage: package-test.sh TARGET_DIR VERSION
set -euo pipefail

target=${1:?target directory with the .deb files}
version=${2:?expected version}
packages=(herd-agent herd-controller herdctl)
# exists while this test has the packages installed
marker=/run/lock/herd-package-test.installed

say() { printf 'package-test: %s\n' "$*" >&2; }
fail() { say "FAILED: $*"; exit 1; }

if [[ $(id -u) -ne 0 ]]; then
  say "SKIPPED: installing packages needs root (dpkg -i). Run the build as root to test them."
  exit 0
fi
for tool in dpkg systemd-analyze openssl; do
  command -v "$tool" >/dev/null || fail "$tool not found: run scripts/setup-machine.sh first"
done

# One package test at a time on a machine: dpkg has one database.
mkdir -p /run/lock
exec 9>/run/lock/herd-package-test.lock
flock 9

work=$(mktemp -d /tmp/herd-package-test.XXXXXX)
pids=()
cleanup() {
  local status=$?
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if dpkg --purge "${packages[@]}" >"$work/purge.log" 2>&1; then
    rm -f "$marker"
  else
    cat "$work/purge.log" >&2
    status=1
  fi
  if ((status != 0)); then
    for log in "$work"/*.log; do
      [[ -s $log ]] && { say "--- $log"; tail -n 40 "$log" >&2; }
    done
  fi
  rm -rf "$work"
  exit "$status"
}
trap cleanup EXIT

# Waits for "herd-controller listening on HOST:PORT" in $1 (written by pid $2); prints PORT.
listen_port() {
  local log=$1 pid=$2 port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's/^herd-controller listening on .*:\([0-9][0-9]*\)$/\1/p' "$log")
    if [[ -n $port ]]; then
      echo "$port"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# Packages installed by someone else are not this test's to replace; ones a killed earlier
# run left behind (its marker is still there) are purged first.
installed=()
for p in "${packages[@]}"; do
  if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
    installed+=("$p")
  fi
done
if ((${#installed[@]})) && [[ ! -e $marker ]]; then
  trap - EXIT
  rm -rf "$work"
  say "SKIPPED: ${installed[*]} already installed on this machine; the test would replace them"
  exit 0
fi
dpkg --purge "${packages[@]}" >/dev/null 2>&1 || true
touch "$marker"

debs=()
for p in "${packages[@]}"; do
  deb="$target/${p}_${version}_all.deb"
  [[ -f $deb ]] || fail "$deb was not built"
  debs+=("$deb")
done
say "installing ${packages[*]}"
dpkg -i "${debs[@]}" >"$work/install.log" 2>&1 || fail "dpkg -i failed: $(tail -n 5 "$work/install.log")"

for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" | grep -q "install ok installed" || fail "$p is not installed"
done

tls=/etc/herd/tls
say "checking the TLS files herd-controller made"
# FILE MODE OWNER:GROUP
expect_file() {
  [[ -f $1 ]] || fail "$1 is missing"
  [[ $(stat -c '%a %U:%G' "$1") == "$2 $3" ]] || fail "$1 is $(stat -c '%a %U:%G' "$1"), expected $2 $3"
}
expect_file $tls/ca.key 600 root:root
expect_file $tls/ca.pem 644 root:root
expect_file $tls/controller.key 640 root:herd
expect_file $tls/controller.pem 644 root:root
expect_file $tls/admin.key 600 root:root
expect_file $tls/admin.pem 600 root:root
[[ $(stat -c '%a %U:%G' $tls) == "750 root:herd" ]] || fail "$tls is $(stat -c '%a %U:%G' $tls), expected 750 root:herd"
say "checking the monitoring files herd-controller installed"
expect_file /usr/share/herd/monitoring/herd-dashboard.json 644 root:root
expect_file /usr/share/herd/monitoring/herd-alerts.yml 644 root:root
# SUBJECT FILE
expect_subject() {
  local subject
  subject=$(openssl x509 -in "$2" -noout -subject -nameopt compat)
  [[ $subject == "subject=$1" ]] || fail "$2: $subject, expected $1"
  openssl verify -CAfile $tls/ca.pem "$2" >/dev/null || fail "$2 is not signed by $tls/ca.pem"
}
expect_subject /OU=controller/CN=controller $tls/controller.pem
expect_subject /OU=admin/CN=admin $tls/admin.pem
openssl x509 -in $tls/controller.pem -noout -ext subjectAltName | grep -q 'IP Address:127.0.0.1' \
  || fail "the controller's certificate is not for 127.0.0.1"
grep -q "herd-agent: not started: its TLS certificate $tls/agent.pem is missing" "$work/install.log" \
  || fail "herd-agent's postinst did not say that its certificate is missing: $(cat "$work/install.log")"
ca_fingerprint=$(openssl x509 -in $tls/ca.pem -noout -fingerprint)

say "installing them again, as an upgrade does: an edited conffile and the TLS files survive"
echo "# edited by the package test" >>/etc/herd/controller.yaml
dpkg --force-confold -i "${debs[@]}" >"$work/reinstall.log" 2>&1 || fail "second dpkg -i failed: $(tail -n 5 "$work/reinstall.log")"
grep -q "^# edited by the package test" /etc/herd/controller.yaml || fail "reinstalling lost the edit of controller.yaml"
[[ $(openssl x509 -in $tls/ca.pem -noout -fingerprint) == "$ca_fingerprint" ]] || fail "reinstalling replaced the CA"
expect_file $tls/controller.key 640 root:herd
[[ $(stat -c %U /var/lib/herd) == herd ]] || fail "/var/lib/herd is not owned by herd after reinstalling"

say "checking versions"
[[ $(herd-controller --version) == "herd-controller $version" ]] || fail "herd-controller --version: $(herd-controller --version)"
[[ $(herd-agent --version) == "herd-agent $version" ]] || fail "herd-agent --version: $(herd-agent --version)"
[[ $(herdctl --version) == "herdctl $version" ]] || fail "herdctl --version: $(herdctl --version)"
say "checking that a collector chosen in JAVA_OPTS replaces the controller's G1 defaults"
out=$(JAVA_OPTS="-XX:+UseSerialGC -Xmx256m" herd-controller --version 2>&1) \
  || fail "herd-controller with JAVA_OPTS=-XX:+UseSerialGC: $out"
[[ $out == "herd-controller $version" ]] || fail "herd-controller with another collector: $out"

say "checking files, conffiles and the herd user"
dpkg-query -W -f='${Conffiles}\n' herd-agent | grep -q ' /etc/herd/agent.yaml ' || fail "agent.yaml is not a conffile"
dpkg-query -W -f='${Conffiles}\n' herd-controller | grep -q ' /etc/herd/controller.yaml ' || fail "controller.yaml is not a conffile"
getent passwd herd >/dev/null || fail "no herd system user"
[[ $(stat -c %U /var/lib/herd) == herd ]] || fail "/var/lib/herd is not owned by herd"
[[ -d /var/lib/herd/images && -d /var/lib/herd/agent ]] || fail "agent directories missing"
[[ -x /usr/sbin/herd-make-certs ]] || fail "no /usr/sbin/herd-make-certs"
[[ -s /usr/share/bash-completion/completions/herdctl ]] || fail "no bash completion for herdctl"
grep -q 'complete -F' /usr/share/bash-completion/completions/herdctl || fail "completion file is not a bash completion script"
# The shipped configs must be accepted as they are (only the store is moved out of the way).
herd-controller --config /etc/herd/controller.yaml --store-path "$work/conf.db" --listen 127.0.0.1:0 >"$work/conf-controller.log" 2>&1 &
conf_pid=$!
pids+=("$conf_pid")

say "systemd-analyze verify"
if ! systemd-analyze verify /lib/systemd/system/herd-agent.service /lib/systemd/system/herd-controller.service \
    >"$work/verify.log" 2>&1; then
  fail "systemd-analyze verify: $(cat "$work/verify.log")"
fi
# verify only warns about unknown keys or sections: a warning about our units is a failure too.
if grep -E 'herd-(agent|controller)\.service' "$work/verify.log"; then
  fail "systemd-analyze verify warned about the units"
fi

say "starting the installed controller (as herd: it reads its key) and agent (test driver), with TLS"
chown herd:herd "$work"
runuser -u herd -- herd-controller --config /etc/herd/controller.yaml --listen 127.0.0.1:0 \
  --store-path "$work/controller.db" --heartbeat-interval-ms 500 \
  >"$work/controller.log" 2>"$work/controller-err.log" &
pids+=("$!")
port=$(listen_port "$work/controller.log" "${pids[-1]}") \
  || fail "the installed controller did not start: $(cat "$work/controller-err.log")"
listen_port "$work/conf-controller.log" "$conf_pid" >/dev/null \
  || fail "the shipped controller.yaml was refused: $(cat "$work/conf-controller.log")"
kill "$conf_pid"

# a test-driver host of its own size (test:///default is full: its one domain takes all memory)
cat >"$work/node.xml" <<'XML'
<node>
  <cpu>
    <mhz>2400</mhz><model>x86_64</model><active>4</active><max>4</max>
    <nodes>1</nodes><sockets>1</sockets><cores>4</cores><threads>1</threads>
  </cpu>
  <memory>4194304</memory>
</node>
XML
# the agent's certificate, as docs/operations.md has an operator make it on the controller
# machine: CN = its host name, SAN = the address the controller calls it on
herd-make-certs $tls agent herd-package-test 127.0.0.1 >"$work/make-certs.log" 2>&1 \
  || fail "herd-make-certs: $(cat "$work/make-certs.log")"
install -m 600 $tls/herd-package-test.key $tls/agent.key
install -m 644 $tls/herd-package-test.pem $tls/agent.pem
rm $tls/herd-package-test.key $tls/herd-package-test.pem
expect_subject /OU=agent/CN=herd-package-test $tls/agent.pem
herd-agent --config /etc/herd/agent.yaml --libvirt-uri "test://$work/node.xml" --port 0 \
  --controller "127.0.0.1:$port" --host-name herd-package-test --rack rack-p \
  --state-dir "$work/agent" --image-dir "$work/images" --heartbeat-interval-ms 500 \
  >"$work/agent.log" 2>&1 &
pids+=("$!")

# herdctl as root on the controller machine: the admin certificate postinst made
herdctl=(herdctl --controller "127.0.0.1:$port" --ca "$tls/ca.pem" --cert "$tls/admin.pem" --key "$tls/admin.key")
registered=""
for _ in $(seq 1 300); do
  if "${herdctl[@]}" host list --output json >"$work/hosts.json" 2>"$work/herdctl.log" \
      && grep -q '"name" : "herd-package-test"' "$work/hosts.json"; then
    registered=yes
    break
  fi
  kill -0 "${pids[-1]}" 2>/dev/null || fail "the agent exited"
  sleep 0.2
done
[[ -n $registered ]] || fail "the agent's host never showed in herdctl host list"
grep -q '"up" : true' "$work/hosts.json" || fail "the host is registered but not up"
grep -q '"rack" : "rack-p"' "$work/hosts.json" || fail "the host's rack label did not arrive"
say "host herd-package-test registered through the installed packages"
status=0
herdctl --controller "127.0.0.1:$port" host list >/dev/null 2>"$work/plaintext.log" || status=$?
((status == 5)) || fail "herdctl without TLS: exit $status, expected 5 (the controller serves TLS only)"

say "a server through the installed herdctl, and one refused"
"${herdctl[@]}" group create pkg --policy anti-affinity >"$work/group.log" 2>&1 || fail "group create: $(cat "$work/group.log")"
"${herdctl[@]}" server create pkg-1 --group pkg --memory 64M --wait -o json >"$work/server.json" 2>"$work/wait.log" \
  || fail "server create --wait: $(cat "$work/wait.log")"
grep -q '"state" : "SERVER_STATE_ACTIVE"' "$work/server.json" || fail "pkg-1 is not ACTIVE: $(cat "$work/server.json")"
status=0
"${herdctl[@]}" server create pkg-2 --group pkg --memory 64M >/dev/null 2>"$work/refused.log" || status=$?
((status == 4)) || fail "a second anti-affinity member on one host: exit $status, expected 4"
grep -q "no valid host" "$work/refused.log" || fail "the refusal does not explain itself: $(cat "$work/refused.log")"
[[ $(cat "$work/refused.log") == herdctl:* && $(wc -l <"$work/refused.log") -eq 1 ]] \
  || fail "herdctl's refusal is not its one line: $(cat "$work/refused.log")"
! grep -q "SLF4J" "$work/wait.log" "$work/group.log" || fail "herdctl printed its libraries' logging notices"
server_id=$(sed -n 's/^ *"id" : "\([0-9a-f-]*\)",$/\1/p' "$work/server.json" | head -n 1)
"${herdctl[@]}" server delete "$server_id" --wait --timeout 60s >/dev/null || fail "server delete $server_id"
"${herdctl[@]}" group delete pkg >/dev/null || fail "group delete"

say "purging"
for pid in "${pids[@]}"; do
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
done
pids=()
dpkg --purge "${packages[@]}" >"$work/purge.log" 2>&1 || fail "dpkg --purge failed"
for gone in /usr/bin/herd-agent /usr/bin/herd-controller /usr/bin/herdctl /usr/share/herd /etc/herd \
    /lib/systemd/system/herd-agent.service /lib/systemd/system/herd-controller.service; do
  [[ ! -e $gone ]] || fail "$gone is still there after purge"
done
say "passed"
