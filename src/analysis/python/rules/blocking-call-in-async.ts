import type { Fix } from '../../core/types';
import { ruleMeta } from '../../catalog';
import type { CallInfo, PythonModel } from '../model';
import type { PythonRule } from '../rule';
import { type PyNode, childByField } from '../syntax';
import { referenceTo, replaceNode } from '../edits';

// Calls that block the thread they run on. In an `async def` that thread is the event loop's,
// so every other task stalls until they return.
type Blocking = 'sleep' | 'http' | 'file' | 'subprocess' | 'input';

const BLOCKING_EXACT = new Map<string, Blocking>([
  ['time.sleep', 'sleep'],
  ['urllib.request.urlopen', 'http'],
  ['builtins.open', 'file'],
  ['io.open', 'file'],
  ['pathlib.Path.open', 'file'],
  ['pathlib.Path.read_text', 'file'],
  ['pathlib.Path.write_text', 'file'],
  ['pathlib.Path.read_bytes', 'file'],
  ['pathlib.Path.write_bytes', 'file'],
  ['subprocess.run', 'subprocess'],
  ['subprocess.call', 'subprocess'],
  ['subprocess.check_call', 'subprocess'],
  ['subprocess.check_output', 'subprocess'],
  ['subprocess.getoutput', 'subprocess'],
  ['subprocess.getstatusoutput', 'subprocess'],
  ['os.system', 'subprocess'],
  ['builtins.input', 'input'],
]);

const HTTP_VERBS = 'get|post|put|patch|delete|head|options|request';
const BLOCKING_HTTP = [
  new RegExp(`^requests\\.(${HTTP_VERBS})$`),
  new RegExp(`^requests\\.(Session|session)\\.(${HTTP_VERBS}|send)$`),
  new RegExp(`^httpx\\.(${HTTP_VERBS})$`),
  new RegExp(`^httpx\\.Client\\.(${HTTP_VERBS}|send)$`),
];

// `open()` and `urlopen()` hand back objects whose reads still block: moving the call alone to a
// thread fixes nothing.
const NO_THREAD_FIX = new Set(['builtins.open', 'io.open', 'pathlib.Path.open', 'urllib.request.urlopen']);

// Parents in which `await x` can replace `x` without parentheses.
const AWAIT_OK_PARENTS = new Set([
  'expression_statement', 'assignment', 'augmented_assignment', 'return_statement', 'argument_list', 'keyword_argument',
  'parenthesized_expression', 'list', 'tuple', 'set', 'expression_list', 'pair', 'binary_operator',
  'comparison_operator', 'boolean_operator', 'not_operator', 'conditional_expression',
]);

export const rule: PythonRule = {
  meta: ruleMeta('CL107'),
  check(context) {
    const { model } = context;
    for (const fn of model.functions) {
      if (!fn.isAsync) continue;
      // Only the coroutine's own body: nested defs and lambdas (typically handed to
      // to_thread/run_in_executor) run wherever they are called.
      for (const call of model.callsIn(fn)) {
        const kind = blockingKind(call.qualified);
        if (!kind) continue;
        const name = model.text(call.callee);
        context.report({
          node: call.node,
          message: `\`${name}(...)\` ${WHY[kind]} inside \`async def ${fn.name}\`, stalling every other task on the event loop. ${ADVICE[kind]}`,
          fix: fixFor(model, call, kind),
        });
      }
    }
  },
};

const WHY: Record<Blocking, string> = {
  sleep: 'blocks the thread',
  http: 'waits on the network',
  file: 'does blocking file I/O',
  subprocess: 'waits for a child process',
  input: 'waits for the terminal',
};

const ADVICE: Record<Blocking, string> = {
  sleep: 'Use `await asyncio.sleep(...)`.',
  http: 'Use an async client (httpx.AsyncClient, aiohttp) or `await asyncio.to_thread(...)`.',
  file: 'Do the file work in `await asyncio.to_thread(...)` (or use aiofiles).',
  subprocess: 'Use `asyncio.create_subprocess_exec(...)` or `await asyncio.to_thread(...)`.',
  input: 'Use `await asyncio.to_thread(input, ...)`.',
};

function blockingKind(qualified: string | null): Blocking | null {
  if (!qualified) return null;
  const exact = BLOCKING_EXACT.get(qualified);
  if (exact) return exact;
  return BLOCKING_HTTP.some((re) => re.test(qualified)) ? 'http' : null;
}

function fixFor(model: PythonModel, call: CallInfo, kind: Blocking): Fix | null {
  const node = call.node;
  const args = childByField(node, 'arguments');
  const parent = node.parent;
  if (!args || args.type !== 'argument_list' || !parent || parent.type === 'await') return null;
  // `await` in a generator expression would turn it into an async generator.
  if (model.contextOf(node).loops.some((loop) => loop.type === 'generator_expression')) return null;
  if (kind === 'sleep') {
    const sleep = referenceTo(model, 'asyncio', 'sleep', 'qualified');
    return {
      description: `Replace with \`await ${sleep.text}(...)\``,
      edits: [...sleep.edits, replaceNode(node, wrap(parent, `await ${sleep.text}${model.text(args)}`))],
      safe: false,
    };
  }
  if (call.qualified && NO_THREAD_FIX.has(call.qualified)) return null;
  const toThread = referenceTo(model, 'asyncio', 'to_thread', 'qualified');
  const inner = model.text(args).slice(1, -1);
  const rest = inner.trim() ? `, ${inner}` : '';
  return {
    description: `Run it in a worker thread: \`await ${toThread.text}(${model.text(call.callee)}, ...)\``,
    edits: [...toThread.edits, replaceNode(node, wrap(parent, `await ${toThread.text}(${model.text(call.callee)}${rest})`))],
    safe: false,
  };
}

function wrap(parent: PyNode, text: string): string {
  return AWAIT_OK_PARENTS.has(parent.type) ? text : `(${text})`;
}
