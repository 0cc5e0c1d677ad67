import { describe, expect, it } from 'vitest';
import { testTopicCreatedAt } from '../../support/sweepTestTopics.ts';

describe('testTopicCreatedAt', () => {
  it("reads the creation time out of testConfig's topic names, and of no other topic", () => {
    const t = 1_790_000_000_000;
    const id = `${t.toString(36)}-k3x9qa`;
    for (const topic of [
      `test-${id}-events`,
      `test-${id}-deadLetters`,
      `test-${id}.changelog`,
      `test-${id}-tight.cross`,
    ])
      expect(testTopicCreatedAt(topic)).toBe(t);
    for (const topic of [
      'flowguard.events',
      'flowguard-test-3f1c',
      'test-events',
      '__consumer_offsets',
      'test-zz',
    ])
      expect(testTopicCreatedAt(topic)).toBeUndefined();
  });
});
