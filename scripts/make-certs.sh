#!/usr/bin/env bash
# Makes the files herd's TLS needs with openssl: a CA (once per directory) and, for each
# NAME, a certificate signed by it that serves as both server and client certificate, as
# herd's programs use theirs both ways (the controller serves the API and calls agents; an
# agent serves AgentService and heartbeats to the controller).
#
# usage: scripts/make-certs.sh DIR NAME [SAN...]
#   DIR   where the files go: ca.pem, ca.key, NAME.pem, NAME.key (keys PKCS#8, mode 600)
#   NAME  the certificate's common name, e.g. controller, hv-a1, ops-alice
#   SAN   the DNS names and IP addresses the others use to reach it (default: NAME).
#         They must match the host part of controller_address / --controller (for the
#         controller) and of the agent's advertised address (for an agent).
#
# examples:
#   scripts/make-certs.sh /etc/herd/tls controller ctl.example.org 10.0.0.10
#   scripts/make-certs.sh /etc/herd/tls hv-a1 hv-a1.example.org 10.0.1.21
#   scripts/make-certs.sh ~/.herd ops-alice           # a client certificate for herdctl
#
# Running it again keeps the CA and replaces NAME's certificate. Certificates last
# DAYS days (environment, default 825); the CA lasts 3650 days.
set -euo pipefail

if (($# < 2)); then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
command -v openssl >/dev/null || { echo "make-certs: openssl is needed: apt-get install -y openssl" >&2; exit 1; }

dir=$1
name=$2
shift 2
sans=("$@")
((${#sans[@]})) || sans=("$name")
days=${DAYS:-825}

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
openssl req -new -key "$work/key.pem" -subj "/CN=$name" -out "$work/req.csr"
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
echo "make-certs: $dir/$name.pem and $dir/$name.key for ${alt[*]}"
