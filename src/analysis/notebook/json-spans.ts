// Where each cell's `source` value sits in a notebook's JSON text, so a fix rewrites those bytes
// and nothing else: re-serializing the whole document would change what Jupyter wrote (its float
// formatting, escapes, key order of outputs). Runs on text JSON.parse accepted, so it only walks
// well-formed JSON; iterative, because outputs can nest deep.

export interface ValueSpan {
  start: number;
  end: number;
}

/** The spans of `cells[i].source` for each cell index i (a cell without `source` has none). */
export function cellSourceSpans(text: string): Map<number, ValueSpan> {
  const spans = new Map<number, ValueSpan>();
  // A byte order mark before the JSON is not part of it.
  let i = skipWs(text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
  if (text[i] !== '{') return spans;
  // Top level: find the `cells` member, then walk its array elements.
  i++;
  while (i < text.length) {
    i = skipWs(text, i);
    if (text[i] === '}') break;
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, keyEnd);
    i = skipWs(text, i + 1); // ':'
    if (key === 'cells' && text[i] === '[') {
      let j = skipWs(text, i + 1);
      let index = 0;
      while (text[j] !== ']') {
        const end = skipValue(text, j);
        if (text[j] === '{') {
          const source = memberSpan(text, j, 'source');
          if (source) spans.set(index, source);
        }
        index++;
        j = skipWs(text, end);
        if (text[j] === ',') j = skipWs(text, j + 1);
      }
      return spans;
    }
    i = skipWs(text, skipValue(text, i));
    if (text[i] === ',') i++;
  }
  return spans;
}

/** The span of an object's member value, or null. */
function memberSpan(text: string, objectStart: number, name: string): ValueSpan | null {
  let i = skipWs(text, objectStart + 1);
  while (text[i] !== '}') {
    const keyEnd = skipString(text, i);
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    i = skipWs(text, skipWs(text, keyEnd) + 1);
    const end = skipValue(text, i);
    if (key === name) return { start: i, end };
    i = skipWs(text, end);
    if (text[i] === ',') i = skipWs(text, i + 1);
  }
  return null;
}

function skipWs(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** From a `"`, the index after the closing quote. */
function skipString(text: string, i: number): number {
  i++;
  while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
  return i + 1;
}

/** The index after the value starting at i (strings, numbers, literals, nested arrays and objects). */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') return skipString(text, i);
  if (c !== '{' && c !== '[') {
    while (i < text.length && !/[,\]}\s]/.test(text[i])) i++;
    return i;
  }
  let depth = 0;
  while (i < text.length) {
    const d = text[i];
    if (d === '"') {
      i = skipString(text, i);
      continue;
    }
    if (d === '{' || d === '[') depth++;
    else if (d === '}' || d === ']') {
      depth--;
      if (depth === 0) return i + 1;
    }
    i++;
  }
  return i;
}
