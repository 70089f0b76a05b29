import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSettings } from '../src/server/settings';
import { ensureBuilt } from './support/build';

// docs/editors.md against the real server: the commands its snippets start are the npm package's
// bins (scripts/pack-cli.mjs) and the CLI subcommand, each with --stdio, and every setting they
// pass is one the server reads (package.json `contributes.configuration`, src/server/settings.ts).
// The server's side of those set-ups (no configuration, pushed settings) is test/server-editors.test.ts.

const ROOT = path.join(__dirname, '..');
const page = fs.readFileSync(path.join(ROOT, 'docs', 'editors.md'), 'utf8');
const blocks = [...page.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map((m) => ({ lang: m[1], body: m[2] }));
const properties = Object.keys(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).contributes.configuration.properties);

test('the snippets start the server as the package ships it: concurrency-lens-server or concurrency-lens server, with --stdio', () => {
  const packScript = fs.readFileSync(path.join(ROOT, 'scripts', 'pack-cli.mjs'), 'utf8');
  assert.match(packScript, /'concurrency-lens-server': 'dist\/server\.js'/, 'the npm package names the server bin');
  // The command and what follows it: its arguments, on the same line or the next (Helix's `args`).
  const commands = blocks.flatMap(({ body }) =>
    [...body.matchAll(/concurrency-lens(-server|["',\s]+server)\b/g)].map((m) => body.slice(m.index, m.index + m[0].length + 40).split('\n').slice(0, 2).join('\n')),
  );
  assert.ok(commands.length >= 5, `commands found: ${commands.join(' | ')}`);
  for (const command of commands) assert.match(command, /^concurrency-lens(-server)?\W[^\n]*(\n\s*args = )?[^\n]*--stdio/, command);

  ensureBuilt('dist/cli.js');
  const help = spawnSync(process.execPath, [path.join(ROOT, 'dist', 'cli.js'), 'server', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0, help.stderr);
  assert.match(help.stdout, /--stdio/);
});

test('every setting the snippets pass is a concurrencyLens setting the server reads', () => {
  const keys: string[] = [];
  for (const { lang, body } of blocks) {
    if (lang === 'lua') for (const m of body.matchAll(/concurrencyLens = \{([^}]*)\}/g)) keys.push(...[...m[1].matchAll(/(\w+)\s*=/g)].map((k) => k[1]));
    if (lang === 'toml') {
      const table = /\[language-server\.concurrency-lens\.config\.concurrencyLens\]\n([\s\S]*?)(?:\n\[|$)/.exec(body);
      if (table) keys.push(...[...table[1].matchAll(/^(\w+)\s*=/gm)].map((k) => k[1]));
    }
    if (lang === 'elisp') for (const m of body.matchAll(/:concurrencyLens \(([^)]*)\)/g)) keys.push(...[...m[1].matchAll(/:(\w+)/g)].map((k) => k[1]).filter((k) => k !== 'json'));
  }
  assert.ok(keys.length >= 5, `settings found: ${keys.join(', ')}`);
  for (const key of keys) assert.ok(properties.includes(`concurrencyLens.${key}`), `concurrencyLens.${key} is not a setting`);
});

test("the page's settings example is read as written", () => {
  const example = /e\.g\. `(\{[^`]*\})`/.exec(page.replace(/\n/g, ' '));
  assert.ok(example, 'the settings example');
  const settings = readSettings(JSON.parse(example[1]));
  assert.deepEqual(settings.select, ['CL1']);
  assert.equal(settings.run, 'onSave');
  assert.equal(settings.showSyntaxErrors, true);
  assert.equal(settings.python.gil, 'disabled');
});
