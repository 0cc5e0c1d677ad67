import { parseArgs } from 'node:util';
import { existsSync } from 'node:fs';
import { ConfigError } from '../../core/errors.ts';
import { loadConfig } from '../../core/loadConfig.ts';
import { verifyAuditFile } from '../../audit/verifyAudit.ts';
import { verifyAuditTopic } from '../../audit/verifyAuditTopic.ts';
import { kafkaClient } from '../../sinks/kafka/kafkaClient.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard audit verify FILE [--json]
       flowguard audit verify-topic --config FILE [--json]

verify FILE checks a hash-chained audit trail (written by the demo, one JSON line per decision):
every line's hash must match its bytes and name the previous line's hash, so a changed, removed,
inserted or reordered line is found, with its line number. Prints the number of lines and the hash
of the last one.

verify-topic checks every chain on the Kafka audit topic (kafka.topics.audit) the same way. Each
flowguard run instance writes its own chain, keyed by <groupId>/<instance>/<start time>; after a
failed send an instance continues in a new segment (<chain>#2, ...) whose first line names the
previous one (docs/architecture.md, audit trail). Each chain must verify from its first line.

Exit code 0 when every chain holds, 1 when one is broken.

Options:
  --json   one JSON object on stdout: verify {"ok", "lines", "head", "error": {"line", "reason"}};
           verify-topic {"ok", "chains": [{"chain", "partition", "ok", "lines", "head", "error"}]}

Examples:
  npx flowguard audit verify out/audit.jsonl
  npx flowguard audit verify-topic --config deploy/flowguard.json`;

export const auditCommand: Command = {
  name: 'audit',
  summary: 'audit trail tools: verify FILE / verify-topic check hash chains',
  help,
  async run(argv) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, config: { type: 'string' } },
    });
    const [sub, file] = positionals;
    if (sub === 'verify-topic' && positionals.length === 1) {
      const config = loadConfig(values.config);
      const chains = await verifyAuditTopic(kafkaClient(config.kafka, '-audit'), config.kafka.topics.audit);
      const ok = chains.every((c) => c.ok);
      if (values.json) console.log(JSON.stringify({ ok, chains }));
      else {
        for (const c of chains)
          console.log(
            c.ok
              ? `${c.chain}: chain intact, ${c.lines} line(s), head ${c.head}`
              : `${c.chain}: chain BROKEN at line ${c.error!.line}: ${c.error!.reason}`,
          );
        console.log(
          `${config.kafka.topics.audit}: ${chains.length} chain(s), ${ok ? 'all intact' : 'BROKEN'}`,
        );
      }
      return ok ? 0 : 1;
    }
    if (sub !== 'verify' || file === undefined || positionals.length !== 2)
      throw new ConfigError(
        `expected 'audit verify FILE' or 'audit verify-topic --config FILE', got '${['audit', ...argv].join(' ')}'\n\n${help}`,
      );
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
