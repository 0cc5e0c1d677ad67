import { parseArgs } from 'node:util';
import { parseDuration } from '../../core/duration.ts';
import { ConfigError } from '../../core/errors.ts';
import { embeddedRuntime } from '../../pipelines/embedded.ts';
import { Config } from '../../schemas/config.ts';
import { consoleSink, formatAlert, formatCommand } from '../../sinks/consoleSink.ts';
import { simulateMarket } from '../../simulator/marketSimulator.ts';
import { pacedSource } from '../../simulator/pacedSource.ts';
import type { Command } from '../command.ts';

const help = `Usage: flowguard demo [--duration 30s] [--speed 5] [--seed 1]   (npm start -- ...)

The embedded demo: a seeded market simulator (3 symbols on 2 venues, with a pump injected on
SOLUSDT at venue-a) runs through the whole pipeline into the in-process reference engine.
Prints alerts and circuit-breaker commands with their evidence, each engine acknowledgement with
the halt latency, and a summary at the end. No services needed.

Options:
  --duration D   stop after D of wall time (default: run until Ctrl-C)
  --speed N      event time runs N times faster than the wall clock (default 5)
  --seed N       simulator seed (default 1)

Example:
  npm start -- --duration 30s`;

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
      },
    });
    const durationMs = values.duration ? parseDuration(values.duration, '--duration') : Infinity;
    const speed = Number(values.speed);
    const seed = Number(values.seed);
    if (!(speed > 0)) throw new ConfigError(`--speed must be a positive number, got '${values.speed}'`);
    if (!Number.isInteger(seed)) throw new ConfigError(`--seed must be an integer, got '${values.seed}'`);

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
    const rt = embeddedRuntime(
      pacedSource(events, {
        speed,
        durationMs,
        // The desk's traders keep sending orders; the engine's gateway decides under the restrictions in force.
        onEvent: (e) => {
          if (e.type === 'order' && e.action === 'new')
            rt.engine.submitOrder({ venue: e.venue, symbol: e.symbol, account: e.account });
        },
      }),
      config,
      { alerts: [consoleSink(formatAlert)] },
    );
    rt.acks.subscribe(({ value: r }) => {
      const a = r.ack;
      console.log(formatCommand(r.delivery.command));
      console.log(
        `             engine ack: ${a.status}${a.reason ? ` (${a.reason})` : ''} for ${a.commandId}; ` +
          `${r.delivery.command.action.toLowerCase()} latency ${r.latencyMs.toFixed(2)} ms from event arrival to ack`,
      );
    });
    console.log(
      `flowguard demo: seed ${seed}, speed ${speed}x, ${Number.isFinite(durationMs) ? `${durationMs / 1000} s` : 'until Ctrl-C'}; ` +
        `a pump on SOLUSDT at venue-a starts ${pump.startMs / 1000} s into event time.\n`,
    );
    const stop = () => process.kill(process.pid, 'SIGTERM');
    process.once('SIGINT', stop);
    await rt.run();
    process.off('SIGINT', stop);

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
    return 0;
  },
};
