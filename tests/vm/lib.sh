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
# "file: content" line per file (lines of a file joined with '|'), in NAME.top: the tracer
# and its filter files, enabled events, tracing_on, the pid lists and fork options, the
# options a recording sets, buffer size and clock; then the instances and the probes.
top_state() {
    for f in current_tracer tracing_on set_ftrace_filter set_ftrace_notrace \
        set_graph_function set_graph_notrace max_graph_depth set_event set_ftrace_pid \
        set_event_pid set_ftrace_notrace_pid set_event_notrace_pid options/function-fork \
        options/event-fork options/func_stack_trace options/stacktrace buffer_size_kb \
        trace_clock kprobe_events uprobe_events; do
        if [ -e "$T/$f" ]; then
            echo "$f: $(tr '\n' '|' <"$T/$f")"
        fi
    done >"$1.top"
    echo "instances: $(ls "$T/instances" | tr '\n' ' ')" >>"$1.top"
}

# The file offset of the uprobe target's kestrel_uprobe_hit (make-initramfs.sh).
uprobe_offset() { cat /vm/uprobe_target.offset; }

# children PID: the pids of PID's child processes.
children() {
    for s in /proc/[0-9]*/stat; do
        read -r pid comm state ppid rest <"$s" 2>/dev/null || continue
        [ "$ppid" = "$1" ] && echo "$pid"
    done
}

# ended PID: true once PID has exited (gone, or a zombie nobody reaps: /init is busy).
ended() {
    read -r pid comm state rest <"/proc/$1/stat" 2>/dev/null || return 0
    [ "$state" = Z ]
}

# wait_for SECONDS CMD...: runs CMD every 50 ms until it succeeds; false after SECONDS.
wait_for() {
    limit=$(($1 * 20))
    shift
    i=0
    until "$@"; do
        [ $i -ge $limit ] && return 1
        usleep 50000
        i=$((i + 1))
    done
}
