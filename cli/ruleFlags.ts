import { ConfigError } from '../core/errors.ts';
import type { Config } from '../schemas/config.ts';

/** The `parseArgs` options of the commands that choose the detector set on the command line. */
export const RULE_FLAGS = {
  rules: { type: 'boolean', default: false },
  'no-rules': { type: 'boolean', default: false },
} as const;

/** Help lines of `--rules` and `--no-rules`, their text starting at `column` like the command's other options. */
export function ruleFlagsHelp(column: number): string {
  const flag = (f: string) => `  ${f}`.padEnd(column);
  const more = ' '.repeat(column);
  return [
    `${flag('--rules')}run the explicit rules (price shock, spoofing, layering, wash trading,`,
    `${more}venue premium, dislocation, ...) whatever detectors.rules of the configuration says`,
    `${flag('--no-rules')}the pump rule without the explicit rules, whatever the configuration says`,
  ].join('\n');
}

/** The configuration with `--rules` / `--no-rules` over its `detectors.rules`. */
export function withRuleFlags(config: Config, v: { rules?: boolean; 'no-rules'?: boolean }): Config {
  if (v.rules && v['no-rules']) throw new ConfigError('give --rules or --no-rules, not both');
  if (!v.rules && !v['no-rules']) return config;
  return { ...config, detectors: { ...config.detectors, rules: v.rules === true } };
}
