from multiprocessing import Pool
import os


def square(n):
    return n * n


if __name__ == "__main__":
    with Pool(os.cpu_count()) as pool:
        print(pool.map(square, range(100_000)))
