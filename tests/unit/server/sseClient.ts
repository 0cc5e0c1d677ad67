import { request, type ClientRequest } from 'node:http';

export interface SseEvent {
  id?: string;
  event: string;
  data: string;
}

/**
 * A minimal SSE client for tests: collects parsed events and lets a test wait for a condition on
 * them; `close()` drops the connection the way a flaky network would.
 */
export function sseConnect(
  url: string,
  headers: Record<string, string> = {},
): {
  events: SseEvent[];
  status: Promise<number>;
  waitFor(pred: (e: SseEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): void;
} {
  const events: SseEvent[] = [];
  const waiters = new Set<() => void>();
  let buffer = '';
  let req: ClientRequest;
  const status = new Promise<number>((resolve, reject) => {
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      resolve(res.statusCode ?? 0);
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e: SseEvent = { event: 'message', data: '' };
          let hasData = false;
          for (const line of block.split('\n')) {
            if (line.startsWith(':') || line === '') continue;
            const i = line.indexOf(':');
            const field = i < 0 ? line : line.slice(0, i);
            const value = i < 0 ? '' : line.slice(i + 1).replace(/^ /, '');
            if (field === 'id') e.id = value;
            else if (field === 'event') e.event = value;
            else if (field === 'data') {
              e.data += (hasData ? '\n' : '') + value;
              hasData = true;
            }
          }
          if (hasData) events.push(e);
        }
        for (const w of waiters) w();
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
  return {
    events,
    status,
    waitFor(pred, timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (pred(events)) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`timed out after ${timeoutMs} ms with ${events.length} events`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      req.destroy();
    },
  };
}
