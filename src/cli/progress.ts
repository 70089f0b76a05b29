import { SingleBar } from 'cli-progress';

// A progress bar on stderr for large trees in a terminal; nothing otherwise (CI logs and pipes
// would fill with redraws).

/** Trees smaller than this finish before a bar would be worth drawing. */
export const PROGRESS_THRESHOLD = 200;

export interface Progress {
  update(done: number): void;
  stop(): void;
}

const NO_PROGRESS: Progress = { update() {}, stop() {} };

export function startProgress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY || total < PROGRESS_THRESHOLD || process.env.CI) return NO_PROGRESS;
  const bar = new SingleBar({
    stream,
    format: 'Checking [{bar}] {value}/{total} files | {duration_formatted}',
    barsize: 30,
    hideCursor: true,
    clearOnComplete: true,
    fps: 10,
  });
  bar.start(total, 0);
  return {
    update: (done) => bar.update(done),
    stop: () => bar.stop(),
  };
}
