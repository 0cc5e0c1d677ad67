import { Kafka, logLevel } from 'kafkajs';

/**
 * The creation time of a topic or consumer group made by `testConfig` (tests/support/kafkaRun.ts),
 * whose names start `test-<Date.now() in base 36>-<random>`; undefined for any other name.
 */
export function testTopicCreatedAt(topic: string): number | undefined {
  const m = /^test-([0-9a-z]{6,10})-[0-9a-z]+(?:[-.]|$)/.exec(topic);
  if (!m) return undefined;
  const t = parseInt(m[1]!, 36);
  return Number.isFinite(t) ? t : undefined;
}

/**
 * Deletes the topics and consumer groups that integration tests of earlier runs left on the local
 * broker (each test makes its own). They pile up in the cache the broker keeps between runs: 1,863
 * topics (5,355 partition directories) and their groups after a few days of runs on one machine,
 * which a restarting broker must load before it leads any partition again (the broker-restart test
 * then waited 35-50 s for leaders). Only those older than `olderThanMs` are deleted, so a run going
 * on beside this one keeps its own. Returns how many topics were deleted.
 */
export async function sweepTestTopics(brokers: string[], olderThanMs = 3_600_000): Promise<number> {
  const kafka = new Kafka({ clientId: 'flowguard-test-sweep', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const cutoff = Date.now() - olderThanMs;
    const old = (await admin.listTopics()).filter((t) => (testTopicCreatedAt(t) ?? Infinity) < cutoff);
    for (let i = 0; i < old.length; i += 100)
      await admin.deleteTopics({ topics: old.slice(i, i + 100), timeout: 60_000 });
    const groups = (await admin.listGroups()).groups
      .map((g) => g.groupId)
      .filter((g) => (testTopicCreatedAt(g) ?? Infinity) < cutoff);
    for (let i = 0; i < groups.length; i += 100)
      // A group with members left (a run killed mid-test) is refused; it expires on its own.
      await admin.deleteGroups(groups.slice(i, i + 100)).catch(() => undefined);
    return old.length;
  } finally {
    await admin.disconnect();
  }
}
