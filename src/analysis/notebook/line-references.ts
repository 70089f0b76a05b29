import type { NotebookModuleText } from './module-text';

// The rules and hovers name places as "line N" of the text they analyzed; in a notebook that text
// is the joined module, whose line numbers the user never sees. Every such reference outside code
// spans (backticks) becomes the cell and its line as VS Code and Jupyter number them ("cell 3,
// line 2"); a line that maps to no cell is left as written.
const REFERENCE = /\b(line|lines) (\d+)(?:(–|-)(\d+))?\b/g;

export function cellLineReferences(text: string, module: NotebookModuleText): string {
  if (!text.includes('line')) return text;
  return text
    .split(/(`[^`]*`)/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(REFERENCE, (whole, word: string, first: string, dash?: string, last?: string) => rewrite(module, word, +first, dash, last === undefined ? undefined : +last) ?? whole)))
    .join('');
}

function rewrite(module: NotebookModuleText, word: string, first: number, dash?: string, last?: number): string | null {
  const start = module.toCell(first - 1, 0);
  if (!start) return null;
  const label = `cell ${start.cell + 1}`;
  if (last === undefined) return `${label}, ${word} ${start.line + 1}`;
  const end = module.toCell(last - 1, 0);
  if (!end) return null;
  return end.cell === start.cell
    ? `${label}, ${word} ${start.line + 1}${dash}${end.line + 1}`
    : `${label}, line ${start.line + 1} to cell ${end.cell + 1}, line ${end.line + 1}`;
}
