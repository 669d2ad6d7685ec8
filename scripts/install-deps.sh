#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo run for real: CNCF Distribution
# (docker-registry), skopeo (a real client pulling the merged image), openssl (token-auth
# and TLS certificates), apache2-utils (bcrypt htpasswd), buildah (`buildah manifest`, a
# peer in the benchmark) and GNU time (the benchmark's peak RSS and CPU time of each run).
# Does nothing when they are present.
set -euo pipefail
need=()
for pkg in docker-registry skopeo openssl apache2-utils buildah time; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need+=("$pkg")
done
[ ${#need[@]} -eq 0 ] && exit 0
command -v apt-get >/dev/null || { echo "install ${need[*]} (Debian/Ubuntu packages) first" >&2; exit 1; }
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "Installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
