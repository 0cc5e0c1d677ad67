import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../core/errors.ts';
import { verifyAuditFile } from '../../audit/verifyAudit.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard audit verify FILE [--json]

Checks a hash-chained audit trail (written by the pipeline and the demo, one JSON line per
decision): every line's hash must match its bytes and name the previous line's hash, so a changed,
removed, inserted or reordered line is found, with its line number. Prints the number of lines and
the hash of the last one (compare it with the copy on the Kafka audit topic to detect a cut tail).
Exit code 0 when the chain holds, 1 when it is broken.

Options:
  --json   one JSON object on stdout: {"ok", "lines", "head", "error": {"line", "reason"}}

Example:
  npx flowguard audit verify out/audit.jsonl`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit trail tools: verify FILE checks a hash chain',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false } },
    });
    const [sub, file] = positionals;
    if (sub !== 'verify' || file === undefined || positionals.length !== 2)
      throw new ConfigError(`expected 'audit verify FILE', got '${['audit', ...argv].join(' ')}'\n\n${help}`);
    if (!existsSync(file)) throw new ConfigError(`audit file '${file}' does not exist`);
    const v = await verifyAuditFile(file);
    if (values.json) console.log(JSON.stringify(v));
    else if (v.ok) console.log(`${file}: chain intact, ${v.lines} line(s), head ${v.head}`);
    else
      console.log(
        `${file}: chain BROKEN at line ${v.error!.line}: ${v.error!.reason} (${v.lines - 1} line(s) before it are intact)`,
      );
    return v.ok ? 0 : 1;
  },
};
