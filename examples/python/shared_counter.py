"""A counter shared by threads and a process that writes to a list the parent never sees."""
import threading
from multiprocessing import Process

hits = 0
results = []


def record(n):
    global hits
    for _ in range(n):
        hits += 1


def collect(item):
    results.append(item * 2)


def main():
    workers = [threading.Thread(target=record, args=(1000,)) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    p = Process(target=collect, args=(21,))
    p.start()
    p.join()
    print(hits, results)


if __name__ == "__main__":
    main()
