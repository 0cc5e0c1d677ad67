import { readFileSync } from 'node:fs';
import { ConfigError } from '../core/errors.ts';
import { AccessConfig } from './accessConfig.ts';

/**
 * The desk's tokens and roles from a JSON file (`--tokens FILE`):
 * `{"tokens": [{"user", "role", "token"}], "anonymous": "viewer" | "none"}`. Tokens are secrets:
 * they live in a file of their own (a mounted secret), never in the configuration file.
 */
export function readAccessFile(file: string, flag = '--tokens'): AccessConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`${flag} ${file}: cannot read it as JSON (${(err as Error).message})`);
  }
  const r = AccessConfig.safeParse(raw);
  if (!r.success)
    throw new ConfigError(
      `${flag} ${file}: ${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
    );
  return r.data;
}
