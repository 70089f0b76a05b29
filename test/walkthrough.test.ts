import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

// The walkthrough (package.json contributes.walkthroughs) and the commands it names: every step's
// media ships in the VSIX, and every command it runs or waits for is contributed and registered.
// That the example it opens has its CL101 is checked in the real editor (test/e2e/suite/index.ts).

const ROOT = path.join(__dirname, '..');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const contributed = new Set<string>(manifest.contributes.commands.map((c: { command: string }) => c.command));
const [walkthrough] = manifest.contributes.walkthroughs;

interface Step {
  id: string;
  description: string;
  media: { markdown?: string; image?: string };
  completionEvents?: string[];
}

test('each step has media that exists and a completion event; our commands are contributed', () => {
  assert.equal(walkthrough.id, 'concurrencyLens.gettingStarted');
  assert.ok(walkthrough.steps.length >= 4);
  for (const step of walkthrough.steps as Step[]) {
    const media = step.media.markdown ?? step.media.image;
    assert.ok(media && fs.existsSync(path.join(ROOT, media)), `${step.id}: media ${media}`);
    assert.ok(step.completionEvents?.length, `${step.id}: a completion event`);
    const commands = [
      ...[...step.description.matchAll(/\(command:([\w.]+)/g)].map((m) => m[1]),
      ...step.completionEvents.filter((e) => e.startsWith('onCommand:')).map((e) => e.slice('onCommand:'.length)),
    ];
    for (const command of commands.filter((c) => c.startsWith('concurrencyLens.'))) {
      assert.ok(contributed.has(command), `${step.id}: ${command} is contributed`);
    }
  }
});

test('the commands the walkthrough and the lightbulb use are registered by the extension', () => {
  const source = fs.readdirSync(path.join(ROOT, 'src', 'extension')).map((f) => fs.readFileSync(path.join(ROOT, 'src', 'extension', f), 'utf8')).join('\n');
  const protocol = fs.readFileSync(path.join(ROOT, 'src', 'protocol', 'lsp.ts'), 'utf8');
  for (const command of contributed) {
    const constant = [...protocol.matchAll(/export const (\w+) = '([\w.]+)'/g)].find((m) => m[2] === command)?.[1];
    const registered = source.includes(`registerCommand('${command}'`) || (constant !== undefined && source.includes(`registerCommand(${constant}`));
    assert.ok(registered, `${command} is registered`);
  }
});

test('the VSIX ships the walkthrough media and the examples the walkthrough copies', () => {
  const vsce = path.join(ROOT, 'node_modules', '.bin', 'vsce');
  const listed = new Set(execFileSync(vsce, ['ls', '--no-dependencies'], { cwd: ROOT, encoding: 'utf8' }).split('\n').map((l) => l.trim()));
  for (const step of walkthrough.steps as Step[]) assert.ok(listed.has(step.media.markdown!), `${step.media.markdown} in the VSIX`);
  for (const example of ['examples/python/cpu_in_threads.py', 'docs/rules/CL101.md']) assert.ok(listed.has(example), `${example} in the VSIX`);
});
