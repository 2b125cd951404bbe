# The recorder leaves its own threads (readers, compression, sampler, main) and its guard
# out of what it records unless --trace-self. The traced command lists them while the
# recording runs: the threads of its parent (ktr) and ktr's other children (the guard).
# Function calls the recorder makes all the time (read, write, splice) and every syscall.
self_cmd() {
    echo "echo \$\$ >$1.command; ls /proc/\$PPID/task >$1.tids;
        . /vm/lib.sh; children \$PPID | grep -vx \$\$ >$1.children; $WORKLOAD"
}
top_state before
run self ktr record -q -o self.ktr -p function -l ksys_read -l ksys_write \
    -l __x64_sys_splice -e raw_syscalls:sys_enter -- sh -c "$(self_cmd self)"
top_state after-self
run trace-self ktr record -q --trace-self -o trace-self.ktr -p function -l ksys_read \
    -l ksys_write -l __x64_sys_splice -e raw_syscalls:sys_enter -- sh -c "$(self_cmd trace-self)"
top_state after-trace-self
