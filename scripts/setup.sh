#!/usr/bin/env bash
# Installs everything stratum needs from Debian apt and npm. Idempotent; run as root.
# Usage: scripts/setup.sh [--no-torch]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
with_torch=1
for arg in "$@"; do
  case "$arg" in
    --no-torch) with_torch=0 ;;
    -h|--help) sed -n '2,3p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
if [ "$(id -u)" != 0 ]; then echo "setup.sh: run as root (it calls apt-get)" >&2; exit 1; fi
export DEBIAN_FRONTEND=noninteractive

# deb-src entry so that `apt-get source imgui` works (ImGui ships in no binary package).
src_list=/etc/apt/sources.list.d/stratum-src.sources
if [ ! -f "$src_list" ]; then
  cat > "$src_list" <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  rm -f /var/lib/apt/stamp-stratum
fi

packages=(build-essential cmake pkg-config dpkg-dev ca-certificates
  emscripten chromium chromium-driver fonts-dejavu-core fonts-wqy-microhei fonts-symbola libssl-dev
  catch2 libstb-dev nlohmann-json3-dev libeigen3-dev
  libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev zlib1g-dev dataset-fashion-mnist gnuplot-nox
  libjpeg-dev libpng-dev libtiff-dev  # the decoders (libjpeg-turbo, libpng, libtiff); fixtures write with them too
  clang-14 libclang-rt-14-dev)  # the sanitizer build and the fuzzers (ASan, UBSan, libFuzzer)
[ "$with_torch" = 1 ] && packages+=(libtorch-dev libopenblas0-openmp libgloo-dev)  # gloo: headers for torch.distributed
# Node.js and npm: keep a newer install if one is there (the page's tests need node >= 18).
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ] || [ ! -f /var/lib/apt/stamp-stratum ]; then
  apt-get update -q
  touch /var/lib/apt/stamp-stratum
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# Dear ImGui sources into an ignored folder.
imgui_dir="$root/third_party/imgui"
if [ ! -f "$imgui_dir/imgui.cpp" ]; then
  tmp="$(mktemp -d)"
  (cd "$tmp" && apt-get source -q --download-only imgui >/dev/null && dpkg-source -x --no-check ./*.dsc src >/dev/null)
  rm -rf "$imgui_dir"; mkdir -p "$(dirname "$imgui_dir")"
  mv "$tmp/src" "$imgui_dir"
  rm -rf "$tmp"
  echo "setup: ImGui sources in $imgui_dir"
fi

# The page's decoders (zlib, libpng, libjpeg-turbo, libtiff) built for wasm from Debian's sources.
if [ ! -f "$root/third_party/wasm-deps/lib/libtiff.a" ]; then
  bash "$root/scripts/build-wasm-deps.sh" "$root/third_party/wasm-deps"
fi

# npm packages pinned by package-lock.json (onnxruntime-web, playwright-core).
# Skipped when node_modules was installed from this very lock file.
lock_sum="$(sha256sum "$root/package-lock.json" | cut -d' ' -f1)"
if [ "$(cat "$root/node_modules/.stratum-lock-sha256" 2>/dev/null)" != "$lock_sum" ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$lock_sum" > "$root/node_modules/.stratum-lock-sha256"
fi
echo "setup: done"
