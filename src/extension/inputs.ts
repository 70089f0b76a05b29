import { execFile } from 'node:child_process';

// Checks on the benchmark's inputs expression before anything runs (no `vscode` import: unit
// tested). Cheap ones while typing (non-empty, balanced brackets); then a real syntax check that
// never evaluates the expression: Python's `ast.parse` in the chosen interpreter, or compiling
// (not calling) a JS function in the extension host.

export const PROBE_TIMEOUT_MS = 5000;

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };

/** A message for an empty or bracket-unbalanced expression, or null. Strings and comments are skipped. */
export function quickInputsProblem(expr: string, language: 'python' | 'node'): string | null {
  if (expr.trim() === '') return 'Enter an expression that gives the task inputs, e.g. [100_000] * 8.';
  const stack: { ch: string; at: number }[] = [];
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i];
    if (ch === '"' || ch === "'" || (ch === '`' && language === 'node')) {
      const triple = language === 'python' && expr.startsWith(ch.repeat(3), i);
      const quote = triple ? ch.repeat(3) : ch;
      let j = i + quote.length;
      for (; j < expr.length; j++) {
        if (expr[j] === '\\') {
          j++;
          continue;
        }
        if (expr.startsWith(quote, j)) break;
      }
      if (j >= expr.length) return `Unterminated string starting at column ${i + 1}.`;
      i = j + quote.length - 1;
      continue;
    }
    if (ch === '#' && language === 'python') break;
    if (OPEN[ch]) stack.push({ ch, at: i });
    else if (CLOSE[ch]) {
      const top = stack.pop();
      if (!top) return `Unexpected \`${ch}\` at column ${i + 1}: nothing to close.`;
      if (top.ch !== CLOSE[ch]) return `\`${ch}\` at column ${i + 1} does not match \`${top.ch}\` at column ${top.at + 1}.`;
    }
  }
  const open = stack.pop();
  if (open) return `\`${open.ch}\` at column ${open.at + 1} is never closed.`;
  return null;
}

/** What the engine's benchmark target says about inputs (src/analysis/core/services.ts BenchmarkTarget). */
export interface InputsSource {
  defaultInputs: string;
  callSite: { inputs: string; path: string; line: number; call: string } | null;
}

/**
 * The inputs prompt's first value and its explanation: the last inputs used for this function,
 * else the arguments of a real call of it (the call is named), else the signature's guess.
 */
export function initialInputs(previous: string | undefined, target: InputsSource | null, language: 'python' | 'node'): { value: string; prompt: string; from: 'previous' | 'call-site' | 'signature' } {
  const how =
    language === 'python'
      ? 'A Python expression evaluated in the module: one item per call, tuples are spread into arguments.'
      : 'A JavaScript expression (the module\'s exports and require in scope): one item per call, arrays are spread into arguments.';
  if (previous !== undefined) return { value: previous, prompt: `${how} The inputs of the last run.`, from: 'previous' };
  const site = target?.callSite;
  if (site) {
    const where = `${site.path.split(/[\\/]/).pop()}:${site.line + 1}`;
    return { value: site.inputs, prompt: `${how} From the call at ${where}: ${site.call}`, from: 'call-site' };
  }
  const fallback = language === 'python' ? '[100_000] * 8' : 'Array(8).fill(100000)';
  return { value: target?.defaultInputs ?? fallback, prompt: `${how} Guessed from the signature: edit to representative values.`, from: 'signature' };
}

/** Compiles `return (EXPR)` without calling it: a syntax error's message, or null. */
export function jsSyntaxProblem(expr: string): string | null {
  try {
    // eslint-disable-next-line no-new-func, @typescript-eslint/no-implied-eval
    new Function(`return (${expr}\n)`);
    return null;
  } catch (error) {
    return `Not a valid JavaScript expression: ${(error as Error).message}`;
  }
}

const PY_CHECK = [
  'import ast, sys',
  'try:',
  "    ast.parse(sys.argv[1], mode='eval')",
  'except SyntaxError as e:',
  "    sys.stderr.write('%s (column %s)' % (e.msg, e.offset))",
  '    sys.exit(3)',
].join('\n');

/** `ast.parse(EXPR, mode='eval')` in the interpreter that will run the benchmark (5 s limit). */
export async function pythonSyntaxProblem(python: string, expr: string): Promise<string | null> {
  const outcome = await run(python, ['-c', PY_CHECK, expr]);
  if (outcome.ok) return null;
  if (outcome.code === 3) return `Not a valid Python expression: ${outcome.stderr.trim()}`;
  return `The syntax check with ${python} failed: ${outcome.error}`;
}

export interface RunOutcome {
  ok: boolean;
  code: number | null;
  stdout: string;
  stderr: string;
  error: string;
}

/** Runs a short command (no shell), with a time limit. */
export function run(command: string, args: string[], timeoutMs = PROBE_TIMEOUT_MS): Promise<RunOutcome> {
  return new Promise((resolve) => {
    execFile(command, args, { timeout: timeoutMs, windowsHide: true, maxBuffer: 1024 * 1024 }, (error, stdout, stderr) => {
      if (!error) {
        resolve({ ok: true, code: 0, stdout, stderr, error: '' });
        return;
      }
      const e = error as NodeJS.ErrnoException & { killed?: boolean; code?: string | number };
      const code = typeof e.code === 'number' ? e.code : null;
      const why = e.code === 'ENOENT' ? 'not found' : e.killed ? `no answer within ${timeoutMs / 1000} s` : (stderr.trim().split('\n').pop() ?? '');
      resolve({ ok: false, code, stdout, stderr, error: why || e.message });
    });
  });
}
