"""The article's Pool example, run at import time: with the spawn start method (the default
on Windows and macOS) every worker re-imports this module and starts its own pool."""
from multiprocessing import Pool


def square(n):
    return n * n


with Pool(processes=4) as pool:
    print(pool.map(square, [1, 2, 3, 4, 5]))
