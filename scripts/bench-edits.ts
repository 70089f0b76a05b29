import { IncrementalPythonParser, topLevelSplice } from '../src/analysis/python/incremental';
import { ensurePythonParser } from '../src/analysis/python/syntax';
import { pythonFile } from './typing-sample';

// The incremental Python parse of one keystroke (issue 14): parse and copy of the typing
// measurements' file (typing-sample.js, 5,000 lines by default), per kind of edit, near the top
// and near the bottom, with the top-level splice (python/incremental.ts) and with tree-sitter's
// re-parse alone, alternating in one process. Each edit is taken back (untimed) before the next.
// `node --import tsx scripts/bench-edits.ts [LINES]`. Not a test: nothing asserts on timing.

const size = Number(process.argv[2] ?? 5000);
const ROUNDS = 15;

async function main(): Promise<void> {
  await ensurePythonParser();
  const base = pythonFile(size);
  const lines = base.split('\n');
  const starts: number[] = [0];
  for (const line of lines) starts.push(starts[starts.length - 1] + line.length + 1);
  // Each kind at `row`, a `def` line.
  const kinds: { name: string; at: (row: number) => number; text: string }[] = [
    { name: "' ' at column 0 of a def", at: (row) => starts[row], text: ' ' },
    { name: "'#' at column 0 of a def", at: (row) => starts[row], text: '#' },
    { name: "' ' at column 0 in a body", at: (row) => starts[row + 1], text: ' ' },
    { name: "'#' at column 0 in a body", at: (row) => starts[row + 1], text: '#' },
    { name: 'a letter in a name', at: (row) => starts[row] + 7, text: 'x' },
    { name: 'a newline at a line end', at: (row) => starts[row + 1] + lines[row + 1].length, text: '\n' },
  ];
  const sessions = [true, false].map((splice) => {
    const parser = new IncrementalPythonParser();
    parser.parse(base);
    return { splice, parser };
  });
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  console.log(`${lines.length}-line file, medians of ${ROUNDS} edits (wall ms, CPU ms)`);
  for (const where of ['top', 'bottom'] as const) {
    for (const kind of kinds) {
      const wall = { true: [] as number[], false: [] as number[] };
      const cpu = { true: [] as number[], false: [] as number[] };
      let spliced = 0;
      for (let round = 0; round < ROUNDS; round++) {
        let row = where === 'top' ? 20 + round * 17 : lines.length - 300 + round * 17;
        while (!lines[row].startsWith('def ')) row++;
        const at = kind.at(row);
        const edited = base.slice(0, at) + kind.text + base.slice(at);
        for (const { splice, parser } of sessions) {
          topLevelSplice(splice);
          const startedCpu = process.cpuUsage();
          const started = performance.now();
          const result = parser.parse(edited, [{ startIndex: at, endIndex: at, text: kind.text }]);
          wall[`${splice}`].push(performance.now() - started);
          const used = process.cpuUsage(startedCpu);
          cpu[`${splice}`].push((used.user + used.system) / 1000);
          if (splice && result.spliced) spliced++;
          parser.parse(base, [{ startIndex: at, endIndex: at + kind.text.length, text: '' }]);
        }
      }
      const [onWall, offWall, onCpu, offCpu] = [median(wall.true), median(wall.false), median(cpu.true), median(cpu.false)];
      console.log(
        `${where.padEnd(7)}${kind.name.padEnd(28)} tree-sitter ${offWall.toFixed(1).padStart(6)} / ${offCpu.toFixed(1).padStart(6)}` +
          `   splice ${onWall.toFixed(1).padStart(5)} / ${onCpu.toFixed(1).padStart(5)}   x${(offCpu / onCpu).toFixed(1)} CPU   spliced ${spliced}/${ROUNDS}`,
      );
    }
  }
  topLevelSplice(true);
}

void main();
