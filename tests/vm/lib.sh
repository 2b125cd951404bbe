# Helpers of the VM scenarios (sourced by /init with /out as the working directory). What a
# scenario leaves in /out comes back to the host, where tests/vm/vm_test.cpp checks it.
T=/sys/kernel/tracing

# The workload the function_graph recordings trace: read() of a few files (busybox md5sum
# reads; its cat would use sendfile) and directory walks of the initramfs.
WORKLOAD='ls -R /usr /lib >/dev/null; md5sum /init /vm/* >/dev/null'

log() { echo "kestrel-vm: $(cut -d' ' -f1 /proc/uptime)s $*"; }

# run NAME CMD...: CMD's stdout, stderr and exit code in NAME.out, NAME.err, NAME.rc.
run() {
    name=$1
    shift
    log "$name: $*"
    "$@" >"$name.out" 2>"$name.err"
    echo $? >"$name.rc"
    log "$name: exit $(cat "$name.rc")"
}

# top_state NAME: the top-level tracing state a recording must leave as it found it, one
# "file: content" line per item (lines of a file joined with '|'), in NAME.top.
top_state() {
    for f in current_tracer tracing_on set_ftrace_filter set_ftrace_notrace \
        set_graph_function set_graph_notrace set_event kprobe_events uprobe_events; do
        if [ -e "$T/$f" ]; then
            echo "$f: $(tr '\n' '|' <"$T/$f")"
        fi
    done >"$1.top"
    echo "instances: $(ls "$T/instances" | tr '\n' ' ')" >>"$1.top"
}

# The file offset of the uprobe target's kestrel_uprobe_hit (make-initramfs.sh).
uprobe_offset() { cat /vm/uprobe_target.offset; }
