import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PYTHON_PROBE, parsePythonProbe, parseVersionLine } from '../src/extension/version-output';

// Reading other programs' versions: the e2e setup's shell parser on code-server's real first-run
// output (a log line comes before the version), and the extension's interpreter probes.

const VERSION_SH = path.join(__dirname, '..', 'scripts', 'e2e', 'version.sh');
const FIRST_RUN = fs.readFileSync(path.join(__dirname, 'fixtures', 'e2e', 'code-server-version-first-run.txt'), 'utf8');

function firstVersion(input: string): string {
  const r = spawnSync('bash', ['-c', `. ${JSON.stringify(VERSION_SH)}; first_version`], { input, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

test('first_version reads code-server 4.139.1 from its first-run output, past the config log line', () => {
  assert.match(FIRST_RUN.split('\n')[0], /Wrote default config file/);
  assert.equal(firstVersion(FIRST_RUN), '4.139.1');
});

test('first_version reads a later run, node\'s v-prefixed answer, and nothing from text without a version', () => {
  assert.equal(firstVersion('4.139.1 53c2f3253bcf32886706fc023e794bbeb253c90f with Code 1.139.1\n'), '4.139.1');
  assert.equal(firstVersion('v24.21.0\n'), '24.21.0');
  assert.equal(firstVersion('warning: something\nno version here\n'), '');
});

test('the Python probe is read by its marker, whatever the interpreter prints before it', () => {
  assert.deepEqual(parsePythonProbe('sitecustomize loaded\nclens-probe CPython 3.11.7\n'), { implementation: 'CPython', version: '3.11.7' });
  assert.deepEqual(parsePythonProbe('pyenv: warning\r\nclens-probe PyPy 3.10.14\r\n'), { implementation: 'PyPy', version: '3.10.14' });
  assert.deepEqual(parsePythonProbe('CPython 3.11.7\n'), { implementation: null, version: null });
});

test('the Node version is the first line that starts with a version number', () => {
  assert.equal(parseVersionLine('v20.20.2\n'), '20.20.2');
  assert.equal(parseVersionLine('(node:1) Warning: something\nv24.21.0\n'), '24.21.0');
  assert.equal(parseVersionLine('not a version\n'), null);
});

test('the real python3 answers the probe in the shape parsePythonProbe reads', { skip: spawnSync('python3', ['--version']).status !== 0 && 'no python3' }, () => {

  const r = spawnSync('python3', ['-c', PYTHON_PROBE], { encoding: 'utf8' });
  const parsed = parsePythonProbe(r.stdout);
  assert.match(parsed.version ?? '', /^3\.\d+\.\d+/);
  assert.ok(parsed.implementation);
});
