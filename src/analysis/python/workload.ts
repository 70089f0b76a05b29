import { type PyNode, childByField, namedChildren, walk } from './syntax';
import { type CallInfo, type FunctionInfo, type PythonModel, isLoopNode } from './model';
import { fact } from '../core/facts';

// Workload classification (README.md, "How the analyzer decides"): what kind of work a task callable does, with the evidence.
// Precision beats recall: anything the classifier cannot account for makes the answer `unknown`,
// and no rule fires on `unknown`.

export type WorkloadKind = 'io' | 'cpu' | 'native' | 'trivial' | 'mixed' | 'unknown';

export interface Evidence {
  kind: 'io' | 'cpu' | 'native' | 'unknown';
  path: string;
  node: PyNode;
  reason: string;
}

export interface Workload {
  kind: WorkloadKind;
  evidence: Evidence[];
}

// Prefixes of qualified names whose calls block on I/O.
const IO_PREFIXES = [
  'requests.', 'httpx.', 'urllib.request.', 'urllib3.', 'http.client.', 'socket.', 'ftplib.', 'smtplib.',
  'subprocess.', 'shutil.copy', 'shutil.move', 'shutil.rmtree', 'select.', 'sqlite3.', 'psycopg2.', 'psycopg.',
  'pymysql.', 'MySQLdb.', 'pymongo.', 'redis.', 'paramiko.', 'boto3.', 'telnetlib.', 'poplib.', 'imaplib.',
];
const IO_EXACT = new Set([
  'builtins.open', 'builtins.input', 'time.sleep', 'os.read', 'os.write', 'os.system', 'os.popen', 'os.listdir',
  'os.scandir', 'os.walk', 'os.stat', 'os.remove', 'os.rename', 'os.makedirs', 'io.open', 'urllib.request.urlopen',
  'json.load', 'json.dump', 'pickle.load', 'pickle.dump', 'shutil.copyfile', 'shutil.copyfileobj', 'glob.glob',
  'pathlib.Path.read_text', 'pathlib.Path.write_text', 'pathlib.Path.read_bytes', 'pathlib.Path.write_bytes',
]);
// Method names that do I/O whatever the receiver (file objects, paths, sockets, DB cursors).
const IO_METHODS = new Set([
  'read_text', 'write_text', 'read_bytes', 'write_bytes', 'urlopen', 'recv', 'sendall', 'execute', 'executemany',
  'fetchall', 'fetchone', 'readline', 'readlines', 'writelines',
]);

// Libraries that release the GIL for their heavy work.
const NATIVE_PREFIXES = [
  'numpy.', 'scipy.', 'pandas.', 'hashlib.', 'zlib.', 'bz2.', 'lzma.', 'gzip.compress', 'gzip.decompress',
  'PIL.', 'cv2.', 'torch.', 'tensorflow.', 'numba.', 'sklearn.', 'cupy.', 'polars.', 'pyarrow.',
];

// Pure-Python library calls that burn CPU on their input.
const CPU_LIBRARY = new Set([
  'json.loads', 'json.dumps', 're.findall', 're.sub', 're.search', 're.match', 're.finditer', 're.split',
  're.fullmatch', 'pickle.loads', 'pickle.dumps', 'builtins.sorted',
]);

// Cheap calls: they neither do I/O nor hide heavy work on their own.
const CHEAP_BUILTINS = new Set([
  'len', 'abs', 'min', 'max', 'int', 'float', 'str', 'bool', 'round', 'pow', 'divmod', 'range', 'enumerate',
  'zip', 'list', 'dict', 'set', 'tuple', 'isinstance', 'sum', 'any', 'all', 'reversed', 'chr', 'ord', 'hash',
  'repr', 'print', 'format', 'iter', 'next', 'hex', 'bin', 'bytes', 'bytearray', 'frozenset', 'map', 'filter',
  'getattr', 'hasattr', 'setattr', 'super', 'id', 'type', 'complex',
]);
const CHEAP_PREFIXES = ['math.', 'cmath.', 'operator.', 'logging.', 'random.', 'statistics.', 'itertools.', 'functools.', 'collections.', 'decimal.', 'fractions.', 'string.', 'struct.', 'time.time', 'time.perf_counter', 'time.monotonic', 'os.getpid', 'threading.current_thread', 'threading.get_ident', 'datetime.', 'copy.'];
// Methods that are cheap on the builtin types they usually belong to.
const CHEAP_METHODS = new Set([
  'append', 'extend', 'pop', 'get', 'items', 'keys', 'values', 'setdefault', 'split', 'strip', 'rstrip', 'lstrip',
  'join', 'format', 'lower', 'upper', 'replace', 'startswith', 'endswith', 'encode', 'decode', 'copy', 'add',
  'insert', 'remove', 'sort', 'count', 'index', 'is_integer', 'bit_length', 'hexdigest', 'digest',
]);

const ARITHMETIC_OPS = new Set(['+', '-', '*', '/', '//', '%', '**', '<<', '>>', '&', '|', '^', '@']);
const AUG_ARITHMETIC_OPS = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '<<=', '>>=', '&=', '|=', '^=']);

