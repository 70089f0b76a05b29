// Text printed to a terminal or a CI log must not carry control characters from the tree: a file
// named `a.py\nother.py:1:1: CL101 ...` would fake a finding line, and one holding ESC sequences
// would recolour, move the cursor in, or hide parts of the log. Paths (and other text taken from
// files) are shown with such characters escaped visibly instead. JSON and SARIF encode strings
// themselves and do not use this.

// C0 controls (with tab, newline, CR), DEL, C1 controls, the Unicode line and paragraph separators
// (line breaks to some viewers), and the bidirectional overrides and isolates ("Trojan Source").
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

function escapeOne(ch: string): string {
  const named = NAMED[ch];
  if (named) return named;
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** `text` with every control character shown as an escape (`\n`, `\r`, `\x1b`, `\u202e`). */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/**
 * Escapes the occurrences of `path` inside a longer text (an engine message or a stack trace that
 * names the file), leaving the text's own line breaks alone.
 */
export function escapePathIn(text: string, path: string): string {
  const escaped = escapeControls(path);
  return escaped === path || !text.includes(path) ? text : text.split(path).join(escaped);
}
