import type { Position, Range } from '../core/types';
import { LineIndex } from '../core/lines';
import type { NotebookCell } from './types';
import { cellSourceSpans } from './json-spans';

// `.ipynb` files (nbformat 4 JSON): reading the cells, and writing new sources for some cells back
// into the text with every other byte (outputs, metadata, the other cells, the formatting) kept.

export interface IpynbNotebook {
  cells: NotebookCell[];
  /** The kernel's language (`metadata.kernelspec.language`, `metadata.language_info.name`), `python` when absent. */
  language: string;
  /** How each cell's `source` was written: one string or an array of lines (Jupyter writes arrays). */
  sourceStyles: ('string' | 'lines')[];
}

export type IpynbRead = { ok: true; notebook: IpynbNotebook } | { ok: false; reason: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads a notebook's cells; a text that is not an nbformat 4 notebook gives the reason instead, never an exception. */
export function readIpynb(text: string): IpynbRead {
  let doc: Json;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as Json;
  } catch (error) {
    return { ok: false, reason: `not a notebook: invalid JSON (${(error as Error).message})` };
  }
  if (!isObject(doc)) return { ok: false, reason: 'not a notebook: the JSON is not an object' };
  if (typeof doc.nbformat === 'number' && doc.nbformat < 4) {
    return { ok: false, reason: `nbformat ${doc.nbformat} notebooks are not supported (open and save it in Jupyter to convert it to nbformat 4)` };
  }
  if (!Array.isArray(doc.cells)) return { ok: false, reason: 'not a notebook: no `cells` array' };
  const metadata = isObject(doc.metadata) ? doc.metadata : {};
  const kernelspec = isObject(metadata.kernelspec) ? metadata.kernelspec : {};
  const languageInfo = isObject(metadata.language_info) ? metadata.language_info : {};
  const language = String(
    (typeof kernelspec.language === 'string' && kernelspec.language) || (typeof languageInfo.name === 'string' && languageInfo.name) || 'python',
  ).toLowerCase();
  const cells: NotebookCell[] = [];
  const sourceStyles: ('string' | 'lines')[] = [];
  for (const [index, raw] of doc.cells.entries()) {
    if (!isObject(raw)) return { ok: false, reason: `not a notebook: cell ${index + 1} is not an object` };
    const source = raw.source ?? '';
    let text: string;
    if (typeof source === 'string') text = source;
    else if (Array.isArray(source) && source.every((l) => typeof l === 'string')) text = (source as string[]).join('');
    else return { ok: false, reason: `not a notebook: the source of cell ${index + 1} is neither a string nor a list of strings` };
    sourceStyles.push(typeof source === 'string' ? 'string' : 'lines');
    const cellMetadata = isObject(raw.metadata) ? raw.metadata : {};
    const vscode = isObject(cellMetadata.vscode) ? cellMetadata.vscode : {};
    const cellLanguage = typeof vscode.languageId === 'string' ? vscode.languageId : language;
    cells.push({ kind: raw.cell_type === 'code' ? 'code' : 'markup', language: raw.cell_type === 'code' ? cellLanguage : String(raw.cell_type ?? 'markdown'), source: text });
  }
  return { ok: true, notebook: { cells, language, sourceStyles } };
}

/** Jupyter's line list: each line with its `\n`, the last one without when the text does not end in one. */
export function sourceLines(source: string): string[] {
  return source.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/**
 * The notebook text with new sources for some cells (by index), in the style each had (a string,
 * or an array of lines laid out as the original array was); every byte outside those values kept.
 */
export function writeCellSources(text: string, sources: ReadonlyMap<number, string>): string {
  const spans = cellSourceSpans(text);
  const edits = [...sources].map(([cell, source]) => {
    const span = spans.get(cell);
    if (!span) throw new Error(`cell ${cell + 1} has no source in the notebook text`);
    return { span, value: serializeSource(text, span, source) };
  });
  edits.sort((a, b) => b.span.start - a.span.start);
  let out = text;
  for (const { span, value } of edits) out = out.slice(0, span.start) + value + out.slice(span.end);
  return out;
}

function serializeSource(text: string, span: { start: number; end: number }, source: string): string {
  if (text[span.start] !== '[') return JSON.stringify(source);
  const lines = sourceLines(source);
  if (lines.length === 0) return '[]';
  const original = text.slice(span.start, span.end);
  // The layout of the original array: what comes between `[` and the first element, and before `]`.
  const lead = /^\[(\s*)/.exec(original)![1];
  const trail = /(\s*)\]$/.exec(original)![1];
  let open = lead;
  let close = trail;
  if (original === '[]' || lead === '' && trail === '') {
    if (original !== '[]') {
      open = '';
      close = '';
    } else {
      // An empty array shows no layout: Jupyter's, one indent level deeper than the `source` key.
      const lineStart = text.lastIndexOf('\n', span.start) + 1;
      const keyIndent = /^[ \t]*/.exec(text.slice(lineStart))![0];
      const unit = /\n([ \t]+)"/.exec(text)?.[1] ?? ' ';
      open = `\n${keyIndent}${unit}`;
      close = `\n${keyIndent}`;
    }
  }
  const separator = open.includes('\n') ? `,${open}` : ', ';
  return `[${open}${lines.map((l) => JSON.stringify(l)).join(separator)}${close}]`;
}

/**
 * Where a range of a cell lies in the notebook's JSON text (0-based lines and UTF-16 columns of
 * the file itself), for tools that know files but not cells (SARIF viewers, GitHub code
 * scanning). A cell position maps to the character of the JSON string that encodes it (after
 * any escape before it). Null when the cell or the position is not in the text.
 */
export function ipynbTextRange(text: string, cell: number, range: Range): Range | null {
  const span = cellSourceSpans(text).get(cell);
  if (!span) return null;
  // Decoded offset in the cell's source → offset in the JSON text, one entry per source char.
  const offsets: number[] = [];
  let i = span.start;
  while (i < span.end) {
    if (text[i] !== '"') {
      i++;
      continue;
    }
    i++;
    while (i < span.end && text[i] !== '"') {
      offsets.push(i);
      i += text[i] === '\\' ? (text[i + 1] === 'u' ? 6 : 2) : 1;
    }
    i++;
  }
  // The end of the source maps to just after its last character.
  offsets.push(offsets.length > 0 ? offsets[offsets.length - 1] + 1 : span.start);
  const read = readIpynb(text);
  if (!read.ok || !read.notebook.cells[cell]) return null;
  const source = new LineIndex(read.notebook.cells[cell].source);
  const file = new LineIndex(text);
  const at = (p: Position): Position | null => {
    const offset = source.offsetAt(p);
    return offset < offsets.length ? positionOf(file, offsets[offset]) : null;
  };
  const start = at(range.start);
  const end = at(range.end);
  return start && end ? { start, end } : null;
}

function positionOf(lines: LineIndex, offset: number): Position {
  return lines.positionAt(offset);
}
