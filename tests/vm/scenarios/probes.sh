# 1. A kprobe with fetch arguments, a kretprobe with $retval and a uprobe on the test
#    binary's kestrel_uprobe_hit, around a command that opens a file that exists and one
#    that does not, then calls the probed function 7 times.
# 2. kill -9 of a recording with a kprobe: the recorder's guard removes its instance and
#    the probe. Waits until the recording runs (the instance's tracing_on is 1), lets it
#    write a frame or two (frames reach the file once a second), kills it, and gives the
#    guard 10 s.
top_state before
run probes ktr record -q -o probes.ktr \
    --kprobe 'p:kestrel_open do_sys_openat2 dfd=%di:s32 path=+0(%si):ustring' \
    --kprobe 'r:kestrel_open_ret do_sys_openat2 ret=$retval:s64' \
    --uprobe "p:kestrel_hit /vm/uprobe_target:$(uprobe_offset) value=%di:s64" \
    -- sh -c 'echo $$ >command.pid; cat /init >/dev/null; cat /nonexistent 2>/dev/null;
              exec /vm/uprobe_target 7'
top_state after-probes

ktr record -q -o killed.ktr -e sched -e 'syscalls:*' \
    --kprobe 'p:kestrel_read ksys_read fd=%di:s32' >killed.out 2>killed.err &
pid=$!
running() { [ "$(cat "$T/instances/kestrel-$pid/tracing_on" 2>/dev/null)" = 1 ]; }
wait_for 20 running && touch killed.started
guard=$(children "$pid")
sleep 2
kill -9 "$pid"
wait "$pid"
echo $? >killed.rc
# The guard removes the instance and the probe, then exits.
for g in $guard; do wait_for 10 ended "$g" || echo "guard $g still running" >>killed.err; done
top_state after-killed
