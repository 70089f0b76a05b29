import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureBuilt } from './support/build';

// The Neovim snippet of docs/editors.md, run in the real Neovim against the built server: the
// snippet is taken from the page as a user would copy it, `concurrency-lens-server` is a shim on
// PATH that starts dist/server.js (what the npm package's bin does), and the file opened has a
// module-level pool, so the server must publish CL201 through Neovim's LSP client.

const ROOT = path.join(__dirname, '..');
const nvim = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
const skip = nvim.status === 0 ? false : 'nvim is not installed (CI installs Debian\'s neovim; see .ci/run)';

function snippet(): string {
  const page = fs.readFileSync(path.join(ROOT, 'docs', 'editors.md'), 'utf8');
  const section = /## Neovim \(0\.7 to 0\.10, no plugins\)\n+```lua\n([\s\S]*?)```/.exec(page);
  assert.ok(section, 'docs/editors.md has the Neovim 0.7+ snippet');
  return section[1];
}

test('the Neovim 0.7+ snippet of docs/editors.md gets the server\'s diagnostics in Neovim', { skip, timeout: 120_000 }, () => {
  ensureBuilt('dist/server.js');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'clens-nvim-'));
  try {
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin);
    const shim = path.join(bin, 'concurrency-lens-server');
    fs.writeFileSync(shim, `#!/bin/sh\nexec "${process.execPath}" "${path.join(ROOT, 'dist', 'server.js')}" "$@"\n`);
    fs.chmodSync(shim, 0o755);
    const project = path.join(dir, 'project');
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, 'work.py'),
      'from multiprocessing import Pool\n\n\ndef square(n):\n    return n * n\n\n\nwith Pool(processes=4) as pool:\n    print(pool.map(square, [1, 2, 3]))\n',
    );
    const out = path.join(dir, 'diagnostics.json');
    // Waits inside Neovim's event loop (vim.wait lets the LSP client handle messages) and writes
    // what vim.diagnostic holds for the buffer; code comes from the LSP diagnostic itself.
    const harness = `
vim.api.nvim_create_autocmd('VimEnter', { callback = function()
  vim.wait(60000, function() return #vim.diagnostic.get(0) > 0 end, 100)
  local found = {}
  for _, d in ipairs(vim.diagnostic.get(0)) do
    local lsp = d.user_data and d.user_data.lsp or {}
    table.insert(found, { lnum = d.lnum, code = d.code or lsp.code, source = d.source or lsp.source, message = d.message })
  end
  vim.fn.writefile({ vim.fn.json_encode(found) }, ${JSON.stringify(out)})
  vim.cmd('qa!')
end })
`;
    const init = path.join(dir, 'init.lua');
    fs.writeFileSync(init, `${snippet()}\n${harness}`);
    const env = { ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`, HOME: dir, XDG_CONFIG_HOME: path.join(dir, 'config'), XDG_DATA_HOME: path.join(dir, 'data'), XDG_STATE_HOME: path.join(dir, 'state'), XDG_CACHE_HOME: path.join(dir, 'cache') };
    const run = spawnSync('nvim', ['--headless', '-n', '-i', 'NONE', '-u', init, 'work.py'], { cwd: project, env, encoding: 'utf8', timeout: 90_000 });
    assert.equal(run.status, 0, `nvim exited ${run.status ?? run.signal}: ${run.stderr}`);
    assert.ok(fs.existsSync(out), `no diagnostics written: ${run.stderr}`);
    const found = JSON.parse(fs.readFileSync(out, 'utf8')) as Array<{ lnum: number; code: string; source: string; message: string }>;
    const guard = found.find((d) => d.code === 'CL201');
    assert.ok(guard, `CL201 among ${JSON.stringify(found)}`);
    assert.equal(guard.lnum, 7, 'reported on the module-level `with Pool(...)` line (0-based 7)');
    assert.equal(guard.source, 'Concurrency Lens');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
