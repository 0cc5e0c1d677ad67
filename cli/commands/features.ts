import { parseArgs } from 'node:util';
import { ConfigError } from '../../core/errors.ts';
import { catalogue } from '../../features/catalogue.ts';
import { catalogueMarkdown, catalogueTable } from '../../features/catalogueMarkdown.ts';
import { allFeatures } from '../../features/index.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard features [--json | --markdown] [--family F]

The feature catalogue, generated from the feature definitions: for each feature its formula,
window, unit, key, inputs, default parameters and the manipulation or risk it reveals.

Options:
  --json       one JSON object on stdout: {count, families, features: [...]}
  --markdown   the catalogue as Markdown (the source of docs/features.md)
  --family F   only one family: order-flow, cross-asset or on-chain

Examples:
  flowguard features
  flowguard features --json
  flowguard features --markdown > docs/features.md`;

const FAMILIES = ['order-flow', 'cross-asset', 'on-chain'];

export const featuresCommand: Command = {
  name: 'features',
  summary: 'print the feature catalogue (table, --json or --markdown)',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: { json: { type: 'boolean' }, markdown: { type: 'boolean' }, family: { type: 'string' } },
    });
    if (values.json && values.markdown)
      throw new ConfigError('--json and --markdown exclude each other: pick one');
    if (values.family !== undefined && !FAMILIES.includes(values.family))
      throw new ConfigError(`--family must be one of ${FAMILIES.join(', ')}, got '${values.family}'`);
    const c = catalogue(values.family ? allFeatures.filter((f) => f.family === values.family) : allFeatures);
    if (values.json) process.stdout.write(JSON.stringify(c) + '\n');
    else if (values.markdown) process.stdout.write(catalogueMarkdown(c));
    else console.log(catalogueTable(c));
    return 0;
  },
};
