import type { Command } from '../command.ts';
import { auditCommand } from './audit.ts';
import { pumpsCommand } from './pumps.ts';
import { queryCommand } from './query.ts';
import { engineCommand } from './engine.ts';
import { runCommand } from './run.ts';
import { benchCommand } from './bench.ts';
import { demoCommand } from './demo.ts';
import { nabCommand } from './nab.ts';
import { replayCommand } from './replay.ts';
import { schemasCommand } from './schemas.ts';
import { servicesCommand } from './services.ts';
import { trainCommand } from './train.ts';
import { featuresCommand } from './features.ts';
import { evaluateCommand } from './evaluate.ts';
import { simulateCommand } from './simulate.ts';

/** Every sub-command, in the order `flowguard --help` lists them. Add one line per command file. */
// prettier-ignore
export const commands: readonly Command[] = [
  demoCommand,
  replayCommand,
  schemasCommand,
  nabCommand,
  servicesCommand,
  benchCommand,
  runCommand,
  engineCommand,
  queryCommand,
  featuresCommand,
  pumpsCommand,
  trainCommand,
  auditCommand,
  evaluateCommand,
  simulateCommand,
  (await import('./iforest.ts')).iforestCommand,
];