// A `range(k)` with a literal k below this does too little to matter on its own.
const SMALL_LITERAL_RANGE = 1000;

// Call chains deeper than this are not followed: the answer is `unknown` (and no stack overflow).
const MAX_CALL_DEPTH = 48;

export function classifyWorkload(fn: FunctionInfo): Workload {
  return classify(fn, new Set());
}

// Filled by `classify` itself: what it may not cache (a cut-off chain) it leaves out.
const classified = fact((_: PythonModel) => new Map<FunctionInfo, Workload>());

function classify(fn: FunctionInfo, visiting: Set<FunctionInfo>): Workload {
  const memo = classified(fn.model);
  const cached = memo.get(fn);
  if (cached) return cached;
  if (visiting.size >= MAX_CALL_DEPTH) {
    // Not memoized: from a shallower caller the same function may be fully classifiable.
    return { kind: 'unknown', evidence: [{ kind: 'unknown', node: fn.node, path: fn.model.path, reason: `call chain deeper than ${MAX_CALL_DEPTH} functions` }] };
  }
  visiting.add(fn);
  const result = new Classifier(fn, visiting).run();
  visiting.delete(fn);
  memo.set(fn, result);
  return result;
}

class Classifier {
  private readonly model: PythonModel;
  private readonly evidence: Evidence[] = [];
  private readonly calleeKinds: WorkloadKind[] = [];
  /** Calls of this body known to wait on I/O, directly or through workspace functions. */
  private readonly ioCalls = new Set<PyNode>();
  private hasLoop = false;

  constructor(
    private readonly fn: FunctionInfo,
    private readonly visiting: Set<FunctionInfo>,
  ) {
    this.model = fn.model;
  }

  run(): Workload {
    for (const call of this.model.callsIn(this.fn)) this.classifyCall(call);
    this.classifyLoops();
    return this.conclude();
  }

  private add(kind: Evidence['kind'], node: PyNode, reason: string): void {
    if (kind === 'io') this.ioCalls.add(node);
    this.evidence.push({ kind, node, reason, path: this.model.path });
  }

  private classifyCall(call: CallInfo): void {
    const line = call.node.startRow + 1;
    const calleeText = this.model.text(call.callee);
    const target = call.target;
    if (target.kind === 'function') {
      if (target.fn === this.fn || this.visiting.has(target.fn)) {
        if (target.fn === this.fn) this.add('cpu', call.node, `recursive call to \`${this.fn.name}\` at line ${line}`);
        return;
      }
      const inner = classify(target.fn, this.visiting);
      this.calleeKinds.push(inner.kind);
      if (inner.kind === 'io' || inner.kind === 'mixed') this.ioCalls.add(call.node);
      for (const e of inner.evidence) this.evidence.push(e);
      return;
    }
    if (target.kind === 'class' || target.kind === 'lambda') {
      this.add('unknown', call.node, `calls \`${calleeText}\` at line ${line}`);
      return;
    }
    const name = call.qualified;
    if (name) {
      if (isIo(name)) return this.add('io', call.node, `\`${calleeText}\` blocks on I/O (line ${line})`);
      if (NATIVE_PREFIXES.some((p) => name.startsWith(p))) {
        return this.add('native', call.node, `\`${calleeText}\` runs in native code that releases the GIL (line ${line})`);
      }
      if (CPU_LIBRARY.has(name)) {
        if (call.args.some((a) => !isLiteral(a))) {
          this.add('cpu', call.node, `\`${calleeText}\` is pure-Python work on its input (line ${line})`);
        }
        return;
      }
      const short = name.startsWith('builtins.') ? name.slice('builtins.'.length) : null;
      if (short && CHEAP_BUILTINS.has(short)) return;
      if (CHEAP_PREFIXES.some((p) => name.startsWith(p))) return;
    }
    if (call.method) {
      if (IO_METHODS.has(call.method)) return this.add('io', call.node, `\`.${call.method}()\` does I/O (line ${line})`);
      if (['read', 'write'].includes(call.method) && this.isFileObject(call)) {
        return this.add('io', call.node, `\`.${call.method}()\` on a file does I/O (line ${line})`);
      }
      if (CHEAP_METHODS.has(call.method) && !call.qualified) return;
    }
    this.add('unknown', call.node, `calls \`${calleeText}\`, which the analyzer cannot see into (line ${line})`);
  }

  /** `f.read()` where f came from `open(...)` (a with-alias or an assignment). */
  private isFileObject(call: CallInfo): boolean {
    if (!call.receiverNode || call.receiverNode.type !== 'identifier') return false;
    const binding = this.model.lookup(this.model.text(call.receiverNode), call.scope, call.node);
    if (!binding?.value || binding.value.type !== 'call') return false;
    const opener = this.model.callAt(binding.value);
    return !!opener?.qualified && isIo(opener.qualified);
  }

