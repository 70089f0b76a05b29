"""The article's advice followed: processes for CPU work sized by the CPU count, threads for
I/O, a main guard, and results consumed. Concurrency Lens has nothing to say here."""
import os
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed


def crunch(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def fetch(delay):
    time.sleep(delay)
    return delay


def main():
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as processes:
        print(sum(processes.map(crunch, [2_000_000] * 8)))
    with ThreadPoolExecutor(max_workers=16) as threads:
        futures = [threads.submit(fetch, 0.1) for _ in range(16)]
        for future in as_completed(futures):
            future.result()


if __name__ == "__main__":
    main()
