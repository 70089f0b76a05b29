import type { Position } from './types';

// Lines the way editors and the LSP count them: a line ends at `\n`, `\r\n` or a lone `\r`, and
// nowhere else. Not at U+2028/U+2029 (ECMAScript line terminators, which typescript-estree's
// `loc` counts) and not at U+0085. Every position the engine reports, and every edit it applies,
// goes through this one definition, so the parsers, the fixes and the editor agree on line N.

export type LineEnding = '\n' | '\r\n' | '\r';

const LF = 10;
const CR = 13;

export class LineIndex {
  /** Offset of the first character of each line; `starts[0]` is 0. */
  readonly starts: Int32Array;
  /** The file's own line ending (the most frequent one; `\n` when the text has none). */
  readonly eol: LineEnding;

  constructor(readonly text: string) {
    if (!text.includes('\r')) {
      // Most files: LF only, where the native `indexOf` is several times faster than a scan.
      let count = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
      const starts = new Int32Array(count);
      let line = 1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
      this.starts = starts;
      this.eol = '\n';
      return;
    }
    let lf = 0;
    let crlf = 0;
    let cr = 0;
    let first: LineEnding | null = null;
    // First pass counts, so the starts fit one typed array (files can have millions of lines).
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) {
        lf++;
        first ??= '\n';
      } else if (c === CR) {
        if (text.charCodeAt(i + 1) === LF) {
          crlf++;
          first ??= '\r\n';
          i++;
        } else {
          cr++;
          first ??= '\r';
        }
      }
    }
    const starts = new Int32Array(lf + crlf + cr + 1);
    let line = 1;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === LF) starts[line++] = i + 1;
      else if (c === CR) {
        if (text.charCodeAt(i + 1) === LF) i++;
        starts[line++] = i + 1;
      }
    }
    this.starts = starts;
    // The ending the file uses first, unless another one is more frequent: a file with one stray
    // LF among CRLF lines still gets CRLF in its fixes.
    const counts: Record<LineEnding, number> = { '\n': lf, '\r\n': crlf, '\r': cr };
    let eol: LineEnding = first ?? '\n';
    for (const ending of ['\n', '\r\n', '\r'] as const) if (counts[ending] > counts[eol]) eol = ending;
    this.eol = eol;
  }

  get lineCount(): number {
    return this.starts.length;
  }

  /** Offset where `line` starts; past the last line, the end of the text. */
  lineStart(line: number): number {
    if (line <= 0) return 0;
    return line < this.starts.length ? this.starts[line] : this.text.length;
  }

  /** Offset where the content of `line` ends, before its line ending. */
  lineEnd(line: number): number {
    if (line < 0) return 0;
    if (line + 1 >= this.starts.length) return this.text.length;
    let end = this.starts[line + 1];
    if (end > 0 && this.text.charCodeAt(end - 1) === LF) end--;
    if (end > 0 && this.text.charCodeAt(end - 1) === CR) end--;
    return Math.max(end, this.starts[line]);
  }

  /** The text of `line` without its line ending ('' past the end). */
  lineText(line: number): string {
    if (line < 0 || line >= this.starts.length) return '';
    return this.text.slice(this.starts[line], this.lineEnd(line));
  }

  /** Every line without its ending (what `text.split(/\r\n|\r|\n/)` gives). */
  lines(): string[] {
    const out: string[] = new Array<string>(this.starts.length);
    for (let line = 0; line < this.starts.length; line++) out[line] = this.lineText(line);
    return out;
  }

  /**
   * The line an offset is on. `hint` is a line to try first: callers that walk nodes in document
   * order pass the previous answer, which makes most look-ups constant time.
   */
  lineAt(offset: number, hint = 0): number {
    const starts = this.starts;
    let lo = hint > 0 && hint < starts.length && starts[hint] <= offset ? hint : 0;
    if (lo + 1 >= starts.length || starts[lo + 1] > offset) return lo;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** 0-based line and UTF-16 column of an offset (clamped to the text). */
  positionAt(offset: number, hint = 0): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineAt(clamped, hint);
    return { line, column: clamped - this.starts[line] };
  }

  /**
   * The offset of a position, clamped as LSP clients clamp it: a line past the end is the end of
   * the text, a column past the end of its line is the end of that line's content (never inside
   * or after its line ending).
   */
  offsetAt(position: Position): number {
    if (position.line >= this.starts.length) return this.text.length;
    if (position.line < 0) return 0;
    const start = this.starts[position.line];
    return Math.min(start + Math.max(0, position.column), this.lineEnd(position.line));
  }
}

/**
 * The same text with every lone `\r` turned into `\n`: same length, same offsets. For parsers that
 * only end lines at `\n` (tree-sitter-python); `\r\n` is left alone, they handle it already.
 */
export function withLoneCrAsLf(text: string): string {
  if (!text.includes('\r')) return text;
  return text.replace(/\r(?!\n)/g, '\n');
}

/**
 * The position of one offset, scanning only the text before it: for a single look-up in a text
 * that has no LineIndex (the edits of an incremental parse).
 */
export function positionIn(text: string, offset: number): Position {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 0;
  let lineStart = 0;
  // Native `indexOf` jumps from break to break: the editor calls this for every edit it sends.
  let lf = text.indexOf('\n');
  let cr = text.indexOf('\r');
  for (;;) {
    const at = cr === -1 || (lf !== -1 && lf < cr) ? lf : cr;
    if (at === -1 || at >= end) break;
    if (at === cr) {
      cr = text.indexOf('\r', at + 1);
      // The `\n` of a `\r\n` ends the line; its `\r` does not, on its own.
      if (text.charCodeAt(at + 1) === LF) continue;
    } else {
      lf = text.indexOf('\n', at + 1);
    }
    line++;
    lineStart = at + 1;
  }
  return { line, column: end - lineStart };
}
