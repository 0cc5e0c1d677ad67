/** One sub-command of the `flowguard` CLI: a name, its help text and an async entry point. */
export interface Command {
  readonly name: string;
  /** One line for `flowguard --help`. */
  readonly summary: string;
  /** Full help: usage line, options and at least one example. */
  readonly help: string;
  /** Runs the command; the resolved number is the process exit code. */
  run(argv: string[]): Promise<number>;
}
