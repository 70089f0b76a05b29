import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConfigError } from '../workspace/config';
import { type BenchCommandOptions, parseModeList, parsePositiveNumber, parseWorkerList, runBenchCommand } from './bench';
import { EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS, runCheck, type CheckFlags, type OutputFormat } from './check';
import { UsageError } from './errors';
import { colorsFor } from './format-text';
import { escapeControls } from './escape';
import { explainRule, formatRules } from './rules-command';
import { TOOL_VERSION } from './rule-docs';
import { PathNotFoundError } from '../workspace/walk';
import { loadWorkloadsEngine, runWorkloads, type WorkloadsFlags } from './workloads';
import { startLanguageServer } from './server-command';

// The `concurrency-lens` command line (docs/architecture.md "Interfaces other code depends on"): exit 0 when
// nothing is found, 1 when findings are reported, 2 on a usage or internal error. Commander would
// exit with 1 on a usage error, which CI could not tell from findings, hence exitOverride.

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number of at least 1');
  return n;
}

type CheckCommandOptions = CheckFlags & { exitZero?: boolean };

export function buildProgram(setExitCode: (code: number) => void): Command {
  const program = new Command();
  program
    .name('concurrency-lens')
    .description('Flags concurrency misuse in Python and JavaScript/TypeScript: threads vs processes, main guards, pool sizing, pickling, shared state.')
    .version(TOOL_VERSION, '-V, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)');

  program
    .command('check')
    .description('check files and folders (default: the current folder)')
    .argument('[paths...]', 'files or folders to check; - reads stdin (with --stdin-filename)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif']).default('text'))
    .option('--select <codes>', 'only these rules: codes, prefixes (CL1) or names, comma-separated; repeatable', collect)
    .option('--ignore <codes>', 'skip these rules: codes, prefixes or names, comma-separated; repeatable', collect)
    .option('--config <file>', 'use this pyproject.toml or concurrency-lens.json instead of discovering one')
    .option('--stdin-filename <path>', 'read the source from stdin and report it under this path')
    .option('--fix', 'apply safe fixes and write the files (with stdin: print the fixed source)')
    .option('--unsafe-fixes', 'with --fix, also apply fixes that may change behaviour')
    .option('-j, --jobs <n>', 'worker threads (1 = no workers; default: from the CPU count when there are many files)', positiveInteger)
    .option('--force-exclude', 'apply `exclude` to files named on the command line too')
    .option('-o, --output-file <file>', 'write the report to a file instead of stdout')
    .option('--exit-zero', 'exit with 0 even when findings are reported (errors still exit with 2)')
    .option('-q, --quiet', 'print findings only: no summary, no notes about skipped files')
    .option('-v, --verbose', 'say how the files were analyzed (count, worker threads) on stderr')
    .option('--color', 'force coloured output')
    .option('--no-color', 'disable coloured output')
    .addHelpText(
      'after',
      '\nExit status: 0 nothing found, 1 findings reported, 2 usage or internal error.\n\nExamples:\n' +
        '  concurrency-lens check src\n' +
        '  concurrency-lens check --format sarif -o results.sarif .\n' +
        '  concurrency-lens check --select CL1,CL201 --ignore CL103 app.py\n' +
        '  cat app.py | concurrency-lens check --stdin-filename app.py',
    )
    .action(async (paths: string[], options: CheckCommandOptions) => {
      const { exitZero, ...rest } = options;
      const flags: CheckFlags = { ...rest };
      const code = await runCheck(paths, flags, { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr, stdin: process.stdin });
      setExitCode(exitZero && code === EXIT_FINDINGS ? EXIT_CLEAN : code);
    });

  program
    .command('rules')
    .description('list the rules')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((options: { format: 'text' | 'json' }) => {
      process.stdout.write(formatRules(options.format, colorsFor(process.stdout)));
      setExitCode(EXIT_CLEAN);
    });

  program
    .command('bench')
    .description('run a function sequentially, on thread pools and on process pools across worker counts, and say which wins and why')
    .argument('<file>', 'the module holding the function (.py, or .js/.mjs/.cjs/.ts for Node.js)')
    .requiredOption('--function <name>', 'the function to run (a module-level name)')
    .requiredOption('--inputs <expr>', 'an expression giving the task inputs, one call per item (tuples / arrays are spread), e.g. "[2_000_000]*8"')
    .option('--json', 'print the result document as JSON')
    .option('--html <file>', 'also write a self-contained HTML report')
    .option('--max-seconds <s>', 'time budget: the run ends within it once the module is imported (plus 1.5 s to shut down)', parsePositiveNumber, 20)
    .option('--workers <list>', 'worker counts, comma-separated (default: 1, 2, 4, … up to the CPU count, and the CPU count; for waiting work up to 8 × the CPUs)', parseWorkerList)
    .option('--allow-many-workers', 'allow worker counts above the caps (256 threads, 4 × the usable CPUs for process-like modes)')
    .option('--modes <list>', 'modes to compare, comma-separated (sequential is always run); Python: threads, processes, processes-spawn, interpreters; Node: main-thread-async, worker_threads, child_process', parseModeList)
    .option('--timeout <s>', 'longest one run (one sample, a pool start-up, the import) may take before the process tree is killed', parsePositiveNumber, 60)
    .option('--python <path>', 'Python interpreter (default: python3, then python, on PATH)')
    .option('--node <path>', 'Node.js executable for JS/TS modules (default: node on PATH)')
    .option('--seed <n>', 'seed of the bootstrap and of the interleaving order', positiveInteger)
    .option('--no-progress', 'no progress bar')
    .option('--color', 'force coloured output')
    .option('--no-color', 'disable coloured output')
    .addHelpText(
      'after',
      '\nExit status: 0 the benchmark ran, 2 usage error or the function failed in some mode, 130 cancelled.\n\nExamples:\n' +
        '  concurrency-lens bench work.py --function crunch --inputs "[2_000_000]*8"\n' +
        '  concurrency-lens bench fetch.py --function get --inputs "urls" --workers 1,4,16 --modes threads\n' +
        '  concurrency-lens bench work.py --function crunch --inputs "[(n, 3) for n in range(8)]" --json > result.json',
    )
    .action(async (file: string, options: BenchCommandOptions) => {
      setExitCode(await runBenchCommand(file, options, { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }));
    });

  program
    .command('workloads')
    .description('list every task site (a callable handed to a thread, process or interpreter executor) with the workload class of what it runs and the evidence')
    .argument('[paths...]', 'files or folders (default: the current folder)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--config <file>', 'use this pyproject.toml or concurrency-lens.json (for `exclude`) instead of discovering one')
    .option('--color', 'force coloured output')
    .option('--no-color', 'disable coloured output')
    .action(async (paths: string[], options: WorkloadsFlags) => {
      await loadWorkloadsEngine();
      setExitCode(runWorkloads(paths, options, { cwd: process.cwd(), stdout: process.stdout, stderr: process.stderr }));
    });

  program
    .command('server')
    .description('run the language server for any editor (LSP over stdin/stdout; the same as concurrency-lens-server --stdio)')
    .option('--stdio', 'speak LSP over stdin and stdout (the default and only transport)')
    .addHelpText('after', '\nEditor set-ups (Neovim, Helix, Zed, Emacs): docs/editors.md.')
    .action(() => {
      // It runs until the client sends `exit` (the server ends the process then).
      startLanguageServer();
      setExitCode(EXIT_CLEAN);
    });

  program
    .command('explain')
    .description("show a rule's documentation")
    .argument('<rule>', 'a rule code (CL101) or name (cpu-bound-work-in-threads)')
    .action((rule: string) => {
      process.stdout.write(explainRule(rule));
      setExitCode(EXIT_CLEAN);
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  let exitCode = EXIT_CLEAN;
  const program = buildProgram((code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'node' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_CLEAN : EXIT_ERROR;
    if (error instanceof UsageError || error instanceof ConfigError || error instanceof PathNotFoundError) {
      // These messages name the paths given or found (a configuration file): escaped as in the report.
      process.stderr.write(`error: ${escapeControls(error.message)}\n`);
      return EXIT_ERROR;
    }
    process.stderr.write(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT_ERROR;
  }
}

if (require.main === module) {
  // A closed pipe (`check | head`) is not an error of ours.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? EXIT_CLEAN);
    throw error;
  });
  void main(process.argv).then((code) => {
    // exitCode rather than exit(): a large report still flushing to a pipe must not be cut off.
    process.exitCode = code;
  });
}
