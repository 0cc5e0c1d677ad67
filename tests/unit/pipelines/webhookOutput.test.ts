import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../core/errors.ts';
import { PendingWrites } from '../../../core/pendingWrites.ts';
import { webhookOutput } from '../../../pipelines/webhookOutput.ts';
import { Config } from '../../../schemas/config.ts';

const producer = {} as Producer;
const base = { producer, acksTopic: 'acks', pending: new PendingWrites(), log: () => undefined };

describe('webhook output of the distributed mode', () => {
  it('is off without policy.engine.webhookUrl', () => {
    expect(webhookOutput({ ...base, link: Config.parse({}).policy.engine, env: {} })).toBeUndefined();
  });

  it('refuses to start without the shared secret, naming the variable', () => {
    const link = Config.parse({ policy: { engine: { webhookUrl: 'http://127.0.0.1:1/commands' } } }).policy
      .engine;
    expect(() => webhookOutput({ ...base, link, env: {} })).toThrow(ConfigError);
    expect(() => webhookOutput({ ...base, link, env: {} })).toThrow(/FLOWGUARD_WEBHOOK_SECRET/);
    expect(webhookOutput({ ...base, link, env: { FLOWGUARD_WEBHOOK_SECRET: 'k'.repeat(32) } })?.name).toBe(
      'webhook:http://127.0.0.1:1/commands',
    );
  });
});
