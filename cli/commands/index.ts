import type { Command } from '../command.ts';
import { nabCommand } from './nab.ts';

/** Every sub-command, in the order `flowguard --help` lists them. Add one line per command file. */
export const commands: readonly Command[] = [nabCommand];
