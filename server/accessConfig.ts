import { z } from 'zod';
import { Role } from './roles.ts';

/** One API token: who uses it and with which role. */
export const ApiToken = z.object({
  user: z.string().min(1).max(64),
  role: Role,
  token: z
    .string()
    .min(16, 'a token must be at least 16 characters: generate one with `openssl rand -hex 24`')
    .max(512),
});
export type ApiToken = z.infer<typeof ApiToken>;

/**
 * Access control of the risk desk. Read-only by default: with no tokens nobody can halt or resume,
 * and requests without a token read as viewers unless `anonymous` is `none`.
 */
export const AccessConfig = z
  .object({
    tokens: z.array(ApiToken).max(1000).default([]),
    /** What a request without a token may do: read (`viewer`) or nothing but the page and health (`none`). */
    anonymous: z.enum(['viewer', 'none']).default('viewer'),
  })
  .refine((c) => new Set(c.tokens.map((t) => t.token)).size === c.tokens.length, {
    message: 'two entries share one token: every user needs a token of their own',
    path: ['tokens'],
  });
export type AccessConfig = z.infer<typeof AccessConfig>;
