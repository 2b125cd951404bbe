# The top-level buffer, which other tools share:
# 1. ktr record --probe: what this kernel allows, in an instance and at the top level.
# 2. A recording that needs the top level (set_graph_function exists only there), started
#    with tracing_on 0 and max_graph_depth 7 at the top, which it must put back.
# 3. A busy top level (an event enabled): refused without --force; with --force recorded,
#    and the event is still enabled afterwards.
# 4. kill -9 of a recording at the top level with a kprobe: the guard puts everything back.
# 5. --instance keeps the recording in an instance even where that refuses -g.
# -l keeps each function_graph recording to a few patched call sites.
run probe ktr record --probe

echo 0 >$T/tracing_on
echo 7 >$T/max_graph_depth
top_state before
run top ktr record -q -o top.ktr -p function_graph -g ksys_read -l ksys_read -l vfs_read \
    -l rw_verify_area --max-graph-depth 2 -- sh -c "$WORKLOAD"
top_state after-top

echo 1 >$T/events/sched/sched_switch/enable
top_state busy
mv busy.top busy.state
run busy ktr record -q -o busy.ktr -p function_graph -g ksys_read -l ksys_read -- true
run forced ktr record -q --force -o forced.ktr -p function_graph -g ksys_read -l ksys_read \
    -l vfs_read -- sh -c "$WORKLOAD"
top_state after-forced
mv after-forced.top after-forced.state
echo 0 >$T/events/sched/sched_switch/enable

ktr record -q -o killed.ktr -p function_graph -g ksys_read -l ksys_read -l vfs_read \
    --kprobe 'p:kestrel_read ksys_read fd=%di:s32' >killed.out 2>killed.err &
pid=$!
tracer_is() { [ "$(cat $T/current_tracer)" = "$1" ]; }
wait_for 20 tracer_is function_graph && touch killed.started
guard=$(children "$pid")
sleep 2
kill -9 "$pid"
wait "$pid"
echo $? >killed.rc
# The guard puts the top level back, then exits.
for g in $guard; do wait_for 10 ended "$g" || echo "guard $g still running" >>killed.err; done
top_state after-killed

run instance ktr record -q --instance -o instance.ktr -p function_graph -g ksys_read \
    -l ksys_read -- true
top_state after-instance
