"""A module inside a package, with a relative import: the benchmark imports it as pkg.work."""
from .util import square


def work(n):
    return sum(square(i) for i in range(n))
