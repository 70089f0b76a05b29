import type { Fix } from '../core/types';
import type { PythonModel } from './model';
import { eolOf, indentUnit } from './edits';
import { sourceLines } from './block-edits';
import { type PyNode, childByField, namedChildren, walk } from './syntax';

// The CL201 fix: wrap the module-level statements from the first process-creating one on in
// `if __name__ == "__main__":`. Definitions, imports and literal constants found after that point
// are moved above the guard rather than into it: a child process re-imports the module and must
// still find them (a function defined inside the guard cannot even be pickled, CL202). An existing
// main guard in that stretch is merged into the new one instead of being nested.
//
// Moving statements is only sound when the order does not matter, so the fix is withheld when a
// moved statement reads, at definition time, a name the wrapped code binds, or binds a name that
// is bound elsewhere too.

type Role = 'keep' | 'guard' | 'wrap';

interface Chunk {
  statement: PyNode;
  role: Role;
  /** Rows this chunk owns: the blank lines and comments before the statement, the statement, trailing comments. */
  startRow: number;
  endRow: number;
}

export function wrapInMainGuardFix(model: PythonModel, first: PyNode, offending: ReadonlySet<PyNode>): Fix | null {
  const top = namedChildren(model.root);
  const index = top.indexOf(first);
  // The `else` of a main guard: wrapping would only nest guards; the user must restructure.
  if (index < 0 || first.startCol !== 0 || model.isMainGuard(first)) return null;
  const statements = top.filter((n) => n.type !== 'comment');
  const firstStatementIndex = statements.indexOf(first);
  // `a = 1; pool = Pool()`: statements sharing a line cannot be split into two blocks.
  for (let i = Math.max(1, firstStatementIndex); i < statements.length; i++) {
    if (statements[i].startRow <= statements[i - 1].endRow) return null;
  }

  // Comments directly above the first statement describe it: they move with it.
  let regionStart = first.startRow;
  for (let i = index - 1; i >= 0; i--) {
    const node = top[i];
    const previous = top[i - 1];
    if (node.type !== 'comment' || node.startCol !== 0 || node.endRow !== regionStart - 1) break;
    if (previous && previous.type !== 'comment' && previous.endRow === node.startRow) break;
    regionStart = node.startRow;
  }

  const tail = statements.slice(firstStatementIndex);
  const chunks: Chunk[] = [];
  let nextStart = regionStart;
  for (const statement of tail) {
    chunks.push({ statement, role: roleOf(model, statement), startRow: nextStart, endRow: statement.endRow });
    nextStart = statement.endRow + 1;
  }
  const lastComment = top[top.length - 1];
  const lastChunk = chunks[chunks.length - 1];
  if (lastComment && lastComment.type === 'comment' && lastComment.endRow > lastChunk.endRow) lastChunk.endRow = lastComment.endRow;
  if (chunks[0].role !== 'wrap') return null;

  if (!movesAreSound(model, chunks, offending)) return null;

  // Lines without their endings; the replacement joins them with the file's own ending.
  const lines = sourceLines(model);
  let unit = indentUnit(model);
  const guardIndents = new Set(
    chunks.filter((c) => c.role === 'guard').map((c) => {
      const block = childByField(c.statement, 'consequence')!;
      return lines[block.startRow].slice(0, block.startCol);
    }),
  );
  if (guardIndents.size > 1) return null;
  // A merged guard body keeps its indentation, so the new lines must use the same.
  if (guardIndents.size === 1) unit = [...guardIndents][0];

  // Lines inside a multi-line string are part of its value: indenting them would change it.
  const verbatim = new Set<number>();
  for (const string of model.nodesOfType('string')) {
    if (string.startRow < string.endRow && string.startRow >= regionStart) {
      for (let row = string.startRow + 1; row <= string.endRow; row++) verbatim.add(row);
    }
  }
  const indent = (row: number): string => {
    const line = lines[row];
    return verbatim.has(row) || line.trim() === '' ? line : unit + line;
  };

  const kept: string[] = [];
  const wrapped: string[] = [];
  let keptDefinition = false;
  let previous: Role | null = null;
  for (const chunk of chunks) {
    if (chunk.role !== 'keep' && previous === 'keep' && wrapped.length > 0) {
      // Where moved definitions leave a gap, one blank line is enough inside the block.
      trimBlankLines(wrapped);
      wrapped.push('');
      while (chunk.startRow < chunk.statement.startRow && lines[chunk.startRow].trim() === '') chunk.startRow++;
    }
    previous = chunk.role;
    if (chunk.role === 'keep') {
      for (let row = chunk.startRow; row <= chunk.endRow; row++) kept.push(lines[row]);
      if (isDefinition(chunk.statement)) keptDefinition = true;
    } else if (chunk.role === 'guard') {
      const condition = childByField(chunk.statement, 'condition')!;
      for (let row = chunk.startRow; row < chunk.statement.startRow; row++) wrapped.push(indent(row));
      for (let row = condition.endRow + 1; row <= chunk.endRow; row++) wrapped.push(lines[row]);
    } else {
      for (let row = chunk.startRow; row <= chunk.endRow; row++) wrapped.push(indent(row));
    }
  }
  trimBlankLines(kept);
  trimBlankLines(wrapped);

  const out: string[] = [];
  if (kept.length > 0) {
    // A loop, not push(...lines): a spread of 300k lines overflows the stack.
    for (const line of kept) out.push(line);
    // PEP 8: two blank lines after a top-level definition, one is enough after imports/constants.
    for (let i = 0; i < (keptDefinition ? 2 : 1); i++) out.push('');
  }
  out.push('if __name__ == "__main__":');
  for (const line of wrapped) out.push(line);

  const endRow = lastChunk.endRow;
  const moved = chunks.some((c) => c.role === 'keep');
  return {
    description:
      `Wrap the module-level code from line ${first.startRow + 1} on in \`if __name__ == "__main__":\`` +
      (moved ? ' (definitions, imports and constants stay above it)' : ''),
    edits: [
      {
        range: { start: { line: regionStart, column: 0 }, end: { line: endRow, column: lines[endRow].length } },
        text: out.join(eolOf(model)),
      },
    ],
    safe: false,
  };
}

