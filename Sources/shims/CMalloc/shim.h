#include <malloc.h>

/* glibc allocator settings for a long-running daemon (see MallocTuning in frenemyd): at most
   `arenas` malloc arenas, and a fixed mmap threshold of `mmap_threshold` bytes, so large buffers
   go back to the system when freed instead of fragmenting the heap. Returns 1 when both took. */
static inline int frenemy_tune_malloc(int arenas, int mmap_threshold) {
    int ok = mallopt(M_ARENA_MAX, arenas);
    return ok && mallopt(M_MMAP_THRESHOLD, mmap_threshold);
}
