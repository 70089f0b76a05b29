import { after, before, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import Ajv from 'ajv-draft-04';
import type * as Sarif from 'sarif';
import { expectedFindings } from './support/fixtures';
import { ensureBuilt } from './support/build';

// The CLI contract (docs/architecture.md "Interfaces other code depends on") checked on the BUILT bundle,
// `node dist/cli.js`, as other tools and CI run it.

const ROOT = path.join(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');
const FIXTURES = path.join(__dirname, 'fixtures', 'cli');
const fixture = (name: string): string => path.join(FIXTURES, name);
const read = (file: string): string => fs.readFileSync(file, 'utf8');



before(() => ensureBuilt('dist/cli.js', 'dist/lint-worker.js'));

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-cli-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

let counter = 0;
/** A fresh folder holding the given files (text, or a fixture file's path prefixed with `@`). */
function tree(files: Record<string, string | Buffer>): string {
  const root = path.join(temp, `t${counter++}`);
  fs.mkdirSync(root, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    if (typeof content === 'string' && content.startsWith('@')) fs.copyFileSync(content.slice(1), file);
    else fs.writeFileSync(file, content);
  }
  return root;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(args: string[], options: { cwd?: string; input?: string; env?: Record<string, string | undefined> } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
  delete env.FORCE_COLOR;
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    encoding: 'utf8',
    env,
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

interface JsonFinding {
  path: string;
  rule: string;
  name: string;
  severity: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  fix: { description: string; edits: { line: number; column: number; endLine: number; endColumn: number; text: string }[] } | null;
}
interface JsonReport {
  version: number;
  findings: JsonFinding[];
  summary: { files: number; lines: number; durationMs: number; parseErrors: number };
}

function json(args: string[], options: Parameters<typeof cli>[1] = {}): { run: Run; report: JsonReport } {
  const run = cli(['check', '--format', 'json', ...args], options);
  assert.ok(run.code === 0 || run.code === 1, `exit ${run.code}: ${run.stderr}`);
  return { run, report: JSON.parse(run.stdout) as JsonReport };
}

const FINDING_LINE = /^(.+):(\d+):(\d+): (CL\d{3}) \[([a-z0-9-]+)\] (.+)$/;
const rulesAt = (report: JsonReport): string[] => report.findings.map((f) => `${f.path}:${f.line}:${f.rule}`);

describe('check --format json (the contract)', () => {
  test('shape, 1-based positions and fix edits', () => {
    const rel = path.join('test', 'fixtures', 'cli', 'tiny_tasks.py');
    const { run, report } = json([rel]);
    assert.equal(run.code, 1);
    assert.deepEqual(Object.keys(report), ['version', 'findings', 'summary']);
    assert.equal(report.version, 1);
    assert.deepEqual(Object.keys(report.summary), ['files', 'lines', 'durationMs', 'parseErrors']);
    const text = read(fixture('tiny_tasks.py'));
    assert.deepEqual(report.summary, { ...report.summary, files: 1, lines: text.trimEnd().split('\n').length, parseErrors: 0 });
    assert.ok(Number.isInteger(report.summary.durationMs) && report.summary.durationMs >= 0);

    const expected = expectedFindings(text);
    assert.deepEqual(report.findings.map((f) => `${f.line}:${f.rule}`), expected.map((e) => `${e.line}:${e.rule}`));
    const finding = report.findings[0];
    assert.deepEqual(Object.keys(finding), ['path', 'rule', 'name', 'severity', 'line', 'column', 'endLine', 'endColumn', 'message', 'fix']);
    assert.equal(finding.path, rel, 'path as given');
    assert.equal(finding.name, 'tiny-tasks-in-processes');
    assert.equal(finding.severity, 'warning');
    const lines = text.split('\n');
    // Column 1 is the first character: the finding covers the `pool.map` call.
    assert.ok(lines[finding.line - 1].slice(finding.column - 1).startsWith('pool.map('), lines[finding.line - 1]);
    assert.ok(finding.endLine >= finding.line && finding.endColumn > 0);

    assert.ok(finding.fix, 'CL103 offers a fix');
    assert.deepEqual(Object.keys(finding.fix), ['description', 'edits']);
    const edit = finding.fix.edits[0];
    assert.deepEqual(Object.keys(edit), ['line', 'column', 'endLine', 'endColumn', 'text']);
    const line = lines[edit.line - 1];
    const fixed = line.slice(0, edit.column - 1) + edit.text + line.slice(edit.endColumn - 1);
    assert.match(fixed, /pool\.map\(square, range\(100_000\), chunksize=max\(1, 100_000 \/\/ \(4 \* \(os\.cpu_count\(\) or 1\)\)\)\)/);
  });

  test('a finding without a fix has fix: null; absolute paths stay absolute', () => {
    const { report } = json([fixture('cpu_threads.py'), '--select', 'CL101']);
    assert.equal(report.findings.length, 1);
    assert.equal(report.findings[0].path, fixture('cpu_threads.py'));
    assert.ok(report.findings[0].fix === null || typeof report.findings[0].fix === 'object');
    const clean = json([fixture('clean.py')]);
    assert.equal(clean.run.code, 0);
    assert.deepEqual(clean.report.findings, []);
  });

  test('paths of walked folders are joined onto the folder as given', () => {
    const { report } = json([path.join('test', 'fixtures', 'cli')]);
    assert.ok(report.findings.some((f) => f.path === path.join('test', 'fixtures', 'cli', 'crossfile', 'main.py')));
    assert.ok(report.findings.every((f) => !path.isAbsolute(f.path)));
  });

  test('parse errors are counted, not findings, and do not set exit 1 by themselves', () => {
    const run = cli(['check', '--format', 'json', fixture('syntax_error.py')]);
    assert.equal(run.code, 0);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.equal(report.summary.parseErrors, 1);
    assert.equal(report.summary.files, 1);
    assert.deepEqual(report.findings, []);
    const text = cli(['check', fixture('syntax_error.py')]);
    assert.equal(text.code, 0);
    assert.match(text.stderr, /syntax_error\.py:\d+:\d+: Syntax error/);
  });

  test('imported task functions in other files are resolved (cross-file)', () => {
    const { report } = json([fixture(path.join('crossfile', 'main.py'))]);
    const expected = expectedFindings(read(fixture(path.join('crossfile', 'main.py'))));
    assert.deepEqual(report.findings.map((f) => `${f.line}:${f.rule}`), expected.map((e) => `${e.line}:${e.rule}`));
  });
});

describe('exit codes', () => {
  test('0 clean, 1 findings, 2 usage and path errors', () => {
    assert.equal(cli(['check', fixture('clean.py')]).code, 0);
    assert.equal(cli(['check', fixture('tiny_tasks.py')]).code, 1);
    const missing = cli(['check', 'no/such/path.py']);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /path not found: no\/such\/path\.py/);
    assert.equal(cli(['check', '--format', 'xml', fixture('clean.py')]).code, 2);
    assert.equal(cli(['check', '--no-such-flag']).code, 2);
    assert.equal(cli(['check', '--jobs', '0', fixture('clean.py')]).code, 2);
    assert.equal(cli(['frobnicate']).code, 2);
  });

  test('unknown rule codes in --select/--ignore are usage errors', () => {
    const select = cli(['check', '--select', 'CL999', fixture('clean.py')]);
    assert.equal(select.code, 2);
    assert.match(select.stderr, /--select: unknown rule 'CL999'/);
    const ignore = cli(['check', '--ignore', 'CL101,not-a-rule', fixture('clean.py')]);
    assert.equal(ignore.code, 2);
    assert.match(ignore.stderr, /--ignore: unknown rule 'not-a-rule'/);
  });

  test('--help and --version exit 0', () => {
    const help = cli(['check', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--stdin-filename/);
    const version = cli(['--version']);
    assert.equal(version.code, 0);
    assert.match(version.stdout.trim(), /^\d+\.\d+\.\d+/);
  });
});

describe('check text output', () => {
  test('one `path:line:col: CODE [name] message` line per finding, summary on stderr', () => {
    const run = cli(['check', path.join('test', 'fixtures', 'cli')]);
    assert.equal(run.code, 1);
    const lines = run.stdout.trimEnd().split('\n');
    assert.ok(lines.length >= 3);
    for (const line of lines) assert.match(line, FINDING_LINE);
    assert.ok(!run.stdout.includes('\x1b['), 'no colour when not a terminal');
    const first = FINDING_LINE.exec(lines.find((l) => l.includes('tiny_tasks.py'))!)!;
    assert.deepEqual(first.slice(1, 6), [path.join('test', 'fixtures', 'cli', 'tiny_tasks.py'), '11', '16', 'CL103', 'tiny-tasks-in-processes']);
    assert.match(run.stderr, /Found \d+ problems/);
  });

  test('FORCE_COLOR colours it; NO_COLOR and --no-color do not', () => {
    const coloured = cli(['check', fixture('tiny_tasks.py')], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.ok(coloured.stdout.includes('\x1b['));
    const plain = cli(['check', '--no-color', fixture('tiny_tasks.py')], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } });
    assert.ok(!plain.stdout.includes('\x1b['));
  });

  test('--quiet prints findings only; --output-file writes the report', () => {
    const quiet = cli(['check', '-q', fixture('tiny_tasks.py')]);
    assert.equal(quiet.stderr, '');
    const out = path.join(temp, 'report.json');
    const run = cli(['check', '--format', 'json', '-o', out, fixture('tiny_tasks.py')]);
    assert.equal(run.code, 1);
    assert.equal(run.stdout, '');
    assert.equal((JSON.parse(read(out)) as JsonReport).findings.length, 1);
  });
});

describe('check --format sarif', () => {
  test('valid SARIF 2.1.0 with rules, help URIs, locations and fixes', () => {
    const run = cli(['check', '--format', 'sarif', path.join('test', 'fixtures', 'cli')]);
    assert.equal(run.code, 1);
    const log = JSON.parse(run.stdout) as Sarif.Log;
    // The OASIS schema (draft-04), as shipped by @microsoft/jest-sarif; ajv-draft-04 validates it.
    const schema = JSON.parse(read(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'))) as object;
    const ajv = new Ajv({ strict: false, validateFormats: false, unicodeRegExp: false, allErrors: true });
    const validate = ajv.compile(schema);
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));

    assert.equal(log.version, '2.1.0');
    assert.match(log.$schema ?? '', /sarif-2\.1\.0/);
    const sarifRun = log.runs[0];
    const driver = sarifRun.tool.driver;
    assert.ok(driver.name && driver.version && driver.informationUri);
    const rules = driver.rules ?? [];
    assert.ok(rules.some((r) => r.id === 'CL101'));
    for (const rule of rules) {
      assert.match(rule.helpUri ?? '', new RegExp(`${rule.id}\\.md$`));
      assert.ok(rule.shortDescription?.text);
      assert.ok(['error', 'warning', 'note'].includes(rule.defaultConfiguration?.level ?? ''));
    }

    const results = sarifRun.results ?? [];
    const { report } = json([path.join('test', 'fixtures', 'cli')]);
    assert.equal(results.length, report.findings.length);
    results.forEach((result, i) => {
      const finding = report.findings[i];
      assert.equal(result.ruleId, finding.rule);
      assert.equal(rules[result.ruleIndex!].id, result.ruleId);
      assert.equal(result.level, finding.severity === 'info' ? 'note' : finding.severity);
      const location = result.locations![0].physicalLocation!;
      assert.equal(location.artifactLocation!.uri, finding.path.split(path.sep).join('/'));
      assert.equal(location.artifactLocation!.uriBaseId, '%SRCROOT%');
      assert.deepEqual(location.region, { startLine: finding.line, startColumn: finding.column, endLine: finding.endLine, endColumn: finding.endColumn });
      assert.equal(Boolean(result.fixes), Boolean(finding.fix));
    });
    assert.ok(sarifRun.originalUriBaseIds?.['%SRCROOT%']?.uri?.startsWith('file://'));
  });
});

describe('rule selection', () => {
  const file = path.join('test', 'fixtures', 'cli', 'tiny_tasks.py');
  test('--select keeps only the named rules (codes, prefixes, names)', () => {
    for (const select of ['CL101', 'CL1', 'cpu-bound-work-in-threads']) {
      const { report } = json([path.join('test', 'fixtures', 'cli'), '--select', select]);
      assert.ok(report.findings.length > 0, select);
      assert.ok(report.findings.every((f) => f.rule.startsWith(select === 'CL1' ? 'CL1' : 'CL101')), select);
    }
  });

  test('--ignore drops rules; repeated and comma-separated values add up', () => {
    assert.deepEqual(json([file, '--ignore', 'CL103']).report.findings, []);
    const { report } = json([path.join('test', 'fixtures', 'cli'), '--ignore', 'CL101', '--ignore', 'CL202,CL501']);
    assert.ok(report.findings.every((f) => !['CL101', 'CL202', 'CL501'].includes(f.rule)));
    assert.ok(report.findings.some((f) => f.rule === 'CL103'));
  });
});

describe('configuration', () => {
  const files = { 'a/tiny.py': `@${fixture('tiny_tasks.py')}`, 'a/cpu.py': `@${fixture('cpu_threads.py')}` };

  test('pyproject.toml [tool.concurrency-lens] is discovered from the checked folder', () => {
    const root = tree({
      ...files,
      'pyproject.toml': '[tool.concurrency-lens]\nignore = ["CL103"]\n[tool.concurrency-lens.severity]\nCL101 = "error"\n',
    });
    const { report } = json(['.'], { cwd: root });
    assert.deepEqual(rulesAt(report), [`${path.join('a', 'cpu.py')}:13:CL101`]);
    assert.equal(report.findings[0].severity, 'error');
  });

  test('python.gil = "disabled" silences CL101 (free-threaded target)', () => {
    const root = tree({ ...files, 'pyproject.toml': '[tool.concurrency-lens.python]\ngil = "disabled"\n' });
    const { report } = json(['.'], { cwd: root });
    assert.ok(report.findings.every((f) => f.rule !== 'CL101'));
    assert.ok(report.findings.some((f) => f.rule === 'CL103'));
  });

  test('the nearest concurrency-lens.json wins over a pyproject.toml above it', () => {
    const root = tree({
      ...files,
      'pyproject.toml': '[tool.concurrency-lens]\nignore = ["CL103"]\n',
      'a/concurrency-lens.json': '{"select": ["CL103"]}',
    });
    const { report } = json(['.'], { cwd: root });
    assert.deepEqual(rulesAt(report), [`${path.join('a', 'tiny.py')}:11:CL103`]);
  });

  test('--config FILE overrides discovery; CLI --select overrides the config', () => {
    const root = tree({
      ...files,
      'concurrency-lens.json': '{"ignore": ["CL101", "CL103"]}',
      'ci/strict.json': '{"select": ["CL101"]}',
    });
    assert.deepEqual(json(['.'], { cwd: root }).report.findings, []);
    assert.deepEqual(rulesAt(json(['--config', path.join('ci', 'strict.json'), '.'], { cwd: root }).report), [`${path.join('a', 'cpu.py')}:13:CL101`]);
    assert.deepEqual(rulesAt(json(['--select', 'CL103', '.'], { cwd: root }).report), [`${path.join('a', 'tiny.py')}:11:CL103`]);
  });

  test('an invalid configuration is a clear error with exit 2', () => {
    const root = tree({ ...files, 'pyproject.toml': '[tool.concurrency-lens]\nselct = ["CL101"]\n' });
    const run = cli(['check', '.'], { cwd: root });
    assert.equal(run.code, 2);
    assert.match(run.stderr, /pyproject\.toml: unknown key 'selct'.*did you mean 'select'/);
    assert.ok(!run.stderr.includes('    at '), 'no stack trace');
    const missing = cli(['check', '--config', 'nope.toml', '.'], { cwd: root });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.toml: cannot read configuration/);
  });
});

describe('directory walking', () => {
  test('honours nested .gitignore files, exclude globs and skips dependency folders', () => {
    const source = `@${fixture('tiny_tasks.py')}`;
    const root = tree({
      'keep.py': source,
      'src/app.py': source,
      'src/generated_pb2.py': source,
      'src/.gitignore': 'scratch.py\n',
      'src/scratch.py': source,
      'ignored/x.py': source,
      '.gitignore': 'ignored/\n*.log\n!src/keep_me.py\n',
      'build/out.py': source,
      'legacy/old.py': source,
      'node_modules/pkg/x.py': source,
      '.venv/lib/x.py': source,
      'env311/pyvenv.cfg': 'home = /usr/bin\n',
      'env311/lib/x.py': source,
      '__pycache__/x.py': source,
      'notes.txt': 'not python',
      'concurrency-lens.json': JSON.stringify({ exclude: ['build/**', 'legacy', '*_pb2.py'] }),
    });
    const { report } = json(['.'], { cwd: root });
    const paths = [...new Set(report.findings.map((f) => f.path))].sort();
    assert.deepEqual(paths, ['keep.py', path.join('src', 'app.py')]);
    assert.equal(report.summary.files, 2);
  });

  test('files named explicitly are checked even when excluded, unless --force-exclude', () => {
    const root = tree({
      'build/out.py': `@${fixture('tiny_tasks.py')}`,
      'concurrency-lens.json': JSON.stringify({ exclude: ['build'] }),
    });
    const explicit = path.join('build', 'out.py');
    assert.equal(json([explicit], { cwd: root }).report.findings.length, 1);
    assert.equal(json(['--force-exclude', explicit], { cwd: root }).report.findings.length, 0);
  });

  test('binary and huge files are skipped with a message, not a crash', () => {
    const root = tree({
      'ok.py': `@${fixture('clean.py')}`,
      'blob.py': Buffer.from([0x69, 0x6d, 0x70, 0x00, 0xff, 0xfe, 0x00, 0x01]),
      'huge.py': 'x = 1\n'.repeat(1_500_000),
    });
    const run = cli(['check', '.'], { cwd: root });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /skipped blob\.py: binary file/);
    assert.match(run.stderr, /skipped huge\.py: file is too large/);
    const { report } = json(['.'], { cwd: root });
    assert.equal(report.summary.files, 1);
  });
});

describe('--stdin-filename', () => {
  test('reads stdin and reports under the given path', () => {
    const source = read(fixture('tiny_tasks.py'));
    const run = cli(['check', '--format', 'json', '--stdin-filename', path.join('pkg', 'mod.py')], { input: source });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as JsonReport;
    assert.deepEqual(rulesAt(report), [`${path.join('pkg', 'mod.py')}:11:CL103`]);
    const dash = cli(['check', '--stdin-filename', 'mod.py', '-'], { input: read(fixture('clean.py')) });
    assert.equal(dash.code, 0, dash.stderr);
  });

  test('the configuration is discovered from the stdin path', () => {
    const root = tree({ 'pyproject.toml': '[tool.concurrency-lens]\nignore = ["CL103"]\n' });
    const run = cli(['check', '--stdin-filename', 'mod.py'], { cwd: root, input: read(fixture('tiny_tasks.py')) });
    assert.equal(run.code, 0, run.stdout + run.stderr);
  });

  test('with --fix the fixed source goes to stdout, the report to stderr', () => {
    const run = cli(['check', '--fix', '--stdin-filename', 'mod.py'], { input: read(fixture('tiny_tasks.py')) });
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /pool\.map\(square, range\(100_000\), chunksize=max\(1, 100_000 \/\/ \(4 \* \(os\.cpu_count\(\) or 1\)\)\)\)/);
    assert.match(run.stderr, /Fixed 1 problem/);
  });

  test('a file name that is not Python or JS/TS is a usage error', () => {
    assert.equal(cli(['check', '--stdin-filename', 'notes.txt'], { input: 'x' }).code, 2);
    assert.equal(cli(['check', '-'], { input: 'x' }).code, 2);
  });
});

