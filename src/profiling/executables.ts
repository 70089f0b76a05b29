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
        try {
          fs.accessSync(candidate, fs.constants.X_OK);
          if (fs.statSync(candidate).isFile()) return candidate;
        } catch {
          // not here
        }
      }
    }
  }
  return null;
}
