import * as fs from 'node:fs';
import * as path from 'node:path';

/** The first of `names` that is an executable file on PATH (with PATHEXT on Windows), or null. */
export function findOnPath(names: readonly string[]): string | null {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const exts = process.platform === 'win32' ? (process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const name of names) {
    for (const dir of dirs) {
      for (const ext of exts) {
        const candidate = path.join(dir, name + ext);
        if (isExecutableFile(candidate)) return candidate;
      }
    }
  }
  return null;
}

/** `command` as spawn would run it: a path when it is an executable file, a bare name looked up on PATH; else null. */
export function resolveExecutable(command: string): string | null {
  if (command.includes('/') || command.includes(path.sep)) return isExecutableFile(command) ? command : null;
  return findOnPath([command]);
}

function isExecutableFile(candidate: string): boolean {
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return fs.statSync(candidate).isFile();
  } catch {
    return false;
  }
}