describe('--fix', () => {
  test('applies safe fixes to the files and the findings are gone', () => {
    const root = tree({ 'tiny.py': `@${fixture('tiny_tasks.py')}`, 'cpu.py': `@${fixture('cpu_threads.py')}` });
    const cpuBefore = read(path.join(root, 'cpu.py'));
    const run = cli(['check', '--fix', '.'], { cwd: root });
    // CL101's swap to processes is an unsafe fix: it stays, so findings remain (exit 1).
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /Fixed 1 problem/);
    assert.match(read(path.join(root, 'tiny.py')), /pool\.map\(square, range\(100_000\), chunksize=max\(1, 100_000 \/\/ \(4 \* \(os\.cpu_count\(\) or 1\)\)\)\)/);
    assert.equal(read(path.join(root, 'cpu.py')), cpuBefore, 'unsafe fixes need --unsafe-fixes');
    const { report } = json(['.'], { cwd: root });
    assert.deepEqual(rulesAt(report), ['cpu.py:13:CL101']);
  });

  test('--unsafe-fixes also applies unsafe ones', () => {
    const root = tree({ 'cpu.py': `@${fixture('cpu_threads.py')}` });
    cli(['check', '--fix', '--unsafe-fixes', '.'], { cwd: root });
    assert.match(read(path.join(root, 'cpu.py')), /ProcessPoolExecutor/);
    assert.ok(json(['.', '--select', 'CL101'], { cwd: root }).report.findings.length === 0);
  });
});

