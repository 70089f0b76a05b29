from concurrent.futures import ProcessPoolExecutor
import os


def square(n):
    return n * n


if __name__ == "__main__":
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        print(pool.map(square, range(100_000)))
