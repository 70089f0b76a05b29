import * as fs from 'node:fs';

// Finding every process a harness's user code started, so that none outlives the benchmark.
//
// Killing the harness's process group is not enough: user code may start processes that leave it
// (Python `subprocess.Popen(..., start_new_session=True)`, Node `spawn(..., {detached: true})`,
// a daemon's setsid()), and one such case left 350 processes behind. Two nets catch them, both
// from Linux's /proc (elsewhere these functions find nothing and the group kill is all there is):
//
//   - the tag: every process of a harness tree inherits an environment variable carrying the
//     harness's random run id, whatever group or session it moves to, unless it clears its
//     environment; /proc/PID/environ shows it;
//   - the ancestry: the harness's descendants by parent pid, sampled while it runs and at kill
//     time, catch a process that cleared its environment while its parent still lives.
//
// Each process is remembered with its start time, so that a pid the kernel reused for an
// unrelated process after ours died is never signalled.

/** The environment variable that tags every process of one harness tree. */
export const RUN_TAG_ENV = 'CONCURRENCY_LENS_BENCH_RUN';

/** A process: its pid and its start time (clock ticks since boot), which a reused pid does not share. */
export interface ProcessRef {
  pid: number;
  start: number;
}

const PROC = '/proc';
const hasProc = process.platform === 'linux' && fs.existsSync(`${PROC}/self/stat`);

interface Stat {
  ppid: number;
  start: number;
  zombie: boolean;
}

/** /proc/PID/stat: fields after the command name (which may contain spaces and parentheses). */
function readStat(pid: number): Stat | null {
  let text: string;
  try {
    text = fs.readFileSync(`${PROC}/${pid}/stat`, 'latin1');
  } catch {
    return null;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 of proc(5) (state), so field N is fields[N - 3].
  const ppid = Number(fields[1]);
  const start = Number(fields[19]);
  if (!Number.isFinite(ppid) || !Number.isFinite(start)) return null;
  return { ppid, start, zombie: fields[0] === 'Z' || fields[0] === 'X' };
}

function pids(): number[] {
  if (!hasProc) return [];
  let names: string[];
  try {
    names = fs.readdirSync(PROC);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code >= 48 && code <= 57) out.push(Number(name));
  }
  return out;
}

/** Every live descendant of `root` (children, their children, …), not `root` itself. */
export function descendantsOf(root: number): ProcessRef[] {
  const children = new Map<number, ProcessRef[]>();
  for (const pid of pids()) {
    const stat = readStat(pid);
    if (!stat || stat.zombie) continue;
    const list = children.get(stat.ppid);
    if (list) list.push({ pid, start: stat.start });
    else children.set(stat.ppid, [{ pid, start: stat.start }]);
  }
  const found: ProcessRef[] = [];
  const queue = [root];
  const seen = new Set(queue);
  while (queue.length > 0) {
    for (const child of children.get(queue.shift() as number) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** Every live process whose environment carries `RUN_TAG_ENV=tag` (only this user's are readable). */
export function taggedWith(tag: string): ProcessRef[] {
  const needle = Buffer.from(`${RUN_TAG_ENV}=${tag}\0`);
  const found: ProcessRef[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    let environ: Buffer;
    try {
      environ = fs.readFileSync(`${PROC}/${pid}/environ`);
    } catch {
      continue; // gone, or another user's
    }
    // A zombie's environ reads empty: it is dead already.
    if (!environ.includes(needle)) continue;
    const stat = readStat(pid);
    if (stat && !stat.zombie) found.push({ pid, start: stat.start });
  }
  return found;
}

/** SIGKILLs `ref` if that pid is still the same process; true when a signal was sent. */
export function killProcess(ref: ProcessRef): boolean {
  const stat = readStat(ref.pid);
  if (!stat || stat.zombie || stat.start !== ref.start) return false;
  try {
    process.kill(ref.pid, 'SIGKILL');
    return true;
  } catch {
    return false; // ESRCH: it just died
  }
}