describe('parallel analysis', () => {
  test('the worker pool gives the same results, in the same order, as one thread', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) {
      files[`p${i}/tiny.py`] = `@${fixture('tiny_tasks.py')}`;
      files[`p${i}/cpu.py`] = `@${fixture('cpu_threads.py')}`;
      files[`p${i}/helpers.py`] = `@${fixture(path.join('crossfile', 'helpers.py'))}`;
      files[`p${i}/main.py`] = `@${fixture(path.join('crossfile', 'main.py'))}`;
    }
    const root = tree(files);
    const sequential = json(['-v', '-j', '1', '.'], { cwd: root });
    const pooled = json(['-v', '-j', '3', '.'], { cwd: root });
    const automatic = json(['-v', '.'], { cwd: root });
    assert.match(sequential.run.stderr, /checked 80 files in the main thread/);
    assert.match(pooled.run.stderr, /checked 80 files on 3 worker threads/);
    assert.equal(sequential.report.findings.length, 60);
    assert.deepEqual(pooled.report.findings, sequential.report.findings);
    assert.deepEqual(automatic.report.findings, sequential.report.findings);
    const { durationMs: _a, ...seqSummary } = sequential.report.summary;
    const { durationMs: _b, ...poolSummary } = pooled.report.summary;
    assert.deepEqual(poolSummary, seqSummary);
  });
});

