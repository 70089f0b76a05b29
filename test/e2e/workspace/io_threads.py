import time
from concurrent.futures import ThreadPoolExecutor


def wait(seconds):
    time.sleep(seconds)


def main():
    with ThreadPoolExecutor() as executor:
        return list(executor.map(wait, [0.1] * 4))
