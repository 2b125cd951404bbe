#!/usr/bin/env bash
# Usage: make-initramfs.sh OUT.cpio.gz KTR UPROBE_TARGET
# The VM tests' initramfs (cpio newc, gzip): busybox-static, ktr and trace-cmd with the
# shared libraries ldd names (and the dynamic loader), the uprobe target with the file
# offset of its probed symbol, init.sh as /init and the scenario scripts under /vm.
set -euo pipefail
out=$1 ktr=$2 target=$3
here=$(cd "$(dirname "$0")" && pwd)
for tool in busybox trace-cmd cpio; do
    command -v "$tool" >/dev/null || {
        echo "make-initramfs: $tool is missing (scripts/install-deps.sh installs it)" >&2
        exit 1
    }
done
busybox=$(command -v busybox)
if ldd "$busybox" >/dev/null 2>&1; then
    echo "make-initramfs: $busybox is not static (install busybox-static)" >&2
    exit 1
fi

root=$(mktemp -d "${TMPDIR:-/tmp}/kestrel-initramfs.XXXXXX")
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,out,vm,usr/bin}

# Copies a program and every shared library ldd names, at the same paths.
with_libs() {
    local bin=$1 dest=$2 lib
    cp "$bin" "$root$dest"
    for lib in $(ldd "$bin" | awk '/=> \// {print $3} /^\t\// {print $1}'); do
        [[ -e $root$lib ]] && continue
        mkdir -p "$root$(dirname "$lib")"
        cp -L "$lib" "$root$lib"
    done
}

cp "$busybox" "$root/bin/busybox"
# ktr without its debug information (32 MB -> 3 MB in a RelWithDebInfo build).
strip --strip-debug -o "$root/tmp/ktr" "$ktr"
with_libs "$root/tmp/ktr" /usr/bin/ktr
rm "$root/tmp/ktr"
with_libs "$(command -v trace-cmd)" /usr/bin/trace-cmd
cp "$target" "$root/vm/uprobe_target"

# uprobe_events takes a file offset: the symbol's address moved from its LOAD segment's
# address to that segment's offset in the file.
addr=$(nm "$target" | awk '$3 == "kestrel_uprobe_hit" {print $1}')
[[ -n $addr ]] || { echo "make-initramfs: no kestrel_uprobe_hit in $target" >&2; exit 1; }
offset=
while read -r type off va _ filesz _; do
    [[ $type == LOAD ]] || continue
    if (( 16#$addr >= va && 16#$addr < va + filesz )); then
        offset=$(printf '0x%x' $(( 16#$addr - va + off )))
        break
    fi
done < <(readelf -lW "$target")
[[ -n $offset ]] || { echo "make-initramfs: kestrel_uprobe_hit lies in no LOAD segment" >&2; exit 1; }
echo "$offset" >"$root/vm/uprobe_target.offset"

cp "$here/init.sh" "$root/init"
chmod 755 "$root/init"
cp "$here/lib.sh" "$here"/scenarios/*.sh "$root/vm/"

tmp=$out.tmp.$$
(cd "$root" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet | gzip -1) >"$tmp"
mv "$tmp" "$out"