describe('a folder its repository ignores', () => {
  test('checking it says which ignore file hides it; naming a file still checks it', () => {
    const root = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': '/vendored\n',
      'vendored/lib/tiny.py': `@${fixture('tiny_tasks.py')}`,
    });
    const folder = cli(['check', 'lib'], { cwd: path.join(root, 'vendored') });
    assert.equal(folder.code, 0);
    assert.match(folder.stderr, /lib is ignored by .*\.gitignore; name its files explicitly/);
    const file = cli(['check', path.join('lib', 'tiny.py')], { cwd: path.join(root, 'vendored') });
    assert.equal(file.code, 1, file.stderr);
  });
});

describe('cross-file facts in a run', () => {
  // task.js shows no worker signal of its own: only main.js starting it makes it a worker script,
  // where a blocking read in a timer callback is fine (CL105 must not flag worker scripts).
  const files = {
    'main.js': "const { Worker } = require('node:worker_threads');\nconst w = new Worker(__dirname + '/task.js');\nw.on('error', (e) => console.error(e));\n",
    'task.js': "const fs = require('node:fs');\n\nsetInterval(() => {\n  fs.readFileSync('/etc/hostname', 'utf8');\n}, 1000);\n",
  };

  test('a JS file started by another file of the tree is a worker script, in one thread and on the pool', () => {
    const root = tree(files);
    for (const jobs of ['1', '2']) {
      const { run, report } = json(['-j', jobs, '.'], { cwd: root });
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(rulesAt(report), []);
    }
    // Checked alone, nothing says task.js is a worker: its blocking read is reported.
    assert.deepEqual(rulesAt(json(['task.js'], { cwd: root }).report), ['task.js:4:CL105']);
  });
});

