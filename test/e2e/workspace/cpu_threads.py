from concurrent.futures import ThreadPoolExecutor


def compute(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


def main():
    with ThreadPoolExecutor() as executor:
        return list(executor.map(compute, [10**6] * 4))


if __name__ == "__main__":
    main()
