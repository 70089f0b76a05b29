// IPython syntax that is not Python: line magics (`%timeit f()`), shell escapes (`!pip install x`,
// `files = !ls`), help (`?obj`, `obj??`) and cell magics (`%%time` on the first line). IPython
// rewrites them before compiling a cell, and only at the start of a logical line: a `%` that
// continues an expression inside brackets (`("%s"\n % x)`) is Python's own operator. A small
// scanner follows brackets, strings and backslash continuations to know where logical lines start.

/** Cell magics whose body is Python run in the notebook's namespace: the body is analyzed. */
const PYTHON_CELL_MAGICS = new Set(['time', 'timeit', 'capture', 'prun', 'debug', 'memit', 'mprun', 'snakeviz', 'heat', 'pyinstrument']);

export interface CellLines {
  /** The cell's lines as Python sees them: IPython-only lines replaced (see `blankLine`). */
  lines: string[];
  /** Indexes of the lines replaced. */
  blanked: Set<number>;
  /** Set when the whole cell is not Python (`%%bash`, `%%html`, ...): nothing of it is analyzed. */
  skipped: string | null;
}

export function splitLines(source: string): string[] {
  return source.split(/\r\n|\r|\n/);
}

/**
 * A replaced line keeps the block valid: an indented magic becomes `pass` at its indentation
 * (a `for` whose body is only `!cmd` must still parse), a top-level one an empty line.
 */
function blankLine(line: string): string {
  const indent = /^[ \t]*/.exec(line)![0];
  return indent.length > 0 ? `${indent}pass` : '';
}

const HELP_SUFFIX = /^[A-Za-z_*][\w.*\[\]()]*\?{1,2}$/;
/** `files = !ls`, `t = %timeit -o f()`: an assignment from a shell escape or a line magic. */
const ASSIGNED_ESCAPE = /^[A-Za-z_][\w.]*(\s*,\s*[A-Za-z_][\w.]*)*\s*=\s*[!%]/;

/** Whether a logical line (stripped of its indentation) is IPython syntax rather than Python. */
export function isIPythonLine(stripped: string): boolean {
  if (stripped.length === 0) return false;
  const first = stripped[0];
  if (first === '%' || first === '!' || first === '?') return true;
  // Autocall escapes (`/f a`, `,f a b`, `;f a b`) are never valid Python at a line start.
  if ((first === '/' || first === ';' || first === ',') && /^[/;,][A-Za-z_]/.test(stripped)) return true;
  if (!stripped.includes('#') && HELP_SUFFIX.test(stripped)) return true;
  return ASSIGNED_ESCAPE.test(stripped) && !/^[^=]*==/.test(stripped);
}

/** The cell's Python view: magics blanked, or the whole cell skipped for a non-Python cell magic. */
export function cellLines(source: string): CellLines {
  const lines = splitLines(source);
  const blanked = new Set<number>();
  const firstCode = lines.findIndex((l) => l.trim().length > 0);
  if (firstCode >= 0 && lines[firstCode].trimStart().startsWith('%%')) {
    const name = /^%%([\w.-]*)/.exec(lines[firstCode].trimStart())![1];
    if (!PYTHON_CELL_MAGICS.has(name)) {
      return { lines: lines.map(() => ''), blanked: new Set(lines.keys()), skipped: `a \`%%${name}\` cell is not Python` };
    }
  }
  const scanner = new LogicalLines();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (scanner.atLogicalStart() && (i === firstCode && line.trimStart().startsWith('%%') || isIPythonLine(line.trim()))) {
      // A magic continued with a trailing backslash goes on over the next lines.
      let j = i;
      while (j < lines.length) {
        blanked.add(j);
        if (!lines[j].endsWith('\\')) break;
        j++;
      }
      for (let k = i; k <= Math.min(j, lines.length - 1); k++) lines[k] = blankLine(lines[k]);
      i = j;
      continue;
    }
    scanner.feed(line);
  }
  return { lines, blanked, skipped: null };
}

/** Tracks brackets, strings and continuations over a cell's lines, one line at a time. */
class LogicalLines {
  private depth = 0;
  /** The open triple-quote delimiter, or null. */
  private triple: string | null = null;
  private continued = false;

  atLogicalStart(): boolean {
    return this.depth === 0 && this.triple === null && !this.continued;
  }

  feed(line: string): void {
    this.continued = false;
    let i = 0;
    while (i < line.length) {
      if (this.triple) {
        if (line[i] === '\\') i += 2;
        else if (line.startsWith(this.triple, i)) {
          i += 3;
          this.triple = null;
        } else i++;
        continue;
      }
      const c = line[i];
      if (c === '#') return;
      if (c === '"' || c === "'") {
        if (line.startsWith(c.repeat(3), i)) {
          this.triple = c.repeat(3);
          i += 3;
          continue;
        }
        // A one-line string: to its closing quote, or to the end of the line (unterminated).
        i++;
        while (i < line.length && line[i] !== c) i += line[i] === '\\' ? 2 : 1;
        i++;
        continue;
      }
      if (c === '(' || c === '[' || c === '{') this.depth++;
      else if (c === ')' || c === ']' || c === '}') this.depth = Math.max(0, this.depth - 1);
      else if (c === '\\' && i === line.length - 1) this.continued = true;
      i++;
    }
  }
}
