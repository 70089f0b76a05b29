import { after, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';

// The VSIX manifest (package.json) against what the two registries check before they take an
// extension: the VS Code Marketplace through vsce (@vscode/vsce's validation: publisher and name
// identifiers, semver version, `engines.vscode`, a PNG icon inside the package, a repository, a
// LICENSE), and Open VSX (eclipse/openvsx ExtensionValidator: the same identifiers under its own
// pattern, field sizes, URLs, galleryBanner theme; a license, which its publishing requires).
// Then vsce itself lists and packs the extension, offline, and the packed manifest names the icon
// and the license.

const ROOT = path.join(__dirname, '..');
const VSCE = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-vsix-'));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

/** code-server 4.139.1 ships VS Code 1.139 and refuses extensions that need a later one (docs/e2e.md). */
const CODE_SERVER_VSCODE = [1, 139];
/** The Marketplace's categories (the extension manifest reference). */
const CATEGORIES = new Set([
  'AI', 'Azure', 'Chat', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps',
  'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Other', 'Programming Languages', 'SCM Providers',
  'Snippets', 'Testing', 'Themes', 'Visualization',
]);
const VSCE_IDENTIFIER = /^[a-z0-9][a-z0-9-]*$/i;
const OPEN_VSX_IDENTIFIER = /^[\w\-+$~]+$/;
const VSCE_ENGINE = /^\*$|^(\^|>=)?((\d+)|x)\.((\d+)|x)\.((\d+)|x)(-.*)?$/;

const isUrl = (value: unknown): boolean => {
  try {
    return typeof value === 'string' && new URL(value.replace(/^git\+/, '')).host !== '';
  } catch {
    return false;
  }
};
const plainText = (value: string): boolean => !/[\p{Cc}\p{Cf}\p{Co}\p{Cn}\u2028\u2029]/u.test(value);

function vsce(args: string[]) {
  return spawnSync(process.execPath, [VSCE, ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, VSCE_TELEMETRY: 'false' } });
}

test('identifiers, version and engines are what vsce and Open VSX accept, and code-server can install it', () => {
  for (const field of ['publisher', 'name'] as const) {
    assert.match(manifest[field], VSCE_IDENTIFIER, `${field} (vsce)`);
    assert.match(manifest[field], OPEN_VSX_IDENTIFIER, `${field} (Open VSX namespace / name)`);
  }
  assert.match(manifest.version, /^\d+\.\d+\.\d+$/);
  assert.match(manifest.engines.vscode, VSCE_ENGINE);
  const [major, minor] = /(\d+)\.(\d+)/.exec(manifest.engines.vscode)!.slice(1).map(Number);
  assert.ok(major < CODE_SERVER_VSCODE[0] || (major === CODE_SERVER_VSCODE[0] && minor <= CODE_SERVER_VSCODE[1]), `engines.vscode ${manifest.engines.vscode} is newer than code-server's VS Code`);
  // vsce refuses @types/vscode newer than engines.vscode.
  const types = /(\d+)\.(\d+)/.exec(manifest.devDependencies['@types/vscode'])!.slice(1).map(Number);
  assert.ok(types[0] < major || (types[0] === major && types[1] <= minor), '@types/vscode is newer than engines.vscode');
});

test('listing fields: license, repository, homepage, bugs, categories, keywords, gallery banner, sizes', () => {
  assert.equal(manifest.license, 'MIT');
  assert.ok(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8').startsWith('MIT License'), 'a LICENSE file (vsce warns without one; Open VSX requires a license)');
  assert.ok(isUrl(manifest.repository?.url), 'repository.url');
  assert.ok(isUrl(manifest.homepage), 'homepage');
  assert.ok(isUrl(manifest.bugs?.url), 'bugs.url');
  assert.ok(manifest.displayName.length <= 255 && plainText(manifest.displayName), 'displayName');
  assert.ok(manifest.description.length > 0 && manifest.description.length <= 2048 && plainText(manifest.description), 'description');
  assert.ok(manifest.categories.length > 0);
  for (const category of manifest.categories) assert.ok(CATEGORIES.has(category), `unknown category ${category}`);
  // The Marketplace takes up to 30 keywords; Open VSX up to 255 characters each.
  assert.ok(manifest.keywords.length > 0 && manifest.keywords.length <= 30);
  for (const keyword of manifest.keywords) assert.ok(keyword.length <= 255 && plainText(keyword), keyword);
  assert.ok(['dark', 'light'].includes(manifest.galleryBanner.theme));
  assert.match(manifest.galleryBanner.color, /^#[0-9a-f]{6}$/i);
  assert.equal(manifest.private, true, 'the VS Code manifest is never published to npm (scripts/pack-cli.mjs writes that package.json)');
});

test('the icon is a square PNG of at least 128×128 inside the repository', () => {
  assert.match(manifest.icon, /\.png$/, 'vsce refuses SVG icons');
  const png = fs.readFileSync(path.join(ROOT, manifest.icon));
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
  const width = png.readUInt32BE(16);
  const height = png.readUInt32BE(20);
  assert.equal(width, height);
  assert.ok(width >= 128, `${width}×${height}`);
});

test('vsce lists and packs the extension offline, with the icon and license, and without sources or maps', { timeout: 180_000 }, () => {
  ensureBuilt('dist/extension.js', 'dist/server.js', 'dist/server-worker.js');
  const listed = vsce(['ls', '--no-dependencies']);
  assert.equal(listed.status, 0, listed.stderr);
  const files = listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  for (const needed of ['package.json', 'README.md', 'LICENSE', manifest.icon, 'dist/extension.js', 'dist/server.js', 'dist/server-worker.js', 'docs/rules/CL900.md']) {
    assert.ok(files.includes(needed), `${needed} is not packed`);
  }
  // examples/ ships: the walkthrough copies it for the user (src/extension/examples.ts).
  const unexpected = files.filter((f) => f.endsWith('.map') || /^(src|test|scripts|node_modules)\//.test(f) || /^dist\/(cli|lint-worker|eslint-plugin|bench-)/.test(f));
  assert.deepEqual(unexpected, []);

  const vsix = path.join(temp, 'x.vsix');
  const packed = vsce(['package', '--no-dependencies', '-o', vsix]);
  assert.equal(packed.status, 0, packed.stdout + packed.stderr);
  assert.doesNotMatch(packed.stdout + packed.stderr, /WARNING/, 'vsce warns about nothing');
  const unzip = spawnSync('unzip', ['-p', vsix, 'extension.vsixmanifest'], { encoding: 'utf8' });
  assert.equal(unzip.status, 0, 'unzip (Debian unzip) reads the package');
  assert.match(unzip.stdout, /<Icon>extension\/images\/icon\.png<\/Icon>/);
  assert.match(unzip.stdout, /<License>extension\/LICENSE\.txt<\/License>/);
  assert.match(unzip.stdout, /Microsoft\.VisualStudio\.Code\.Engine" Value="\^1\.\d+\.\d+"/);
});
