#!/bin/busybox sh
# /init of the VM tests' initramfs: mounts what recording needs, runs the scenario named on
# the kernel command line (kestrel.scenario=NAME, /vm/NAME.sh) with /out as its working
# directory, then writes /out as a tar onto the results disk (an NVMe namespace: the
# driver is built into the Debian cloud kernels, virtio is a module) and powers off.
# Progress lines go to the console, which the host keeps as console.log.
/bin/busybox --install -s /bin
mount -t devtmpfs dev /dev
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tracefs nodev /sys/kernel/tracing
mkdir -p /tmp /out
export PATH=/usr/bin:/bin HOME=/tmp

scenario=
for word in $(cat /proc/cmdline); do
    case $word in kestrel.scenario=*) scenario=${word#kestrel.scenario=} ;; esac
done
# The top-level ring buffer is small ("7 (expanded: 1408)") until tracing is first used,
# anywhere: then the kernel expands it, which no recorder can undo. Expanded here, so that
# the top-level state the scenarios compare is the one a used kernel shows.
size=$(sed -n 's/.*expanded: \([0-9]*\).*/\1/p' /sys/kernel/tracing/buffer_size_kb)
[ -n "$size" ] && echo "$size" >/sys/kernel/tracing/buffer_size_kb
cut -d" " -f1 /proc/uptime >/out/boot.uptime
echo "kestrel-vm: $(uname -r), $(grep -c ^processor /proc/cpuinfo) CPUs, up $(cut -d' ' -f1 /proc/uptime)s, scenario '$scenario'"
uname -r >/out/kernel
if [ -f "/vm/$scenario.sh" ]; then
    (cd /out && . /vm/lib.sh && . "/vm/$scenario.sh")
    echo $? >/out/scenario.rc
else
    echo "no scenario '$scenario' in /vm" >/out/scenario.err
    echo 127 >/out/scenario.rc
fi
cut -d' ' -f1 /proc/uptime >/out/uptime
if tar -cf /dev/nvme0n1 -C /out .; then
    sync
    echo "kestrel-vm: results written ($(du -sk /out | cut -f1) KB), up $(cat /out/uptime)s"
else
    echo "kestrel-vm: cannot write the results to /dev/nvme0n1"
fi
poweroff -f
