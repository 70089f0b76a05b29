// A Python module whose only finding is CL101 at line 13 (0-based 12): `compute` does a
// pure-Python loop (line 6) and runs on a ThreadPoolExecutor. Tests of the editor features edit it.
export const CPU_IN_THREADS = `from concurrent.futures import ThreadPoolExecutor


def compute(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def main():
    with ThreadPoolExecutor() as executor:
        return list(executor.map(compute, [10**6] * 4))
`;
