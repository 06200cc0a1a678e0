"""How fast this machine hands out fresh memory: the first and second memset of a new anonymous mapping.

    python bench/fresh_memory.py [MB] [REPEATS]

On a VM whose host takes back guest memory that was freed (free page
reporting, ballooning), the first touch of such memory waits for the host to
back it, page by page; the second touch runs at memory speed.  That first-touch
rate is the largest source of noise in ingest timings here (see BENCHMARKS.md,
Method): a build's fresh memory, its own and the page cache its output fills,
costs whatever the host charges at that moment.
"""
import ctypes
import mmap
import sys
import time


def first_and_second_touch(megabytes: int, huge: bool):
    n = megabytes << 20
    m = mmap.mmap(-1, n, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS)
    if huge and hasattr(m, "madvise") and hasattr(mmap, "MADV_HUGEPAGE"):
        m.madvise(mmap.MADV_HUGEPAGE)
    address = ctypes.addressof(ctypes.c_char.from_buffer(m))
    t0 = time.perf_counter()
    ctypes.memset(address, 1, n)
    t1 = time.perf_counter()
    ctypes.memset(address, 2, n)
    t2 = time.perf_counter()
    del address
    m.close()
    return t1 - t0, t2 - t1


def main() -> None:
    megabytes = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    gb = megabytes / 1024
    for _ in range(repeats):
        for huge in (True, False):
            first, second = first_and_second_touch(megabytes, huge)
            print(f"{'2 MiB' if huge else '4 KiB'} pages, {megabytes} MB: first touch {first * 1e3:7.1f} ms "
                  f"({gb / first:5.2f} GiB/s), second {second * 1e3:6.1f} ms ({gb / second:5.2f} GiB/s)")


if __name__ == "__main__":
    main()
