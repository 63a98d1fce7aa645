#!/usr/bin/env bash
# Makes the files herd's TLS needs with openssl: a CA (once per directory) and, for each
# NAME, a certificate signed by it whose subject is /OU=ROLE/CN=NAME. herd reads the role
# from OU and the identity from CN (docs/security.md). Every certificate serves as both
# server and client certificate, as herd's programs use theirs both ways (the controller
# serves the API and calls agents; an agent serves AgentService and heartbeats).
#
# usage: make-certs.sh DIR ROLE NAME [SAN...]
#        make-certs.sh --ca-only DIR
#   DIR   where the files go: ca.pem, ca.key, NAME.pem, NAME.key (keys PKCS#8, mode 600)
#   ROLE  one of:
#           controller  the controller (serves the API, calls agents)
#           agent       a hypervisor's agent: NAME must be the agent's host_name, and the
#                       SANs the host part of its advertised address (what the controller dials)
#           admin       herdctl or a tool allowed everything, host maintenance included
#           operator    may create, delete and migrate groups and servers
#           viewer      may only read
#   NAME  the certificate's common name (CN): letters, digits and . _ @ -, at most 64
#   SAN   the DNS names and IP addresses the others use to reach it (default: NAME).
#         The controller's must match the host part of the agents' controller_address and
#         of herdctl's --controller. Client-only roles (admin, operator, viewer) need none.
#   --ca-only  make the CA in DIR if it has none, and no certificate
#
# examples:
#   make-certs.sh /etc/herd/tls controller controller ctl.example.org 10.0.0.10
#   make-certs.sh /etc/herd/tls agent hv-a1 hv-a1.example.org 10.0.1.21
#   make-certs.sh ~/.herd operator alice           # a client certificate for herdctl
#
# Running it again keeps the CA and replaces NAME's certificate and key. Certificates last
# DAYS days (environment, default 825); the CA lasts 3650 days.
set -euo pipefail

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed "\$d; s/^# \{0,1\}//; s/make-certs\.sh/${0##*/}/g" >&2
  exit 2
}

ca_only=""
if [[ ${1:-} == --ca-only ]]; then
  (($# == 2)) || usage
  ca_only=yes
  dir=$2
else
  (($# >= 3)) || usage
  dir=$1
  role=$2
  name=$3
  shift 3
  case $role in
    controller | agent | admin | operator | viewer) ;;
    *)
      echo "make-certs: unknown role '$role'" >&2
      usage
      ;;
  esac
  # NAME goes into the subject and a file name: nothing that either would read differently
  if [[ ! $name =~ ^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$ ]]; then
    echo "make-certs: NAME '$name' must be letters, digits and . _ @ - (starting with a letter or digit), at most 64" >&2
    exit 2
  fi
  sans=("$@")
  ((${#sans[@]})) || sans=("$name")
fi
days=${DAYS:-825}
[[ $days =~ ^[1-9][0-9]*$ ]] || { echo "make-certs: DAYS must be a positive number of days, not '$days'" >&2; exit 2; }
command -v openssl >/dev/null || { echo "make-certs: openssl is needed: apt-get install -y openssl" >&2; exit 1; }

mkdir -p "$dir"
umask 077

if [[ ! -f $dir/ca.pem || ! -f $dir/ca.key ]]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/ca.key" 2>/dev/null
  openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 3650 -subj "/CN=herd CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$dir/ca.pem"
  chmod 644 "$dir/ca.pem"
  echo "make-certs: made a new CA: $dir/ca.pem (keep $dir/ca.key secret and off the hosts)"
fi
[[ -z $ca_only ]] || exit 0

alt=()
for san in "${sans[@]}"; do
  if [[ $san =~ ^[0-9.]+$ || $san == *:* ]]; then
    alt+=("IP:$san")
  else
    alt+=("DNS:$san")
  fi
done
alt_names=$(IFS=,; echo "${alt[*]}")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$work/key.pem" 2>/dev/null
openssl req -new -key "$work/key.pem" -subj "/OU=$role/CN=$name" -out "$work/req.csr"
cat >"$work/ext.cnf" <<EOF
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature,keyEncipherment
extendedKeyUsage=serverAuth,clientAuth
subjectAltName=$alt_names
EOF
openssl x509 -req -in "$work/req.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial \
  -days "$days" -sha256 -extfile "$work/ext.cnf" -out "$work/cert.pem" 2>/dev/null
rm -f "$dir/ca.srl"
mv "$work/key.pem" "$dir/$name.key"
mv "$work/cert.pem" "$dir/$name.pem"
chmod 600 "$dir/$name.key"
chmod 644 "$dir/$name.pem"
echo "make-certs: $dir/$name.pem and $dir/$name.key: role $role, CN $name, for ${alt[*]}"
