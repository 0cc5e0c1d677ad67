#!/usr/bin/env node
// The package's command. The sources are TypeScript; tsx compiles them on load (and caches the
// result), so a fresh clone needs only `npm ci` and no separate build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../cli/main.ts');
const code = await main(process.argv.slice(2));
if (typeof code === 'number') process.exitCode = code;
