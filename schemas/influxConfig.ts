import { z } from 'zod';

/** InfluxDB 2.x history: where to write, and how the sink batches, retries and bounds its buffer. */
export const InfluxConfig = z.object({
  url: z.string().url().default('http://127.0.0.1:18086'),
  org: z.string().min(1).default('flowguard'),
  bucket: z.string().min(1).default('flowguard'),
  /** Never in the file: the name of the environment variable that holds the token. */
  tokenEnv: z.string().min(1).default('FLOWGUARD_INFLUX_TOKEN'),
  batchSize: z.number().int().min(1).default(1000),
  flushIntervalMs: z.number().int().min(10).default(1000),
  /** Points kept for retry while InfluxDB is down; beyond this the oldest are dropped and counted. */
  maxBufferPoints: z.number().int().min(100).default(200_000),
  maxRetries: z.number().int().min(0).default(20),
  maxRetryTimeMs: z.number().int().min(1000).default(180_000),
  /** Write one feature vector in N per key (features are the bulk of the volume); 0 writes none. */
  featureSampleEvery: z.number().int().min(0).default(100),
  /** Write scores at or above this calibrated value (0 writes all). */
  minScoreToWrite: z.number().min(0).max(1).default(0),
});
export type InfluxConfig = z.infer<typeof InfluxConfig>;
