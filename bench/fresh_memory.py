"""How fast this machine hands out fresh memory: the first and second memset of a new anonymous mapping.

    python bench/fresh_memory.py [MB] [REPEATS] [PAUSE_SECONDS]

On a VM whose host takes back guest memory that was freed (free page
reporting, ballooning), the first touch of such memory waits for the host to
back it, page by page; the second touch runs at memory speed.  That first-touch
rate is the largest source of noise in ingest timings here (see BENCHMARKS.md,
Method): a build's fresh memory, its own and the page cache its output fills,
costs whatever the host charges at that moment.

Each measurement waits PAUSE_SECONDS first (default 4), as a tool run in the
benchmark waits while the other tools run, so memory freed before it has gone
back to the host.  The host takes back whole free 2 MiB blocks, and a huge
page needs one, so after a pause 2 MiB pages (MADV_HUGEPAGE) were the slow
kind here: 500 MB first touched in ~0.7-0.9 s, against ~0.35 s with 4 KiB
pages, which mostly come from blocks still in use.  That is why gffbase
advises huge pages only when GFFBASE_HUGE_PAGES=1 (src/common/huge_pages.hpp).
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
    pause = float(sys.argv[3]) if len(sys.argv) > 3 else 4.0
    gb = megabytes / 1024
    for _ in range(repeats):
        for huge in (True, False):
            time.sleep(pause)
            first, second = first_and_second_touch(megabytes, huge)
            print(f"{'2 MiB' if huge else '4 KiB'} pages, {megabytes} MB: first touch {first * 1e3:7.1f} ms "
                  f"({gb / first:5.2f} GiB/s), second {second * 1e3:6.1f} ms ({gb / second:5.2f} GiB/s)")


if __name__ == "__main__":
    main()
