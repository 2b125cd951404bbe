# For scripts/make-funcgraph-trace.sh (not a test): a function_graph recording of every
# kernel function a shell workload calls, big enough for the flame view's benchmarks.
# --pid-only keeps the recorder's own reads out; a 64 MB buffer per CPU holds what the
# readers have not taken yet, so nothing is lost.
rounds=44  # about 2.7 M funcgraph events (32 gave 2.04 M)
run bench ktr record -o funcgraph.ktr -p function_graph --pid-only -b 65536 -- \
    sh -c "i=0; while [ \$i -lt $rounds ]; do ls -lR /usr /lib >/dev/null; md5sum /vm/* >/dev/null; i=\$((i + 1)); done"
run info ktr info funcgraph.ktr
run stats ktr stats funcgraph.ktr
