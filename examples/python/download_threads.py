"""The article's first example: one thread per URL.

Threads are the right tool for downloads (the GIL is released while a socket waits), but
starting one thread per item lets the thread count grow with the input.
"""
import threading

import requests

URLS = [f"https://example.com/page/{i}" for i in range(100)]


def download(url):
    response = requests.get(url, timeout=10)
    return len(response.content)


def main():
    threads = []
    for url in URLS:
        t = threading.Thread(target=download, args=(url,))
        t.start()
        threads.append(t)
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
