from concurrent.futures import ThreadPoolExecutor


def compute(n):
    # Pure-Python arithmetic: CPU-bound and holding the GIL, so processes should beat threads.
    total = 0
    for i in range(n):
        total += i * i % 7
    return total


def main():
    with ThreadPoolExecutor(max_workers=2) as executor:
        return list(executor.map(compute, [300_000] * 4))


if __name__ == "__main__":
    main()
