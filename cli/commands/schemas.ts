import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { ConfigError } from '../../core/errors.ts';
import { messageSchemas } from '../../schemas/index.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard schemas --out DIR

Writes one JSON Schema (draft 2020-12) per message family to DIR/<name>.schema.json, generated
from the zod schemas in schemas/, for producers and consumers written in other languages.
The schemas describe the input side (what a producer may send; defaults may be omitted).

Example:
  flowguard schemas --out out/json-schema`;

export const schemasCommand: Command = {
  name: 'schemas',
  summary: 'write JSON Schema of every message family for other languages',
  help,
  async run(argv) {
    const { values } = parseArgs({ args: argv, options: { out: { type: 'string' } } });
    if (!values.out) throw new ConfigError('--out DIR is required');
    mkdirSync(values.out, { recursive: true });
    for (const [name, schema] of Object.entries(messageSchemas)) {
      const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' });
      writeFileSync(
        join(values.out, `${name}.schema.json`),
        JSON.stringify({ title: name, ...json }, null, 2) + '\n',
      );
    }
    console.log(`wrote ${Object.keys(messageSchemas).length} JSON Schemas to ${values.out}`);
    return 0;
  },
};
