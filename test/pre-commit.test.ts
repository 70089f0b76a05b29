import { after, describe, test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The pre-commit hook (.pre-commit-hooks.yaml) run by the real `pre-commit` tool: a clone of this
// repository's HEAD is the hook repository (only committed files, as pre-commit would fetch them
// by `repo:` URL), a temporary git repository uses it, and `git commit` runs it. pre-commit's
// node language installs the hook repository with npm (registry reachable; the prepack build
// makes dist/), which takes a minute or two the first time.

const ROOT = path.join(__dirname, '..');
const hasPreCommit = spawnSync('pre-commit', ['--version'], { encoding: 'utf8' }).status === 0;
const skip = hasPreCommit ? false : '`pre-commit` is not installed (apt-get install pre-commit; .ci/run installs it)';

const temp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'clens-pre-commit-')));
after(() => fs.rmSync(temp, { recursive: true, force: true }));

function run(command: string, args: string[], cwd: string) {
  const result = spawnSync(command, args, {
    cwd,
    encoding: 'utf8',
    timeout: 600_000,
    env: {
      ...process.env,
      PRE_COMMIT_HOME: path.join(temp, 'pre-commit-home'),
      GIT_AUTHOR_NAME: 'test',
      GIT_AUTHOR_EMAIL: 'test@example.com',
      GIT_COMMITTER_NAME: 'test',
      GIT_COMMITTER_EMAIL: 'test@example.com',
      NO_COLOR: '1',
    },
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

describe('pre-commit hook', { skip }, () => {
  test('a commit with a CL201 fails with the finding; the fixed file commits', { timeout: 900_000 }, () => {
    const hookRepo = path.join(temp, 'hook-repo');
    const clone = run('git', ['clone', '--quiet', '--no-local', ROOT, hookRepo], temp);
    assert.equal(clone.status, 0, clone.output);
    assert.ok(fs.existsSync(path.join(hookRepo, '.pre-commit-hooks.yaml')), 'the hooks file is committed');
    const rev = run('git', ['rev-parse', 'HEAD'], hookRepo).output.trim();

    const user = path.join(temp, 'user');
    fs.mkdirSync(user);
    const git = (...args: string[]) => run('git', args, user);
    assert.equal(git('init', '--quiet').status, 0);
    fs.writeFileSync(
      path.join(user, '.pre-commit-config.yaml'),
      `repos:\n  - repo: ${hookRepo}\n    rev: ${rev}\n    hooks:\n      - id: concurrency-lens\n`,
    );
    fs.writeFileSync(path.join(user, 'README.md'), 'not checked\n');
    git('add', '.pre-commit-config.yaml', 'README.md');
    assert.equal(git('commit', '--quiet', '--no-verify', '-m', 'init').status, 0);
    const install = run('pre-commit', ['install'], user);
    assert.equal(install.status, 0, install.output);

    const work = ['from multiprocessing import Pool', '', '', 'def work(n):', '    total = 0', '    for i in range(n):', '        total += i * i', '    return total', '', ''];
    const bad = [...work, 'with Pool() as pool:', '    print(pool.map(work, [10_000_000] * 8))', ''];
    fs.writeFileSync(path.join(user, 'jobs.py'), bad.join('\n'));
    git('add', 'jobs.py');
    const rejected = git('commit', '-m', 'pool at import');
    assert.equal(rejected.status, 1, rejected.output);
    assert.match(rejected.output, /Concurrency Lens\.+Failed/);
    assert.match(rejected.output, /jobs\.py:11:6: CL201 \[missing-main-guard\]/);
    assert.equal(git('rev-list', '--count', 'HEAD').output.trim(), '1', 'nothing was committed');

    const good = [...work, 'if __name__ == "__main__":', '    with Pool() as pool:', '        print(pool.map(work, [10_000_000] * 8))', ''];
    fs.writeFileSync(path.join(user, 'jobs.py'), good.join('\n'));
    git('add', 'jobs.py');
    const accepted = git('commit', '-m', 'guarded pool');
    assert.equal(accepted.status, 0, accepted.output);
    assert.match(accepted.output, /Concurrency Lens\.+Passed/);
    assert.equal(git('rev-list', '--count', 'HEAD').output.trim(), '2');

    // A commit of no Python or JS/TS file skips the hook.
    fs.writeFileSync(path.join(user, 'README.md'), 'still not checked\n');
    git('add', 'README.md');
    const skipped = git('commit', '-m', 'docs');
    assert.equal(skipped.status, 0, skipped.output);
    assert.match(skipped.output, /Concurrency Lens\.+\(no files to check\)Skipped/);
  });
});
