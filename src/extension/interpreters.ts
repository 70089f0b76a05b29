import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { PythonExtension } from '@vscode/python-extension';
import { run } from './inputs';
import { findOnPath } from '../profiling/executables';
import { PYTHON_PROBE, parsePythonProbe, parseVersionLine } from './version-output';

// Which interpreter runs a benchmark (docs/architecture.md, "Decisions the code relies on"): for Python, the one selected in
// the Python extension, else the `concurrencyLens.python.interpreterPath` setting, else python3 /
// python on PATH; for Node, the `concurrencyLens.node.path` setting, else node on PATH. Each
// choice says where it came from, so the output channel and the panel can report it.

export type InterpreterSource = 'python-extension' | 'setting' | 'path';

export interface Interpreter {
  language: 'python' | 'node';
  /** Absolute path (or a command name, when the setting gives one). */
  command: string;
  source: InterpreterSource;
  /** `3.11.7` / `20.20.2`, when it could be asked. */
  version: string | null;
  /** `CPython`, `PyPy`, `Node.js`. */
  implementation: string | null;
}

export type InterpreterLookup = { ok: true; interpreter: Interpreter } | { ok: false; message: string; setting: string };

const PYTHON_EXTENSION_ID = 'ms-python.python';

const SOURCE_TEXT: Record<InterpreterSource, string> = {
  'python-extension': 'selected in the Python extension',
  setting: 'from the setting',
  path: 'from PATH',
};

/** "Python 3.11.7 (/usr/bin/python3, from PATH)" */
export function interpreterLabel(interpreter: Interpreter): string {
  const name = interpreter.language === 'python' ? (interpreter.implementation && interpreter.implementation !== 'CPython' ? interpreter.implementation : 'Python') : 'Node.js';
  const version = interpreter.version ? ` ${interpreter.version}` : '';
  const source = interpreter.source === 'setting' ? `from ${interpreter.language === 'python' ? 'concurrencyLens.python.interpreterPath' : 'concurrencyLens.node.path'}` : SOURCE_TEXT[interpreter.source];
  return `${name}${version} (${interpreter.command}, ${source})`;
}

export async function findPython(resource: vscode.Uri, log: (line: string) => void): Promise<InterpreterLookup> {
  const fromExtension = await fromPythonExtension(resource, log);
  let candidate: { command: string; source: InterpreterSource } | null = fromExtension ? { command: fromExtension, source: 'python-extension' } : null;
  if (!candidate) {
    const configured = settingPath('concurrencyLens.python.interpreterPath', resource);
    if (configured) candidate = { command: configured, source: 'setting' };
  }
  if (!candidate) {
    const onPath = findOnPath(['python3', 'python']);
    if (onPath) candidate = { command: onPath, source: 'path' };
  }
  if (!candidate) {
    return {
      ok: false,
      message: 'No Python interpreter found: select one in the Python extension, set concurrencyLens.python.interpreterPath, or put python3 on PATH.',
      setting: 'concurrencyLens.python.interpreterPath',
    };
  }
  const probe = await run(candidate.command, ['-c', PYTHON_PROBE]);
  if (!probe.ok) {
    return {
      ok: false,
      message: `The Python interpreter ${candidate.command} (${SOURCE_TEXT[candidate.source]}) cannot be run: ${probe.error}`,
      setting: 'concurrencyLens.python.interpreterPath',
    };
  }
  const { implementation, version } = parsePythonProbe(probe.stdout);
  return { ok: true, interpreter: { language: 'python', command: candidate.command, source: candidate.source, version, implementation } };
}

export async function findNode(resource: vscode.Uri): Promise<InterpreterLookup> {
  const configured = settingPath('concurrencyLens.node.path', resource);
  const command = configured ?? findOnPath(['node']);
  if (!command) {
    return { ok: false, message: 'Node.js was not found on PATH: install it or set concurrencyLens.node.path.', setting: 'concurrencyLens.node.path' };
  }
  const source: InterpreterSource = configured ? 'setting' : 'path';
  const probe = await run(command, ['--version']);
  if (!probe.ok) {
    return { ok: false, message: `Node.js at ${command} (${SOURCE_TEXT[source]}) cannot be run: ${probe.error}`, setting: 'concurrencyLens.node.path' };
  }
  return { ok: true, interpreter: { language: 'node', command, source, version: parseVersionLine(probe.stdout), implementation: 'Node.js' } };
}

/** The Python extension's interpreter for this resource, when the extension is installed. */
async function fromPythonExtension(resource: vscode.Uri, log: (line: string) => void): Promise<string | null> {
  if (!vscode.extensions.getExtension(PYTHON_EXTENSION_ID)) return null;
  try {
    const api = await PythonExtension.api();
    const active = api.environments.getActiveEnvironmentPath(resource);
    const resolved = await api.environments.resolveEnvironment(active);
    const executable = resolved?.executable.uri?.fsPath;
    if (executable) return executable;
    log(`the Python extension's environment ${active.path} has no executable; falling back`);
  } catch (error) {
    log(`the Python extension's API failed (${(error as Error).message}); falling back`);
  }
  return null;
}

function settingPath(section: string, resource: vscode.Uri): string | null {
  const raw = vscode.workspace.getConfiguration(undefined, resource).get<string>(section);
  if (typeof raw !== 'string' || raw.trim() === '') return null;
  let value = raw.trim();
  const folder = vscode.workspace.getWorkspaceFolder(resource) ?? vscode.workspace.workspaceFolders?.[0];
  if (folder) value = value.replace(/\$\{workspaceFolder\}/g, folder.uri.fsPath);
  if (value === '~' || value.startsWith('~/')) value = path.join(os.homedir(), value.slice(1));
  if (!path.isAbsolute(value) && /[\\/]/.test(value) && folder) value = path.resolve(folder.uri.fsPath, value);
  return value;
}

