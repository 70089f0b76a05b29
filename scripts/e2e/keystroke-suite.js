// Keystroke to diagnostic inside a real VS Code (issue 14): an extension-host suite (the run()
// contract of run-host-suite.mjs) that types one character at a time into a Python file of
// KEYSTROKE_LINES lines (default 3,500; the text of ../typing-sample.js) through the editor, and
// times each from the edit until the editor holds our diagnostics for it. A measurement, not a
// test: it prints figures and fails only when no diagnostics come.
const vscode = require('vscode');
const { pythonFile } = require('../typing-sample.js');

const ours = (uri) => vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'Concurrency Lens');

/** Resolves when the diagnostics of `uri` change and `accept` holds for them, with the time. */
function nextDiagnostics(uri, accept, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      listener.dispose();
      reject(new Error('no diagnostics came'));
    }, timeoutMs);
    const listener = vscode.languages.onDidChangeDiagnostics((e) => {
      if (!e.uris.some((u) => u.toString() === uri.toString())) return;
      const list = ours(uri);
      if (!accept(list)) return;
      clearTimeout(timer);
      listener.dispose();
      resolve(performance.now());
    });
  });
}

async function run() {
  const lines = Number(process.env.KEYSTROKE_LINES || 3500);
  const rounds = Number(process.env.KEYSTROKE_ROUNDS || 30);
  const folder = vscode.workspace.workspaceFolders[0].uri;
  const uri = vscode.Uri.joinPath(folder, `big_${lines}.py`);
  await vscode.workspace.fs.writeFile(uri, Buffer.from(pythonFile(lines)));
  const document = await vscode.workspace.openTextDocument(uri);
  const editor = await vscode.window.showTextDocument(document);
  const expected = (await (async () => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const n = ours(uri).length;
      if (n > 0) return n;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the file got no diagnostics');
  })());
  await new Promise((r) => setTimeout(r, 1000));
  const times = [];
  for (let v = 0; v < rounds; v++) {
    const line = 2 + ((v * 37) % (document.lineCount - 4));
    // Each keystroke moves the findings below it: the update is the one whose ranges moved.
    const before = JSON.stringify(ours(uri).map((d) => [d.range.start.line, d.range.start.character]));
    const changed = nextDiagnostics(uri, (list) => list.length === expected && JSON.stringify(list.map((d) => [d.range.start.line, d.range.start.character])) !== before, 30_000);
    const sent = performance.now();
    // A newline moves every finding below the line: the diagnostics that follow are this edit's.
    await editor.edit((b) => b.insert(new vscode.Position(line, 0), v % 2 ? '\n' : '#\n'), { undoStopBefore: false, undoStopAfter: false });
    times.push((await changed) - sent);
    await new Promise((r) => setTimeout(r, 300));
  }
  const sorted = [...times].sort((a, b) => a - b);
  console.log(`KEYSTROKE ${lines} lines, ${rounds} edits: median ${sorted[sorted.length >> 1].toFixed(1)} ms, min ${sorted[0].toFixed(1)} ms, max ${sorted[sorted.length - 1].toFixed(1)} ms (${expected} findings)`);
}

module.exports = { run };
