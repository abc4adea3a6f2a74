#!/usr/bin/env bash
# Builds the page's image decoders (zlib, libpng, libjpeg-turbo, libtiff) as static wasm libraries
# with Debian's emscripten, from Debian's source packages (Debian's patches, CVE fixes included,
# applied by dpkg-source). Needs the deb-src entry scripts/setup.sh writes; setup.sh runs this.
# Usage: scripts/build-wasm-deps.sh [PREFIX]   (default third_party/wasm-deps; about 2 minutes)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
prefix="$(realpath -m "${1:-$root/third_party/wasm-deps}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
export NODE_PATH=/usr/share/nodejs  # emcc's JS optimiser needs acorn from Debian's node-acorn
# emcmake's default emulator flag (--experimental-wasm-threads) makes node 20 exit at once, and
# CMake's try_run checks then read its exit code as sizeof(size_t): the web preset's value instead.
emulator="-DCMAKE_CROSSCOMPILING_EMULATOR=/usr/bin/node;--no-experimental-fetch"
jobs="$(nproc 2>/dev/null || echo 2)"
step() { echo "build-wasm-deps: $*" >&2; }

cd "$work"
for p in zlib libpng1.6 libjpeg-turbo tiff; do
  step "source of $p"
  apt-get source -q --download-only "$p" >/dev/null
  dpkg-source -x --no-check ./${p}_*.dsc "src-$p" >/dev/null
done
mkdir -p "$prefix/lib" "$prefix/include"
cmake_common=("$emulator" -DCMAKE_BUILD_TYPE=Release -DCMAKE_INSTALL_PREFIX="$prefix")

# zlib: its CMakeLists lists win32/zlib1.rc, which Debian's dfsg tarball drops; its own configure works.
step "zlib"
(cd src-zlib && emconfigure ./configure --static --prefix="$prefix" >/dev/null && emmake make -j"$jobs" libz.a >/dev/null &&
  emmake make install >/dev/null)
zlib=(-DZLIB_INCLUDE_DIR="$prefix/include" -DZLIB_LIBRARY="$prefix/lib/libz.a")

step "libpng"
emcmake cmake -S src-libpng1.6 -B build-png "${cmake_common[@]}" -DPNG_SHARED=OFF -DPNG_STATIC=ON \
  -DPNG_EXECUTABLES=OFF -DPNG_TESTS=OFF -DPNG_HARDWARE_OPTIMIZATIONS=OFF "${zlib[@]}" >/dev/null
make -C build-png -j"$jobs" install >/dev/null

# libjpeg-turbo: the library alone (its install target would also build the command-line tools).
step "libjpeg-turbo"
emcmake cmake -S src-libjpeg-turbo -B build-jpeg "${cmake_common[@]}" -DENABLE_SHARED=OFF -DENABLE_STATIC=ON \
  -DWITH_SIMD=OFF -DWITH_TURBOJPEG=OFF -DWITH_JAVA=OFF -DWITH_ARITH_DEC=ON -DWITH_ARITH_ENC=ON >/dev/null
make -C build-jpeg -j"$jobs" jpeg-static >/dev/null
install -m644 build-jpeg/libjpeg.a "$prefix/lib/"
install -m644 build-jpeg/jconfig.h src-libjpeg-turbo/jpeglib.h src-libjpeg-turbo/jmorecfg.h src-libjpeg-turbo/jerror.h \
  "$prefix/include/"

# libtiff: the codecs Debian's libtiff6 has for lab files (LZW, Deflate, PackBits, JPEG); no tools.
step "libtiff"
emcmake cmake -S src-tiff -B build-tiff "${cmake_common[@]}" -DBUILD_SHARED_LIBS=OFF \
  -Dtiff-tools=OFF -Dtiff-tests=OFF -Dtiff-contrib=OFF -Dtiff-docs=OFF -Dcxx=OFF -Dtiff-opengl=OFF \
  -Djbig=OFF -Dlerc=OFF -Dwebp=OFF -Dzstd=OFF -Dlzma=OFF -Dlibdeflate=OFF \
  -Djpeg=ON -Dold-jpeg=ON -DJPEG_INCLUDE_DIR="$prefix/include" -DJPEG_LIBRARY="$prefix/lib/libjpeg.a" \
  -Dzlib=ON "${zlib[@]}" >/dev/null
make -C build-tiff -j"$jobs" install >/dev/null

for lib in z png16 jpeg tiff; do [ -f "$prefix/lib/lib$lib.a" ] || { echo "build-wasm-deps: lib$lib.a missing" >&2; exit 1; }; done
step "done: $prefix"
