"""CPU-bound work on a thread pool: under the GIL the threads take turns."""
from concurrent.futures import ThreadPoolExecutor


def count_primes(limit):
    count = 0
    for n in range(2, limit):
        for d in range(2, int(n ** 0.5) + 1):
            if n % d == 0:
                break
        else:
            count += 1
    return count


def main():
    with ThreadPoolExecutor(max_workers=4) as executor:
        results = list(executor.map(count_primes, [50_000] * 8))
    print(sum(results))


if __name__ == "__main__":
    main()
