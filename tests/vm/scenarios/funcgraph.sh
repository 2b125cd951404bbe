# function_graph as a user asks for it (-g ksys_read, a depth limit, sched_switch beside
# it), recorded by ktr and then by trace-cmd with the same arguments, the oracle. With -g
# alone the kernel patches every function's call site: the slowest step of the VM tests.
# What trace-cmd leaves at the top level is its own affair: no state is taken after it.
top_state before
run graph ktr record -q -o graph.ktr -p function_graph -g ksys_read --max-graph-depth 5 \
    -e sched:sched_switch -- sh -c "$WORKLOAD"
top_state after-graph
run graph-tc trace-cmd record -q -o graph.dat -p function_graph -g ksys_read \
    --max-graph-depth 5 -e sched:sched_switch -- sh -c "$WORKLOAD"
