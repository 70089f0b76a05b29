import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ConfigError,
  ConfigResolver,
  excludeMatcher,
  loadConfigFile,
  mergeOptions,
  resolveConfig,
} from '../src/workspace/config';

// Project configuration (src/analysis/config.ts), shared by the CLI and the language server:
// discovery, validation, the AnalyzeOptions it yields, and `exclude` matching.

const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-config-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

let counter = 0;
function tree(files: Record<string, string>): string {
  const root = path.join(temp, `t${counter++}`);
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(root, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  }
  return root;
}

function configError(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${error}`);
    return error;
  }
  assert.fail('expected a ConfigError');
}

describe('loading', () => {
  test('pyproject.toml [tool.concurrency-lens] with nested severity and python tables', () => {
    const root = tree({
      'pyproject.toml': [
        '[project]',
        'name = "demo"',
        '',
        '[tool.concurrency-lens]',
        'select = ["CL1", "unpicklable-task"]',
        'ignore = ["CL103"]',
        'exclude = ["build/**"]',
        '',
        '[tool.concurrency-lens.severity]',
        'CL101 = "error"',
        '"io-bound-work-in-processes" = "off"',
        '',
        '[tool.concurrency-lens.python]',
        'gil = "disabled"',
        '',
      ].join('\n'),
    });
    const config = loadConfigFile(path.join(root, 'pyproject.toml'));
    assert.deepEqual(config.select, ['CL1', 'unpicklable-task']);
    assert.deepEqual(config.ignore, ['CL103']);
    assert.deepEqual(config.exclude, ['build/**']);
    // Rule names are normalised to codes so a name and a code cannot disagree silently.
    assert.deepEqual(config.severity, { CL101: 'error', CL102: 'off' });
    assert.deepEqual(config.python, { gil: 'disabled' });
    assert.equal(config.root, root);
  });

  test('concurrency-lens.json', () => {
    const root = tree({
      'concurrency-lens.json': JSON.stringify({ $schema: 'x', ignore: ['CL202'], python: { gil: 'enabled' } }),
    });
    const config = loadConfigFile(path.join(root, 'concurrency-lens.json'));
    assert.deepEqual(config.ignore, ['CL202']);
    assert.deepEqual(config.python, { gil: 'enabled' });
  });

  test('a pyproject.toml without the table gives the defaults', () => {
    const root = tree({ 'pyproject.toml': '[project]\nname = "demo"\n' });
    const config = loadConfigFile(path.join(root, 'pyproject.toml'));
    assert.equal(config.select, undefined);
    assert.deepEqual(config.exclude, []);
  });
});

describe('validation gives clear errors, never crashes', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['unknown key with a suggestion', { 'concurrency-lens.json': '{"selct": ["CL101"]}' }, /unknown key 'selct'.*did you mean 'select'/],
    ['unknown rule in select', { 'concurrency-lens.json': '{"select": ["CL999"]}' }, /select: unknown rule 'CL999'/],
    ['unknown rule in severity', { 'concurrency-lens.json': '{"severity": {"CL998": "error"}}' }, /severity: unknown rule 'CL998'/],
    ['bad severity value', { 'concurrency-lens.json': '{"severity": {"CL101": "loud"}}' }, /severity\.CL101: invalid value "loud"; expected one of: error, warning, info, off/],
    ['bad gil value', { 'concurrency-lens.json': '{"python": {"gil": "maybe"}}' }, /python\.gil: invalid value "maybe"/],
    ['unknown python key', { 'concurrency-lens.json': '{"python": {"version": "3.12"}}' }, /unknown key 'version' in \[python\]/],
    ['exclude not strings', { 'concurrency-lens.json': '{"exclude": [1, 2]}' }, /exclude must be a list of strings/],
    ['invalid JSON', { 'concurrency-lens.json': '{"select": [' }, /invalid JSON/],
    ['not an object', { 'concurrency-lens.json': '[1]' }, /must be a JSON object/],
    [
      'unknown key in the TOML table',
      { 'pyproject.toml': '[tool.concurrency-lens]\nignored = ["CL101"]\n' },
      /unknown key 'ignored' in \[tool\.concurrency-lens\].*did you mean 'ignore'/,
    ],
    ['invalid TOML', { 'pyproject.toml': '[tool.concurrency-lens]\nselect = [\n' }, /invalid TOML \(line \d+, column \d+/],
  ];
  for (const [name, files, message] of cases) {
    test(name, () => {
      const root = tree(files);
      const file = path.join(root, Object.keys(files)[0]);
      const error = configError(() => loadConfigFile(file));
      assert.match(error.message, message);
      assert.ok(error.message.startsWith(file), `the message names the file: ${error.message}`);
    });
  }
});

describe('discovery', () => {
  test('the nearest configuration wins; a pyproject.toml without the table is passed over', () => {
    const root = tree({
      'pyproject.toml': '[tool.concurrency-lens]\nignore = ["CL101"]\n',
      'pkg/pyproject.toml': '[project]\nname = "inner"\n',
      'pkg/mod.py': '',
      'pkg/sub/concurrency-lens.json': '{"ignore": ["CL102"]}',
      'pkg/sub/deep/mod.py': '',
    });
    const resolver = new ConfigResolver(undefined, root);
    assert.equal(resolver.configFor(path.join(root, 'pkg', 'mod.py')).config.file, path.join(root, 'pyproject.toml'));
    assert.equal(
      resolver.configFor(path.join(root, 'pkg', 'sub', 'deep', 'mod.py')).config.file,
      path.join(root, 'pkg', 'sub', 'concurrency-lens.json'),
    );
    assert.deepEqual(resolveConfig(path.join(root, 'pkg', 'sub', 'deep')).options, { ignore: ['CL102'] });
  });

  test('concurrency-lens.json beats pyproject.toml in the same folder', () => {
    const root = tree({
      'pyproject.toml': '[tool.concurrency-lens]\nignore = ["CL101"]\n',
      'concurrency-lens.json': '{"ignore": ["CL103"]}',
    });
    assert.deepEqual(resolveConfig(path.join(root, 'x.py')).options.ignore, ['CL103']);
  });

  test('an explicit file overrides discovery', () => {
    const root = tree({
      'concurrency-lens.json': '{"ignore": ["CL103"]}',
      'other/custom.toml': 'select = ["CL202"]\n',
    });
    const resolver = new ConfigResolver(path.join(root, 'other', 'custom.toml'), root);
    assert.deepEqual(resolver.configFor(path.join(root, 'x.py')).options, { select: ['CL202'] });
  });

  test('no configuration: default options', () => {
    const root = tree({ 'a.py': '' });
    assert.deepEqual(resolveConfig(path.join(root, 'a.py')).options, {});
  });

  test('an invalid nested configuration surfaces as a ConfigError', () => {
    const root = tree({ 'sub/concurrency-lens.json': '{"bogus": 1}' });
    const resolver = new ConfigResolver(undefined, root);
    assert.match(configError(() => resolver.configFor(path.join(root, 'sub', 'a.py'))).message, /unknown key 'bogus'/);
  });
});

describe('options', () => {
  test('toAnalyzeOptions carries select, ignore, severity and python.gil', () => {
    const root = tree({
      'concurrency-lens.json': JSON.stringify({ select: ['CL1'], ignore: ['CL103'], severity: { CL101: 'info' }, python: { gil: 'disabled' } }),
    });
    assert.deepEqual(resolveConfig(root).options, {
      select: ['CL1'],
      ignore: ['CL103'],
      severity: { CL101: 'info' },
      python: { gil: 'disabled' },
    });
  });

  test('mergeOptions: a later select starts afresh, ignores add up, severities override per rule', () => {
    const base = { select: ['CL1'], ignore: ['CL103'], severity: { CL101: 'info' as const, CL102: 'off' as const }, python: { gil: 'disabled' as const } };
    assert.deepEqual(mergeOptions(base, { select: ['CL202'] }), {
      select: ['CL202'],
      severity: { CL101: 'info', CL102: 'off' },
      python: { gil: 'disabled' },
    });
    assert.deepEqual(mergeOptions(base, { ignore: ['CL101'] }).ignore, ['CL103', 'CL101']);
    assert.deepEqual(mergeOptions(base, { severity: { CL101: 'error' } }).severity, { CL101: 'error', CL102: 'off' });
    assert.deepEqual(mergeOptions(base, { python: { gil: undefined } }).python, { gil: 'disabled' });
    assert.deepEqual(mergeOptions(base, {}), base);
  });
});

describe('exclude', () => {
  const root = path.join(path.sep, 'project');
  const at = (...parts: string[]): string => path.join(root, ...parts);

  test('anchored globs match from the config folder, and everything below a matched folder', () => {
    const excluded = excludeMatcher(root, ['build/**', 'src/generated', '/top.py']);
    assert.ok(excluded(at('build', 'x.py')));
    assert.ok(excluded(at('src', 'generated', 'deep', 'y.py')));
    assert.ok(excluded(at('top.py')));
    assert.ok(!excluded(at('lib', 'top.py')));
    assert.ok(!excluded(at('lib', 'build', 'x.py')));
    assert.ok(!excluded(at('src', 'app.py')));
  });

  test('globs without a slash match a name at any depth', () => {
    const excluded = excludeMatcher(root, ['*_pb2.py', 'legacy', '.hidden']);
    assert.ok(excluded(at('a', 'b', 'msg_pb2.py')));
    assert.ok(excluded(at('pkg', 'legacy', 'old.py')));
    assert.ok(excluded(at('.hidden', 'x.py')));
    assert.ok(!excluded(at('pkg', 'legacy_tools.py')));
  });

  test('paths outside the config folder are never excluded', () => {
    const excluded = excludeMatcher(root, ['**']);
    assert.ok(!excluded(path.join(path.sep, 'elsewhere', 'x.py')));
    assert.ok(excluded(at('x.py')));
  });

  test('test-file globs match a file outside the config folder by its name only', () => {
    const isTest = excludeMatcher(root, ['tests', 'test_*.py'], true);
    assert.ok(isTest(path.join(path.sep, 'elsewhere', 'pkg', 'test_pool.py')));
    assert.ok(!isTest(path.join(path.sep, 'elsewhere', 'tests', 'pool.py')), 'folders outside have no anchor');
    assert.ok(isTest(at('tests', 'pool.py')));
  });
});
