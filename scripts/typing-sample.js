// The Python file the typing measurements edit: scripts/bench-server.ts over LSP and
// scripts/e2e/keystroke-suite.js in the real editor (which cannot load TypeScript), so that both
// time the same text. Blocks of a CPU-bound loop run on a thread pool (a CL101 finding each) and a
// file read, until the file has `lines` lines.

/** @param {number} lines @returns {string} */
function pythonFile(lines) {
  const block = (i) => `
def compute_${i}(n):
    total = 0
    for k in range(n):
        total += k * k
    return total


def fetch_${i}(url):
    with open(url) as f:
        return f.read()


def run_${i}(items):
    with ThreadPoolExecutor() as executor:
        return list(executor.map(compute_${i}, items))
`;
  let text = 'from concurrent.futures import ThreadPoolExecutor\n';
  for (let i = 0; text.split('\n').length < lines; i++) text += block(i);
  return text;
}

module.exports = { pythonFile };
