"""Work at import: a module-level Pool without a main guard (CL201). The benchmark refuses it."""
from multiprocessing import Pool


def square(n):
    return n * n


with Pool(2) as pool:
    print(pool.map(square, [1, 2, 3]))
