import type { CallInfo, FunctionInfo, PythonModel } from './model';
import { type PyNode, childByField } from './syntax';

// Test code exercises the concurrency machinery itself: a pool of exactly three workers to check
// that three exist, a Thread object made to read its name, a no-op task to see the pool run.
// Rules whose advice is about tuning real work (sizes, batching) stay silent there.

const TEST_FILE = /^(_?test_.*|.*_tests?|conftest|tests?)\.py$/;
const TEST_CLASS = /^Test|Tests?$|TestCase$/;

/**
 * Whether `node` is test code: in a test file (`test_*.py`, `conftest.py`...), a `test*` function
 * or a test class. Folders are not looked at: a checkout may itself sit in a folder named `tests`.
 */
export function isTestCode(model: PythonModel, node: PyNode): boolean {
  const file = /[^\\/]*$/.exec(model.path)?.[0] ?? '';
  if (TEST_FILE.test(file)) return true;
  const ctx = model.contextOf(node);
  // Nested functions and methods, up to the module: a `test_*` anywhere on the way counts.
  let fn: FunctionInfo | null = ctx.fn;
  let cls = ctx.cls ?? fn?.parentClass ?? null;
  for (; fn; fn = fn.parentFunction) {
    if (/^test/.test(fn.name)) return true;
    cls ??= fn.parentClass;
  }
  for (let depth = 0; cls && depth < 8; depth++) {
    if (TEST_CLASS.test(cls.name) || cls.bases.some((base) => /TestCase$/.test(model.text(base)))) return true;
    cls = cls.parentFunction?.parentClass ?? null;
  }
  return false;
}

const EXPECTING_RAISE = new Set(['assertRaises', 'assertRaisesRegex', 'assertRaisesRegexp']);

/** `with self.assertRaises(ValueError): Pool(-1)` / `with pytest.raises(...)`: the call is meant to fail. */
export function expectedToRaise(model: PythonModel, call: CallInfo): boolean {
  return model.contextOf(call.node).withs.some((w) =>
    model.calls.some(
      (c) =>
        c.node.startIndex >= w.startIndex && c.node.endIndex <= (childByField(w, 'body')?.startIndex ?? w.startIndex) &&
        ((c.method !== null && EXPECTING_RAISE.has(c.method)) || c.qualified === 'pytest.raises'),
    ),
  );
}
