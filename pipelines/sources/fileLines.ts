import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { createInterface } from 'node:readline';
import { createGunzip } from 'node:zlib';
import { Observable } from 'rxjs';
import type { RawMessage } from '../envelope.ts';

/**
 * Lines of a file as raw messages, gunzipped when the file starts with the gzip magic bytes.
 * `seq` is the 1-based line number; `origin.file` the base name, so ids do not depend on the path.
 */
export function fileLines(path: string): Observable<RawMessage> {
  return new Observable<RawMessage>((subscriber) => {
    let closed = false;
    const input = createReadStream(path);
    (async () => {
      const head = await new Promise<Buffer>((resolve, reject) => {
        const probe = createReadStream(path, { start: 0, end: 1 });
        const chunks: Buffer[] = [];
        probe.on('data', (c) => chunks.push(c as Buffer));
        probe.on('end', () => resolve(Buffer.concat(chunks)));
        probe.on('error', reject);
      });
      const gz = head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
      const lines = createInterface({ input: gz ? input.pipe(createGunzip()) : input, crlfDelay: Infinity });
      const file = basename(path);
      let seq = 0;
      for await (const line of lines) {
        if (closed) break;
        seq++;
        subscriber.next({ seq, bytes: line, origin: { file, line: seq }, arrivalMs: performance.now() });
      }
      if (!closed) subscriber.complete();
    })().catch((err: unknown) => subscriber.error(err));
    return () => {
      closed = true;
      input.destroy();
    };
  });
}
