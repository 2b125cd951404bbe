#!/usr/bin/env bash
# Usage: fetch-kernel.sh CACHE_DIR META_PACKAGE GLOB
# Prints the path of a stock Debian kernel image (vmlinuz) for the VM tests: the kernel
# package META_PACKAGE depends on (the newest of its series that apt knows), fetched with
# `apt-get download` and unpacked with `dpkg-deb -x` into CACHE_DIR/PACKAGE (nothing is
# installed). An unpacked package is reused, so reruns only boot. When apt cannot name or
# fetch the package (no package lists, no mirror), the newest cached package whose name
# matches GLOB is used. Exit 1 with one line on stderr when there is no kernel at all.
set -euo pipefail
cache=$1 meta=$2 glob=$3
mkdir -p "$cache"
# Tests of both kernels start at once; one fetch at a time.
exec 9>"$cache/.fetch.lock"
flock 9

vmlinuz_of() { compgen -G "$1/boot/vmlinuz-*" | head -n 1; }

fetch() {
    local pkg=$1 dir=$cache/$1 tmp
    [[ -n $(vmlinuz_of "$dir" || true) ]] && return 0
    tmp=$(mktemp -d "$cache/fetch.XXXXXX")
    # apt-get download writes into the current directory; as root it warns that the
    # _apt user cannot write there, which is harmless.
    if ! (cd "$tmp" && timeout 300 apt-get download "$pkg") >"$tmp/log" 2>&1; then
        echo "fetch-kernel: apt-get download $pkg failed: $(grep -m1 '^E:' "$tmp/log" || tail -n1 "$tmp/log")" >&2
        rm -rf "$tmp"
        return 1
    fi
    dpkg-deb -x "$tmp"/*.deb "$tmp/root"
    # The modules are not needed: everything the tests use is built in.
    rm -rf "$tmp/root/lib" "$tmp/root/usr"
    rm -rf "$dir"
    mv "$tmp/root" "$dir"
    rm -rf "$tmp"
}

pkg=$(apt-cache depends "$meta" 2>/dev/null | awk '$1 == "Depends:" && $2 ~ /^linux-image-/ {print $2; exit}' || true)
if [[ -n $pkg ]] && fetch "$pkg"; then
    vmlinuz_of "$cache/$pkg"
    exit 0
fi
newest=$(cd "$cache" && compgen -G "$glob" | sort -V | tail -n 1 || true)
if [[ -n $newest && -n $(vmlinuz_of "$cache/$newest" || true) ]]; then
    echo "fetch-kernel: using the cached $newest (apt could not fetch ${pkg:-what $meta depends on})" >&2
    vmlinuz_of "$cache/$newest"
    exit 0
fi
if [[ -z $pkg ]]; then
    echo "fetch-kernel: apt knows no package $meta (apt-get update?) and none is cached in $cache" >&2
else
    echo "fetch-kernel: could not fetch $pkg and none matching $glob is cached in $cache" >&2
fi
exit 1
