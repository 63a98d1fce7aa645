#!/usr/bin/env bash
# Runs herd's whole test suite: prepares the machine (packages, libvirtd) and runs every
# module's tests, including the ones that boot real QEMU domains through qemu:///system.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-machine.sh
exec mvn -B -ntp verify "$@"