function roleOf(model: PythonModel, statement: PyNode): Role {
  if (isDefinition(statement) || isImport(statement) || isConstantAssignment(statement)) return 'keep';
  if (statement.type === 'try_statement' && isImportBlock(statement)) return 'keep';
  if (model.isMainGuard(statement) && !childByField(statement, 'alternative')) {
    const condition = childByField(statement, 'condition');
    const block = childByField(statement, 'consequence');
    // `if __name__ == "__main__": main()` on one line has no body lines to merge: nest it instead.
    if (condition && block && block.startRow > condition.endRow) return 'guard';
  }
  return 'wrap';
}

function isDefinition(node: PyNode): boolean {
  return node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'decorated_definition';
}

function isImport(node: PyNode): boolean {
  return node.type === 'import_statement' || node.type === 'import_from_statement' || node.type === 'future_import_statement';
}

/** `try: import x / except ImportError: x = None`: optional imports are definitions too. */
function isImportBlock(node: PyNode): boolean {
  const blocks: PyNode[] = [];
  for (const child of node.children) {
    if (child.type === 'block') blocks.push(child);
    else if (child.type === 'except_clause' || child.type === 'else_clause' || child.type === 'finally_clause') {
      blocks.push(...child.children.filter((c) => c.type === 'block'));
    }
  }
  return blocks.every((block) =>
    namedChildren(block).every((s) => s.type === 'comment' || s.type === 'pass_statement' || isImport(s) || isConstantAssignment(s)),
  );
}

function isConstantAssignment(node: PyNode): boolean {
  if (node.type !== 'expression_statement') return false;
  const parts = namedChildren(node);
  if (parts.length !== 1 || parts[0].type !== 'assignment') return false;
  const left = childByField(parts[0], 'left');
  const right = childByField(parts[0], 'right');
  return !!left && !!right && isTargetList(left) && isLiteral(right);
}

