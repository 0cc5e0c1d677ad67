import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Sink } from './sink.ts';

/**
 * One JSON object per line, appended to a file. Lines are buffered up to `bufferBytes` and written
 * synchronously, so the file's content follows the stream's order exactly and replays are
 * byte-identical; `flush` and `close` leave nothing behind in memory.
 */
export function jsonlFile<T>(
  path: string,
  options: { bufferBytes?: number; project?: (v: T) => unknown } = {},
): Sink<T> {
  const { bufferBytes = 64 * 1024, project = (v: T) => v } = options;
  mkdirSync(dirname(path), { recursive: true });
  let fd: number | null = openSync(path, 'w');
  let buffer: string[] = [];
  let size = 0;
  const drain = () => {
    if (fd === null || buffer.length === 0) return;
    writeSync(fd, buffer.join(''));
    buffer = [];
    size = 0;
  };
  return {
    name: `jsonl:${path}`,
    write(batch) {
      if (fd === null) throw new Error(`jsonl sink ${path} is closed`);
      for (const v of batch) {
        const line = JSON.stringify(project(v)) + '\n';
        buffer.push(line);
        size += line.length;
      }
      if (size >= bufferBytes) drain();
    },
    async flush() {
      drain();
    },
    async close() {
      drain();
      if (fd !== null) closeSync(fd);
      fd = null;
    },
  };
}
