#!/usr/bin/env bash
# Installs the Debian packages TeleDB builds against, when any is missing.
set -euo pipefail

# libssl-dev for the wire server's TLS and SCRAM; postgresql-client (psql) and python3-venv
# for the tests that drive the server with real clients.
packages=(liblz4-dev libreadline-dev libssl-dev postgresql-client python3-venv)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "installing ${missing[*]}" >&2
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
