#!/usr/bin/env bash
# Prepares a Debian 12 machine to build, test and run herd: installs the JDK, Maven,
# libvirt and QEMU and the OpenStack clients (openstack, nova), configures libvirt's QEMU
# driver, and starts virtlogd and libvirtd when no init system does; installs PostgreSQL 15,
# starts its cluster and makes the role the controller's store tests use; installs headless
# Chromium and its driver for the web console's browser tests. Safe to run twice. Must run
# as root; otherwise it prints the exact commands to run.
#
# PostgreSQL for tests: role herd_test (LOGIN CREATEDB, nothing else) with a random password
# kept in $PG_TEST_PASSWORD_FILE (made once, readable by local users: the role only reaches
# 127.0.0.1 and can only create and drop its own databases). The JDBC driver speaks TCP, so
# the tests log in with that password over 127.0.0.1:5432 (Debian's pg_hba.conf already asks
# for scram-sha-256 there); each test creates a database of its own and drops it.
set -euo pipefail

PG_VERSION=15
PG_TEST_ROLE=herd_test
PG_TEST_PASSWORD_FILE=/var/lib/herd-test/postgresql.password

PACKAGES=(openjdk-17-jdk-headless maven python3 curl openssl
          libvirt-clients libvirt-daemon libvirt-daemon-driver-qemu qemu-system-x86 qemu-utils
          systemd  # systemd: systemd-analyze verify checks the packaged units
          postgresql  # Debian 12's: PostgreSQL $PG_VERSION, the controller's shared store
          python3-openstackclient python3-novaclient  # the e2e run of the OpenStack clients (docs/nova-api.md)
          chromium chromium-driver)  # headless, for the web console's browser tests (Selenium)

log() { printf 'setup: %s\n' "$*" >&2; }

if [[ $(id -u) -ne 0 ]]; then
  missing=()
  for p in "${PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if ((${#missing[@]})); then
    echo "herd needs packages that are not installed. Run as root:" >&2
    echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
    echo "then run this script again as root (it also starts libvirtd)." >&2
    exit 1
  fi
  if ! virsh -c qemu:///system version >/dev/null 2>&1; then
    echo "libvirtd is not reachable at qemu:///system. Run: sudo $0" >&2
    exit 1
  fi
  if ! pg_isready -q -h 127.0.0.1 -p 5432 || [[ ! -r $PG_TEST_PASSWORD_FILE ]]; then
    echo "PostgreSQL is not running on 127.0.0.1:5432 or its test role is missing. Run: sudo $0" >&2
    exit 1
  fi
  exit 0
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >/dev/null
  apt-get install -y -q "${missing[@]}" >/dev/null
fi

# libvirtd's QEMU driver will not start without its user and group.
getent group libvirt-qemu >/dev/null || groupadd --system libvirt-qemu
getent passwd libvirt-qemu >/dev/null || useradd --system -g libvirt-qemu -d /var/lib/libvirt -s /usr/sbin/nologin libvirt-qemu
getent group libvirt >/dev/null || groupadd --system libvirt
mkdir -p /var/log/libvirt /var/run/libvirt /var/lib/libvirt/images

# Without systemd (containers, build machines) QEMU runs as root with no security driver.
if [[ ! -d /run/systemd/system ]]; then
  conf=/etc/libvirt/qemu.conf
  if ! grep -q '^# herd: set up by scripts/setup-machine.sh' "$conf" 2>/dev/null; then
    log "writing $conf (QEMU as root, no security driver)"
    cat >"$conf" <<'CONF'
# herd: set up by scripts/setup-machine.sh for a machine without systemd
user = "root"
group = "root"
security_driver = "none"
CONF
  fi
  if ! pgrep -x virtlogd >/dev/null; then
    log "starting virtlogd"
    virtlogd -d
  fi
  if ! pgrep -x libvirtd >/dev/null; then
    log "starting libvirtd"
    libvirtd -d
  fi
else
  systemctl start virtlogd libvirtd
fi

for _ in $(seq 1 100); do
  virsh -c qemu:///system version >/dev/null 2>&1 && break
  sleep 0.1
done
if ! virsh -c qemu:///system version >/dev/null 2>&1; then
  echo "setup: libvirtd did not answer at qemu:///system; see /var/log/libvirt" >&2
  exit 1
fi
if [[ -w /dev/kvm ]]; then
  log "libvirt ready (KVM acceleration available)"
else
  log "libvirt ready (no /dev/kvm: QEMU falls back to TCG software emulation)"
fi

# PostgreSQL: start the cluster Debian's package made (pg_ctlcluster without an init system),
# then make or refresh the test role.
if [[ ! -d /run/systemd/system ]]; then
  if ! pg_ctlcluster "$PG_VERSION" main status >/dev/null 2>&1; then
    log "starting PostgreSQL $PG_VERSION (cluster main)"
    pg_ctlcluster "$PG_VERSION" main start
  fi
else
  systemctl start postgresql
fi
for _ in $(seq 1 100); do
  pg_isready -q -h 127.0.0.1 -p 5432 && break
  sleep 0.1
done
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  echo "setup: PostgreSQL did not answer on 127.0.0.1:5432; see /var/log/postgresql" >&2
  exit 1
fi
if [[ ! -s $PG_TEST_PASSWORD_FILE ]]; then
  log "writing the password of PostgreSQL role $PG_TEST_ROLE to $PG_TEST_PASSWORD_FILE"
  mkdir -p "$(dirname "$PG_TEST_PASSWORD_FILE")"
  (umask 022 && openssl rand -hex 24 >"$PG_TEST_PASSWORD_FILE")
fi
# hex, so it needs no quoting; set again on each run so the role and the file always agree
pg_password=$(tr -d '[:space:]' <"$PG_TEST_PASSWORD_FILE")
runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -d postgres >/dev/null <<SQL
SELECT 'CREATE ROLE $PG_TEST_ROLE' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$PG_TEST_ROLE') \gexec
ALTER ROLE $PG_TEST_ROLE LOGIN CREATEDB NOSUPERUSER NOCREATEROLE PASSWORD '$pg_password';
SQL
log "PostgreSQL $PG_VERSION ready on 127.0.0.1:5432 (test role $PG_TEST_ROLE, password in $PG_TEST_PASSWORD_FILE)"
