import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withRuleFlags } from '../../../cli/ruleFlags.ts';
import { ConfigError } from '../../../core/errors.ts';
import { loadConfig } from '../../../core/loadConfig.ts';
import { Config } from '../../../schemas/config.ts';

const file = (json: unknown) => {
  const p = join(mkdtempSync(join(tmpdir(), 'fg-detectors-')), 'config.json');
  writeFileSync(p, JSON.stringify(json));
  return p;
};

describe('config - detectors', () => {
  it('defaults to the pump rule alone: no rules, no ensemble', () => {
    expect(Config.parse({}).detectors).toEqual({ rules: false, ensemble: false });
    expect(Config.parse({ detectors: { rules: true } }).detectors).toEqual({ rules: true, ensemble: false });
  });

  it('a wrong type or an unknown field is named, with what to write instead', () => {
    expect(() => loadConfig(file({ detectors: { rules: 'yes' } }), {})).toThrow(
      /detectors\.rules: detectors\.rules must be true or false/,
    );
    expect(() => loadConfig(file({ detectors: { rulez: true } }), {})).toThrow(
      /detectors: unknown field\(s\) 'rulez': detectors has only 'rules' and 'ensemble'/,
    );
    expect(() => loadConfig(file({ detectors: true }), {})).toThrow(ConfigError);
    expect(loadConfig(file({ detectors: { ensemble: true } }), {}).detectors).toEqual({
      rules: false,
      ensemble: true,
    });
  });

  it('--rules and --no-rules override the file; both at once is refused', () => {
    const on = Config.parse({ detectors: { rules: true, ensemble: true } });
    expect(withRuleFlags(on, { 'no-rules': true }).detectors).toEqual({ rules: false, ensemble: true });
    expect(withRuleFlags(Config.parse({}), { rules: true }).detectors.rules).toBe(true);
    expect(withRuleFlags(on, {})).toBe(on);
    expect(() => withRuleFlags(on, { rules: true, 'no-rules': true })).toThrow(ConfigError);
  });
});
