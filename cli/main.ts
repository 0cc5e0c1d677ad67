import { commands } from './commands/index.ts';
import { FlowguardError } from '../core/errors.ts';

function usage(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'Usage: flowguard <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'flowguard <command> --help for details.',
  ].join('\n');
}

/** Entry point of the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name === undefined ? 2 : 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    console.error(`flowguard: unknown command '${name}'.\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(command.help);
    return 0;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    if (err instanceof FlowguardError) {
      console.error(`flowguard ${name}: ${err.message}`);
      return err.exitCode;
    }
    // node:util parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS code.
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
      console.error(`flowguard ${name}: ${(err as Error).message}\n(see flowguard ${name} --help)`);
      return 2;
    }
    throw err;
  }
}