  private classifyLoops(): void {
    const loops: PyNode[] = [];
    walk(this.fn.node, (node) => {
      if (node !== this.fn.node && (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition')) {
        return false;
      }
      if (isLoopNode(node)) loops.push(node);
      return true;
    });
    for (const loop of loops) {
      this.hasLoop = true;
      const outer = this.model.contextOf(loop).loops;
      // Nested loops are judged once, at their outermost loop.
      if (outer.length > 0) continue;
      const verdict = this.loopWork(loop);
      if (verdict) this.add('cpu', loop, verdict);
    }
  }

  /** Why this loop is CPU work, or null when it is not (small, or its body waits on I/O). */
  private loopWork(loop: PyNode): string | null {
    const line = loop.startRow + 1;
    let ops = 0;
    let nestedLoops = 0;
    let io = false;
    walk(loop, (node) => {
      if (node.type === 'function_definition' || node.type === 'lambda' || node.type === 'class_definition') return false;
      if (node !== loop && isLoopNode(node)) nestedLoops++;
      if (node.type === 'binary_operator') {
        const op = childByField(node, 'operator');
        if (op && ARITHMETIC_OPS.has(op.type)) ops++;
      } else if (node.type === 'augmented_assignment') {
        const op = childByField(node, 'operator');
        if (op && AUG_ARITHMETIC_OPS.has(op.type)) ops++;
      } else if (node.type === 'comparison_operator') {
        ops++;
      } else if (node.type === 'call' && this.ioCalls.has(node)) {
        io = true;
      }
      return true;
    });
    if (io || ops === 0) return null;
    const size = this.iterationSize(loop);
    const kind = loop.type === 'for_statement' || loop.type === 'while_statement' ? 'loop' : 'comprehension';
    if (nestedLoops > 0 && size !== 'small') {
      return `nested ${kind} at line ${line} does pure-Python arithmetic`;
    }
    if (size === 'large') return `${kind} over a large range at line ${line} does pure-Python arithmetic`;
    if (size === 'data') return `${kind} at line ${line} does pure-Python arithmetic on every item`;
    return null;
  }

  /** `small`: a literal bound below SMALL_LITERAL_RANGE; `large`: a literal above it; `data`: sized by input. */
  private iterationSize(loop: PyNode): 'small' | 'large' | 'data' {
    if (loop.type === 'while_statement') return 'data';
    const iterable =
      loop.type === 'for_statement'
        ? childByField(loop, 'right')
        : (() => {
            const clause = loop.children.find((c) => c.type === 'for_in_clause');
            return clause ? childByField(clause, 'right') : null;
          })();
    if (!iterable) return 'data';
    if (['list', 'tuple', 'set', 'string', 'dictionary'].includes(iterable.type)) return 'small';
    if (iterable.type === 'call') {
      const call = this.model.callAt(iterable);
      if (call?.qualified === 'builtins.range') {
        const literalArgs = call.args.map((a) => literalInt(this.model.text(a)));
        if (literalArgs.length > 0 && literalArgs.every((v) => v !== null)) {
          const values = literalArgs as number[];
          const span = values.length === 1 ? values[0] : values[1] - values[0];
          return Math.abs(span) < SMALL_LITERAL_RANGE ? 'small' : 'large';
        }
      }
    }
    return 'data';
  }

  private conclude(): Workload {
    const kinds = new Set(this.evidence.map((e) => e.kind));
    for (const k of this.calleeKinds) {
      if (k === 'mixed') kinds.add('io').add('cpu');
      if (k === 'unknown') kinds.add('unknown');
    }
    let kind: WorkloadKind;
    if (kinds.has('unknown')) kind = 'unknown';
    else if (kinds.size > 1) kind = 'mixed';
    else if (kinds.size === 1) kind = [...kinds][0] as WorkloadKind;
    else kind = this.hasLoop || this.hasCallsToWorkspaceCode() ? 'unknown' : 'trivial';
    if (kind === 'trivial' && !this.isSmallBody()) kind = 'unknown';
    return { kind, evidence: this.evidence };
  }

  private hasCallsToWorkspaceCode(): boolean {
    return this.calleeKinds.some((k) => k !== 'trivial');
  }

  /** Trivial means a handful of statements: `return n * n`, not a long function of cheap calls. */
  private isSmallBody(): boolean {
    const body = this.fn.isLambda ? this.fn.node : childByField(this.fn.node, 'body');
    if (!body) return false;
    return this.fn.isLambda || namedChildren(body).length <= 5;
  }
}

function isIo(name: string): boolean {
  return IO_EXACT.has(name) || IO_PREFIXES.some((p) => name.startsWith(p));
}

function isLiteral(node: PyNode): boolean {
  return ['string', 'integer', 'float', 'true', 'false', 'none', 'concatenated_string'].includes(node.type);
}

function literalInt(text: string): number | null {
  const clean = text.replace(/_/g, '');
  if (!/^-?\d+$/.test(clean)) {
    // 10**6 and 1e6-style literals used as bounds.
    const pow = /^(\d+)\s*\*\*\s*(\d+)$/.exec(clean);
    if (pow) return Number(pow[1]) ** Number(pow[2]);
    return null;
  }
  return Number(clean);
}

export function describeWorkload(workload: Workload): string {
  const first = workload.evidence.find((e) => e.kind === workload.kind);
  return first ? first.reason : workload.kind;
}