function isTargetList(node: PyNode): boolean {
  if (node.type === 'identifier') return true;
  if (node.type === 'pattern_list' || node.type === 'tuple_pattern') return namedChildren(node).every(isTargetList);
  return false;
}

const LITERAL_LEAVES = new Set(['integer', 'float', 'true', 'false', 'none', 'ellipsis']);
const LITERAL_CONTAINERS = new Set(['tuple', 'list', 'set', 'dictionary', 'pair', 'parenthesized_expression', 'unary_operator', 'binary_operator', 'concatenated_string', 'expression_list']);

function isLiteral(node: PyNode): boolean {
  if (LITERAL_LEAVES.has(node.type)) return true;
  if (node.type === 'string') return !node.children.some((c) => c.type === 'interpolation');
  if (LITERAL_CONTAINERS.has(node.type)) return namedChildren(node).filter((c) => c.type !== 'comment').every(isLiteral);
  return false;
}

function trimBlankLines(lines: string[]): void {
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  while (lines.length > 0 && lines[lines.length - 1].trim() === '') lines.pop();
}

function movesAreSound(model: PythonModel, chunks: Chunk[], offending: ReadonlySet<PyNode>): boolean {
  const role = new Map(chunks.map((c) => [c.statement, c.role]));
  const boundBy = new Map<PyNode, Set<string>>();
  const wrappedBound = new Set<string>();
  const elsewhere = new Map<string, Set<PyNode>>();
  for (const [name, bindings] of model.moduleScope.bindings) {
    for (const binding of bindings) {
      const ctx = model.contextOf(binding.node);
      // Bindings made when a function runs (`global x` in a body) do not depend on statement order.
      if (ctx.fn || !ctx.topStatement) continue;
      const statement = ctx.topStatement;
      let set = elsewhere.get(name);
      if (!set) elsewhere.set(name, (set = new Set()));
      set.add(statement);
      const r = role.get(statement);
      if (r === 'keep') {
        let names = boundBy.get(statement);
        if (!names) boundBy.set(statement, (names = new Set()));
        names.add(name);
      } else if (r) {
        wrappedBound.add(name);
      }
    }
  }
  for (const node of model.nodesOfType('augmented_assignment')) {
    const ctx = model.contextOf(node);
    const left = childByField(node, 'left');
    if (!ctx.fn && ctx.topStatement && role.get(ctx.topStatement) !== 'keep' && role.has(ctx.topStatement) && left?.type === 'identifier') {
      wrappedBound.add(model.text(left));
    }
  }
  for (const chunk of chunks) {
    if (chunk.role !== 'keep') continue;
    // A kept statement that itself creates processes would stay unguarded.
    if (offending.has(chunk.statement)) return false;
    for (const name of boundBy.get(chunk.statement) ?? []) {
      if ((elsewhere.get(name)?.size ?? 0) > 1) return false;
    }
    for (const name of definitionTimeNames(model, chunk.statement)) if (wrappedBound.has(name)) return false;
  }
  return true;
}

const PARAMETER_NAME_PARENTS = new Set(['parameters', 'lambda_parameters', 'list_splat_pattern', 'dictionary_splat_pattern']);

/** Names a statement reads when it runs at import: decorators, defaults, bases, class bodies (not function bodies). */
function definitionTimeNames(model: PythonModel, statement: PyNode): Set<string> {
  const names = new Set<string>();
  const collect = (root: PyNode): void => {
    walk(root, (node) => {
      if (node.type === 'function_definition' || node.type === 'lambda') {
        for (const child of node.children) if (child.field !== 'body') collect(child);
        return false;
      }
      if (node.type !== 'identifier' || !node.parent) return;
      const parent = node.parent;
      if (PARAMETER_NAME_PARENTS.has(parent.type)) return;
      if (node.field === 'name' || node.field === 'attribute') return;
      if (parent.type === 'typed_parameter' && node.field !== 'type') return;
      names.add(model.text(node));
    });
  };
  collect(statement);
  return names;
}
