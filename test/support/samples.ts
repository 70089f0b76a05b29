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

/**
 * Valid Python with nothing to report, about 22 bytes a line and seconds of analysis at 30,000
 * lines; `tag` makes two versions differ (test/server-responsive.test.ts, scripts/bench-server.ts).
 */
export function bigPython(lines: number, tag: string): string {
  const parts = [`import threading\nfrom concurrent.futures import ThreadPoolExecutor\n# ${tag}\n`];
  for (let i = 0, count = 4; count < lines; i++, count += 19) {
    parts.push(`
class Worker${i}:
    def __init__(self, items):
        self.items = list(items)
        self.lock = threading.Lock()

    def total(self):
        acc = 0
        for item in self.items:
            if item % 3 == 0:
                acc += item * 2
            else:
                acc -= item
        return acc


def load_${i}(path):
    with open(path) as handle:
        return [line.strip() for line in handle]
`);
  }
  return parts.join('');
}
