# The tracer filter files, with -l so that only a few call sites are patched:
# 1. function_graph: -l limits the functions traced, -n and --graph-notrace (which also
#    drops what the function calls) narrow them, -g picks the roots.
# 2. The function tracer with func_stack_trace, limited by -P to one task: a shell loop
#    that reads /init with builtins only (no forks), beside a second such loop that -P
#    leaves out.
top_state before
run filters ktr record -q -o filters.ktr -p function_graph -g ksys_read \
    -l ksys_read -l vfs_read -l rw_verify_area -l '*fdget_pos' \
    --graph-notrace rw_verify_area -n '*fdget_pos' -- sh -c "$WORKLOAD"
top_state after-filters

reader() { while :; do read -r line </init; usleep 2000; done; }
reader &
echo $! >traced.pid
reader &
echo $! >other.pid
run function ktr record -q -o function.ktr -p function -l ksys_read -l vfs_read \
    -O func_stack_trace -P "$(cat traced.pid)" --no-follow-fork -d 2
top_state after-function
kill "$(cat traced.pid)" "$(cat other.pid)"
