import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { DEFAULT_MAX_FILE_SIZE, type SourceProvider } from '../analysis';

// The one way the CLI and the server read a file of the workspace (sources, configuration,
// .gitignore). A tree can hold anything under a source file's name: a FIFO (opening it for
// reading blocks until a writer comes), a device or a symlink to one (`/dev/zero` reports size 0
// and never ends), a folder, or a file that grows while it is read. So the file is opened without
// blocking, the opened descriptor (not the name, which can be swapped) must be a regular file,
// its size is checked before reading, and the read stops one byte past the limit whatever the
// size said.

export type BoundedRead = { bytes: Buffer } | { skipped: string };

export type SourceRead = { text: string; bom: boolean; lossless: boolean } | { skipped: string };

// O_NONBLOCK makes open() of a FIFO return at once instead of waiting for a writer; regular
// files ignore it. Windows has neither flag (and no FIFOs in the tree), so 0 there.
const OPEN_FLAGS = fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0);
const CHUNK = 64 * 1024;
const BINARY_SNIFF_BYTES = 8192;

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
  return bytes >= 1024 ? `${Math.round(bytes / 1024)} KB` : `${bytes} bytes`;
}

/** `size` null: the file said it fit but held more (it grew, or reports no size), so only the limit is known. */
export function tooLargeReason(size: number | null, limit: number): string {
  return size === null
    ? `file is too large to analyze (limit ${formatBytes(limit)})`
    : `file is too large to analyze (${formatBytes(size)}, limit ${formatBytes(limit)})`;
}

/** Why a path that exists is not read as a file: `not a regular file (a FIFO)`. */
export function notRegularReason(stat: fs.Stats): string {
  return `not a regular file (${kindOf(stat)})`;
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'a folder';
  if (stat.isFIFO()) return 'a FIFO';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  if (stat.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Reads at most `limit` bytes of a regular file; anything else, or anything larger, is a skip reason. */
export function readBounded(file: string, limit: number): BoundedRead {
  let fd: number;
  try {
    fd = fs.openSync(file, OPEN_FLAGS);
  } catch (error) {
    return { skipped: cannotRead(error) };
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { skipped: notRegularReason(stat) };
    if (stat.size > limit) return { skipped: tooLargeReason(stat.size, limit) };
    // The size is a hint (it may be stale, or 0 for special files that pass as regular): read
    // until the end, but never more than limit + 1 bytes, which is enough to tell "too large".
    let buffer = Buffer.allocUnsafe(Math.min(limit + 1, Math.max(stat.size + 1, CHUNK)));
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (buffer.length > limit) break;
        const grown = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = fs.readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    if (length > limit) return { skipped: tooLargeReason(null, limit) };
    return { bytes: buffer.subarray(0, length) };
  } catch (error) {
    return { skipped: cannotRead(error) };
  } finally {
    fs.closeSync(fd);
  }
}

/** `head`: what was read before the limit was passed; the rest of the stream is left unread. */
export type StreamRead = { bytes: Buffer } | { skipped: string; head: Buffer[] };

/**
 * Reads a stream (standard input) with the same bound as a file: an endless or huge input
 * (`< /dev/zero`, a 200 MB pipe) is not held whole before being skipped. Past the limit it stops
 * reading and pauses the stream, so the caller either destroys it or passes the rest through
 * (`--fix` echoes a skipped input unchanged) without holding it.
 */
export function readStreamBounded(stream: Readable, limit: number): Promise<StreamRead> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const settle = (): void => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer | string): void => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      length += bytes.length;
      if (length <= limit) return;
      stream.pause();
      settle();
      resolve({ skipped: tooLargeReason(null, limit), head: chunks });
    };
    const onEnd = (): void => {
      settle();
      resolve({ bytes: Buffer.concat(chunks, length) });
    };
    const onError = (error: Error): void => {
      settle();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}

function cannotRead(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'EISDIR') return 'not a regular file (a folder)';
  return `cannot read file (${code ?? (error as Error).message})`;
}

/**
 * Reads a source file without crashing or hanging on anything a tree may hold (see above);
 * binary files (a NUL byte early on) are skipped, and text that is not valid UTF-8 is decoded
 * with replacement characters but marked `lossless: false` so `--fix` leaves it alone.
 */
export function readSource(file: string, maxFileSize = DEFAULT_MAX_FILE_SIZE): SourceRead {
  const read = readBounded(file, maxFileSize);
  if ('skipped' in read) return read;
  const bytes = read.bytes;
  if (bytes.subarray(0, BINARY_SNIFF_BYTES).includes(0)) return { skipped: 'binary file' };
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  const text = body.toString('utf8');
  return { text, bom, lossless: Buffer.from(text, 'utf8').equals(body) };
}

/** Other files of the tree, read from disk, for cross-file resolution of imported task functions. */
export const diskSources: SourceProvider = {
  readFile(file) {
    const read = readSource(file);
    return 'text' in read ? read.text : undefined;
  },
};
