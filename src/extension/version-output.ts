// Reading an interpreter's answer to a version probe. Programs may print other lines first
// (a sitecustomize, a pyenv shim's warning, a first-run notice), so the answer is found by its
// shape, never taken as "line 1".

/** The probe Python runs; its answer line starts with the marker so that other output is ignored. */
export const PYTHON_PROBE = "import platform; print('clens-probe', platform.python_implementation(), platform.python_version())";

export function parsePythonProbe(stdout: string): { implementation: string | null; version: string | null } {
  for (const line of stdout.split(/\r?\n/)) {
    const match = /^clens-probe (\S+) (\S+)\s*$/.exec(line);
    if (match) return { implementation: match[1], version: match[2] };
  }
  return { implementation: null, version: null };
}

/** `v20.20.2` → `20.20.2`: the first line that starts with a version number. */
export function parseVersionLine(stdout: string): string | null {
  const match = /^v?(\d+\.\d+\.\d+\S*)/m.exec(stdout);
  return match ? match[1] : null;
}
