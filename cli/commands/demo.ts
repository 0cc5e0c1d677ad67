import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { parseDuration } from '../../core/duration.ts';
import { ConfigError, ServiceError } from '../../core/errors.ts';
import { embeddedRuntime } from '../../pipelines/embedded.ts';
import { Config } from '../../schemas/config.ts';
import { AccessConfig } from '../../server/accessConfig.ts';
import { readAccessFile } from '../../server/accessFile.ts';
import { auditLog } from '../../audit/index.ts';
import { observeStageLatency } from '../../core/metrics.ts';
import { COMMAND_PATH } from '../../core/stageLatency.ts';
import { formatAuditEntry, MemoryAuditLog } from '../../server/audit.ts';
import { chainedAudit } from '../../server/chainedAudit.ts';
import { embeddedDesk } from '../../server/embeddedDesk.ts';
import { startRiskDesk, type RiskDesk } from '../../server/index.ts';
import { consoleSink, formatAlert, formatCommand } from '../../sinks/consoleSink.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { pacedSource } from '../../simulator/pacedSource.ts';
import type { Command } from '../command.ts';

const DEFAULT_PORT = 8080;

const help = `Usage: flowguard demo [--duration 30s] [--speed 5] [--seed 1] [--port 8080] [--tokens FILE]
                     [--audit FILE]   (npm start -- ...)

The embedded demo: a seeded market simulator (3 symbols on 2 venues, with a pump injected on
SOLUSDT at venue-a) runs through the whole pipeline into the in-process reference engine.
Prints alerts and circuit-breaker commands with their evidence (throttle, reduce-only, halt as
the score rises), each engine acknowledgement with the halt latency, stale-feed alerts, the engine's
dead-man switch (heartbeats every second; safe mode if they stop), and a summary with the latency of
every stage from event arrival to engine ack. Every decision is sealed into a hash-chained audit
file. No services needed.

The risk-desk page and its API are served on http://127.0.0.1:PORT/ (docs/risk-desk.md). Without
--tokens, three tokens (viewer, operator, admin) are made up at start and printed: paste the
operator's into the page to resume a halt.

Options:
  --duration D   stop after D of wall time (default: run until Ctrl-C)
  --speed N      event time runs N times faster than the wall clock (default 5)
  --seed N       simulator seed (default 1)
  --port N       port of the risk desk (default ${DEFAULT_PORT}, or none if that one is busy; 0: any free port)
  --host H       address to listen on (default 127.0.0.1)
  --tokens FILE  API tokens as JSON: {"tokens": [{"user": "ann", "role": "operator", "token": "..."}],
                 "anonymous": "viewer" | "none"}
  --audit FILE   the hash-chained audit trail: every alert, command, engine ack, safe-mode change
                 and desk request (default out/audit.jsonl, continued across runs; 'none' for no
                 file). flowguard audit verify FILE checks it
  --heartbeats-for D  stop the pipeline's heartbeats after D of wall time, as a hung pipeline
                 would: the engine's dead-man switch puts all trading in safe mode

Examples:
  npm start -- --duration 30s
  npm start -- --port 8080 --tokens ./config/tokens.json
  npx flowguard demo --speed 10 --port 0`;

/** Access control of the demo: the --tokens file, or three fresh tokens to print. */
function demoAccess(file: string | undefined): { access: AccessConfig; made: boolean } {
  if (file === undefined) {
    const token = () => randomBytes(18).toString('hex');
    return {
      made: true,
      access: AccessConfig.parse({
        tokens: [
          { user: 'desk-viewer', role: 'viewer', token: token() },
          { user: 'desk-operator', role: 'operator', token: token() },
          { user: 'desk-admin', role: 'admin', token: token() },
        ],
      }),
    };
  }
  return { access: readAccessFile(file), made: false };
}

