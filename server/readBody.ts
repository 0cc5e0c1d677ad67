import type { IncomingMessage } from 'node:http';
import type { z } from 'zod';
import { HttpError } from './httpError.ts';

/** Request bodies larger than this are refused before they are parsed. */
export const DEFAULT_BODY_LIMIT = 16 * 1024;

/**
 * Reads a JSON body of at most `limit` bytes. Stops reading as soon as the limit is passed, so a
 * large upload costs no more than the limit.
 */
export async function readJson(req: IncomingMessage, limit = DEFAULT_BODY_LIMIT): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json')
    throw new HttpError(
      415,
      'unsupported_media_type',
      'send the body as JSON with Content-Type: application/json',
    );
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '')
    throw new HttpError(400, 'invalid_body', 'the request body is empty: send a JSON object');
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, 'invalid_body', 'the request body is not valid JSON');
  }
}

function tooLarge(limit: number): HttpError {
  return new HttpError(413, 'body_too_large', `the request body is larger than ${limit} bytes`);
}

/** Validates a value with a zod schema; a failure is a 400 that lists each issue by path. */
export function validate<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({
    path: i.path.map(String).join('.') || '(root)',
    message: i.message,
  }));
  throw new HttpError(
    400,
    what === 'body' ? 'invalid_body' : 'invalid_query',
    `invalid ${what}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
    { issues },
  );
}
