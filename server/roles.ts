import { z } from 'zod';

/** What a token may do: viewers read, operators also halt and resume, admins also act globally. */
export const Role = z.enum(['viewer', 'operator', 'admin']);
export type Role = z.infer<typeof Role>;

/** What a route requires: `public` needs nothing (the page, health checks). */
export type Access = 'public' | Role;

const RANK: Record<Access, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };

/** Who made a request: a token's user and role, or nobody (`role` is then what anonymous may do). */
export interface Principal {
  readonly user: string;
  readonly role: Role | undefined;
  readonly authenticated: boolean;
}

/** Whether a principal may use a route that requires `access`. */
export function allows(principal: Principal, access: Access): boolean {
  return RANK[principal.role ?? 'public'] >= RANK[access];
}