export const demoCommand: Command = {
  name: 'demo',
  summary: 'embedded demo: simulator -> pipeline -> reference engine (npm start)',
  help,
  async run(argv) {
    const { values } = parseArgs({
      args: argv,
      options: {
        duration: { type: 'string' },
        speed: { type: 'string', default: '5' },
        seed: { type: 'string', default: '1' },
        port: { type: 'string' },
        host: { type: 'string', default: '127.0.0.1' },
        tokens: { type: 'string' },
        audit: { type: 'string' },
        'heartbeats-for': { type: 'string' },
      },
    });
    const durationMs = values.duration ? parseDuration(values.duration, '--duration') : Infinity;
    const speed = Number(values.speed);
    const seed = Number(values.seed);
    if (!(speed > 0)) throw new ConfigError(`--speed must be a positive number, got '${values.speed}'`);
    if (!Number.isInteger(seed)) throw new ConfigError(`--seed must be an integer, got '${values.seed}'`);
    const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
    if (!Number.isInteger(port) || port < 0 || port > 65_535)
      throw new ConfigError(`--port must be a port number 0..65535, got '${values.port}'`);
    const { access, made } = demoAccess(values.tokens);

    const config = Config.parse({});
    const pump = {
      kind: 'pump',
      venue: 'venue-a',
      symbol: 'SOLUSDT',
      startMs: 60_000,
      durationMs: 20_000,
      rise: 0.03,
      intensity: 12,
    } as const;
    const events = simulateMarket({ seed, startTime: Date.now(), manipulations: [pump] });
    const auditPath = values.audit ?? 'out/audit.jsonl';
    const chain = auditPath !== 'none' ? auditLog({ path: auditPath }) : undefined;
    const rt = embeddedRuntime(
      pacedSource(events, {
        speed,
        durationMs,
        // The desk's traders keep sending orders; the engine's gateway decides under the restrictions in force.
        onEvent: (e) => {
          if (e.type === 'order' && e.action === 'new')
            rt.engine.submitOrder({ venue: e.venue, symbol: e.symbol, account: e.account });
          desk.observeEvent(e);
        },
      }),
      config,
      {
        alerts: [consoleSink(formatAlert)],
        audit: chain,
        onStageSample: observeStageLatency,
        ...(values['heartbeats-for'] !== undefined
          ? { heartbeatsForMs: parseDuration(values['heartbeats-for'], '--heartbeats-for') }
          : {}),
      },
    );
    let running = true;
    const printed = new MemoryAuditLog(10_000, (e) => console.log(formatAuditEntry(e)));
    const desk = embeddedDesk(rt, {
      config,
      access,
      audit: chain ? chainedAudit(chain, printed) : printed,
      running: () => running,
    });
    rt.acks.subscribe(({ value: r }) => {
      const a = r.ack;
      console.log(formatCommand(r.delivery.command));
      console.log(
        `             engine ack: ${a.status}${a.reason ? ` (${a.reason})` : ''} for ${a.commandId}; ` +
          `${r.delivery.command.action.toLowerCase()} latency ${r.latencyMs.toFixed(2)} ms from event arrival to ack`,
      );
    });
    rt.safeMode.subscribe(({ value: e }) =>
      console.log(
        e.entered
          ? `ENGINE SAFE MODE: ${e.mode.action} on all trading: ${e.mode.reason}`
          : `engine left safe mode on an explicit global resume`,
      ),
    );
    const link = config.policy.engine;
    console.log(
      `engine dead-man switch: heartbeats every ${link.heartbeatIntervalMs / 1000} s; ${link.safeMode} everywhere after ${link.deadManMs / 1000} s without one. ` +
        `Stale feeds: scan every ${config.policy.staleScanMs / 1000} s, flag after ${config.policy.staleAfterMs / 1000} s of silence.`,
    );
    if (chain)
      console.log(`audit trail: ${auditPath} (check it with: npx flowguard audit verify ${auditPath})`);
    console.log(
      `flowguard demo: seed ${seed}, speed ${speed}x, ${Number.isFinite(durationMs) ? `${durationMs / 1000} s` : 'until Ctrl-C'}; ` +
        `a pump on SOLUSDT at venue-a starts ${pump.startMs / 1000} s into event time.\n`,
    );
    let server: RiskDesk | undefined;
    try {
      server = await startRiskDesk(desk.deps, { port, host: values.host });
    } catch (err) {
      // The default port being taken must not stop the demo; a port asked for must.
      if (!(err instanceof ServiceError) || values.port !== undefined) throw err;
      console.log(`risk desk: not served, ${err.message}\n`);
    }
    if (server) {
      console.log(`risk desk: ${server.url}`);
      if (made) {
        console.log('  tokens for this run (paste one into the page; operators can halt and resume):');
        for (const t of access.tokens) console.log(`    ${t.role.padEnd(8)} ${t.user.padEnd(13)} ${t.token}`);
      } else console.log(`  ${access.tokens.length} token(s) from ${values.tokens}`);
      console.log('');
    }
    const stop = () => process.kill(process.pid, 'SIGTERM');
    process.once('SIGINT', stop);
    try {
      await rt.run();
    } finally {
      running = false;
      process.off('SIGINT', stop);
      desk.stop();
      await server?.close();
      await chain?.close();
    }

    const byAction: Record<string, number> = {};
    for (const c of rt.commands.values()) byAction[c.action] = (byAction[c.action] ?? 0) + 1;
    const h = rt.haltLatency.summary();
    const active = rt.engine.activeRestrictions().map((r) => `${r.action} ${r.scope.key}`);
    console.log('\n=== summary ===');
    console.log(
      `events: ${rt.stats.events} (dead letters: ${rt.stats.deadLetters})   alerts: ${rt.alerts.size}   commands: ${JSON.stringify(byAction)}`,
    );
    console.log(
      `engine: ${rt.engine.applied} applied, ${rt.engine.duplicates} duplicates, ${rt.engine.rejected} rejected; orders ${rt.engine.ordersAccepted} accepted, ${rt.engine.ordersRejected} refused`,
    );
    console.log(
      h.count > 0
        ? `halt latency (event arrival -> engine ack): p50 ${h.p50Ms.toFixed(2)} ms, p99 ${h.p99Ms.toFixed(2)} ms, max ${h.maxMs.toFixed(2)} ms over ${h.count} halt(s)`
        : 'no halt was issued',
    );
    console.log(`restrictions in force at the end: ${active.length ? active.join(', ') : 'none'}`);
    const st = rt.stages.summary();
    const fmt = (v: number) => (Number.isFinite(v) ? v.toFixed(3) : 'n/a');
    console.log(
      `latency by stage, p50/p99 ms: ${COMMAND_PATH.filter((k) => st[k].count > 0)
        .map((k) => `${k} ${fmt(st[k].p50Ms)}/${fmt(st[k].p99Ms)}`)
        .join(', ')}`,
    );
    console.log(
      `dead-man switch: ${rt.heartbeats.sent} heartbeats sent, ${rt.heartbeats.rejected} refused; safe mode ${rt.safeMode.size > 0 ? `entered ${rt.safeMode.values().filter((e) => e.entered).length} time(s)` : 'never entered'}`,
    );
    const head = chain?.head();
    if (head) console.log(`audit trail: ${auditPath}, ${head.seq} line(s), head ${head.hash.slice(0, 16)}…`);
    return 0;
  },
};
