#!/usr/bin/env bash
# Usage: run-vm.sh VMLINUZ INITRAMFS SCENARIO OUTDIR [MEMORY_MB] [TIMEOUT_SEC] [DISK_MB]
# Boots VMLINUZ under qemu-system-x86_64 (TCG: no KVM needed; two vCPUs) with the tests'
# initramfs, which runs SCENARIO and writes its /out as a tar onto a raw disk image; the
# files come back in OUTDIR/out, the serial console in OUTDIR/console.log. No network, no
# other disks. Exit 0 when the results came back; otherwise 1 and one line on stderr.
set -euo pipefail
kernel=$1 initrd=$2 scenario=$3 outdir=$4
memory=${5:-512} limit=${6:-240} disk_mb=${7:-64}
mkdir -p "$outdir"
rm -rf "$outdir/out" "$outdir/results.img" "$outdir/console.log"
truncate -s "${disk_mb}M" "$outdir/results.img"

# -nodefaults: no NIC, VGA, floppy or CD-ROM to probe; -no-reboot with panic=-1 ends
# qemu on a kernel panic; the timeout ends a VM that hangs. thread=single runs both vCPUs
# on one host thread, taking turns: with thread=multi, 6.12 hit an int3 oops in
# __schedule while recording with probes (a call site being patched as the other vCPU ran
# it), and single was no slower here, where two VMs share two cores.
rc=0
timeout "$limit" qemu-system-x86_64 -nodefaults -display none -no-reboot \
    -accel tcg,thread=single -smp 2 -m "$memory" \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 quiet panic=-1 kestrel.scenario=$scenario" \
    -serial "file:$outdir/console.log" \
    -drive "file=$outdir/results.img,format=raw,if=none,id=results" \
    -device nvme,drive=results,serial=kestrel-results \
    >"$outdir/qemu.log" 2>&1 || rc=$?
if [[ $rc == 124 ]]; then
    echo "run-vm: $scenario on $(basename "$kernel") did not finish within ${limit}s; console: $outdir/console.log" >&2
    exit 1
elif [[ $rc != 0 ]]; then
    echo "run-vm: qemu-system-x86_64 exited with $rc: $(head -n 1 "$outdir/qemu.log")" >&2
    exit 1
fi
mkdir -p "$outdir/out"
if ! tar -xf "$outdir/results.img" -C "$outdir/out" 2>"$outdir/tar.log" || [[ ! -f $outdir/out/scenario.rc ]]; then
    echo "run-vm: no results from $scenario on $(basename "$kernel"); console: $outdir/console.log" >&2
    exit 1
fi
rm -f "$outdir/results.img"