describe('rules and explain', () => {
  test('rules lists code, name, languages, severity, fixable', () => {
    const text = cli(['rules']);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^CODE\s+NAME\s+LANGUAGES\s+SEVERITY\s+FIXABLE/);
    assert.match(text.stdout, /^CL101\s+cpu-bound-work-in-threads\s+py\s+warning\s+yes/m);
    const rows = JSON.parse(cli(['rules', '--format', 'json']).stdout) as Record<string, unknown>[];
    const cl202 = rows.find((r) => r.code === 'CL202');
    assert.ok(cl202);
    assert.deepEqual(Object.keys(cl202), ['code', 'name', 'languages', 'severity', 'fixable', 'summary', 'url']);
    assert.equal(cl202.severity, 'error');
  });

  test('explain by code or name prints the rule page; unknown rules exit 2', () => {
    const byCode = cli(['explain', 'CL101']);
    assert.equal(byCode.code, 0);
    assert.match(byCode.stdout, /CL101/);
    const doc = path.join(ROOT, 'docs', 'rules', 'CL101.md');
    if (fs.existsSync(doc)) assert.equal(byCode.stdout.trimEnd(), read(doc).trimEnd());
    assert.equal(cli(['explain', 'cpu-bound-work-in-threads']).stdout, byCode.stdout);
    const unknown = cli(['explain', 'CL999']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown rule 'CL999'/);
  });
});
