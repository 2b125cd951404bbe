// The VM tests' uprobe target: calls kestrel_uprobe_hit() as many times as its argument
// says (default 1), so a uprobe on that symbol must fire exactly that often. noinline and
// the volatile sum keep the calls in the binary at every optimisation level.
#include <stdio.h>
#include <stdlib.h>

volatile long kestrel_sum;

__attribute__((noinline)) void kestrel_uprobe_hit(long value) {
    kestrel_sum += value;
}

int main(int argc, char** argv) {
    long count = argc > 1 ? strtol(argv[1], NULL, 10) : 1;
    for (long i = 0; i < count; ++i) kestrel_uprobe_hit(i);
    printf("%ld calls, sum %ld\n", count, kestrel_sum);
    return 0;
}
