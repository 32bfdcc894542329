#!/usr/bin/env bash
# Installs the Debian packages listed in installer/debian-packages.txt that are not installed yet.
# Runs apt-get through sudo when not root. Does nothing when everything is present.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
mapfile -t packages < <(grep -v '^\s*\(#\|$\)' "$here/debian-packages.txt")

missing=()
for package in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
    [[ $status == "install ok installed" ]] || missing+=("$package")
done

if ((${#missing[@]} == 0)); then
    echo "install-deps: all ${#packages[@]} Debian packages are installed"
    exit 0
fi

sudo_cmd=()
if ((EUID != 0)); then
    command -v sudo >/dev/null || {
        echo "install-deps: these packages are missing and sudo is not available: ${missing[*]}" >&2
        echo "install-deps: install them as root with: apt-get install ${missing[*]}" >&2
        exit 1
    }
    sudo_cmd=(sudo)
fi

echo "install-deps: installing ${#missing[@]} missing Debian packages: ${missing[*]}"
"${sudo_cmd[@]}" apt-get update -q
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
