import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createGunzip } from 'node:zlib';

/** Splits as node:readline does: `\r\n`, `\n` or a lone `\r` ends a line. */
const EOL = /\r\n|\n|\r/;

/** True when the file starts with the gzip magic bytes. */
async function isGzip(path: string): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const { bytesRead, buffer } = await fh.read(Buffer.alloc(2), 0, 2, 0);
    return bytesRead === 2 && buffer[0] === 0x1f && buffer[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The lines of a file, gunzipped when it starts with the gzip magic bytes, pulled one decoded
 * chunk (some kilobytes) at a time: a consumer that reads several files in step (the replay's
 * merge) holds one chunk per file and awaits only when a chunk is used up. Lines are the ones
 * node:readline gives (`fileLines`): no empty line after a final line break.
 */
export async function* lineBatches(path: string): AsyncGenerator<string[], void, undefined> {
  const gz = await isGzip(path);
  const input = createReadStream(path);
  const stream = gz ? input.pipe(createGunzip()) : input;
  // pipe() does not forward errors: a read error must end the gunzip stream (and this generator).
  if (gz) input.on('error', (err) => stream.destroy(err));
  stream.setEncoding('utf8');
  let rest = '';
  try {
    for await (const chunk of stream as AsyncIterable<string>) {
      const text = rest + chunk;
      // A trailing \r may be the first half of \r\n: keep it for the next chunk.
      const cut = text.endsWith('\r') ? text.length - 1 : text.length;
      const lines = text.slice(0, cut).split(EOL);
      rest = lines.pop()! + text.slice(cut);
      if (lines.length > 0) yield lines;
    }
    if (rest !== '') {
      const lines = rest.split(EOL);
      if (lines.at(-1) === '') lines.pop();
      yield lines;
    }
  } finally {
    input.destroy();
    stream.destroy();
  }
}
