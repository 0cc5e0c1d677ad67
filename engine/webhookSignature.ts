import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook message (request or response). */
export const TIMESTAMP_HEADER = 'x-flowguard-timestamp';
export const SIGNATURE_HEADER = 'x-flowguard-signature';

/**
 * HMAC-SHA256 over `timestamp + "." + body` with the shared secret, as `v1=<hex>`. Signing the
 * timestamp with the body lets the receiver refuse a captured message replayed later.
 */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** The headers that sign `body` at `now`. */
export function signedHeaders(secret: string, body: string, now: number): Record<string, string> {
  return { [TIMESTAMP_HEADER]: String(now), [SIGNATURE_HEADER]: sign(secret, now, body) };
}

/**
 * Why a signed message is not acceptable, or undefined when it is: the signature must match (in
 * constant time) and the timestamp be within `maxSkewMs` of `now`.
 */
export function verifySignature(
  secret: string,
  body: string,
  timestampHeader: string | undefined,
  signatureHeader: string | undefined,
  now: number,
  maxSkewMs: number,
): string | undefined {
  if (!timestampHeader || !signatureHeader)
    return `missing ${TIMESTAMP_HEADER} or ${SIGNATURE_HEADER} header`;
  const ts = Number(timestampHeader);
  if (!Number.isSafeInteger(ts)) return `${TIMESTAMP_HEADER} is not epoch milliseconds`;
  if (Math.abs(now - ts) > maxSkewMs)
    return `timestamp ${ts} is ${Math.round(Math.abs(now - ts))} ms from now (limit ${maxSkewMs} ms): check the clocks`;
  const expected = Buffer.from(sign(secret, ts, body));
  const given = Buffer.from(signatureHeader);
  if (expected.length !== given.length || !timingSafeEqual(expected, given))
    return 'signature does not match';
  return undefined;
}
