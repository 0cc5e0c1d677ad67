import type { ServerResponse } from 'node:http';

export interface SseOptions {
  /** Comment line sent this often so proxies and browsers keep an idle stream open. */
  readonly heartbeatMs?: number;
  /** A client that falls this many bytes behind is disconnected; it resumes with Last-Event-ID. */
  readonly maxBufferedBytes?: number;
  /** Reconnection delay the browser should use, ms. */
  readonly retryMs?: number;
}

/** A Server-Sent Events response: `send` one event, `close` at the end; `closed` once gone. */
export interface SseWriter {
  send(event: string, id: string, data: unknown): void;
  comment(text: string): void;
  readonly closed: boolean;
  onClose(f: () => void): void;
  close(): void;
}

/**
 * Starts an SSE response. A slow client is cut off rather than buffered without bound: the events
 * stay in the feed, and the browser's automatic reconnect with Last-Event-ID picks them up.
 */
export function sseWriter(res: ServerResponse, o: SseOptions = {}): SseWriter {
  const maxBuffered = o.maxBufferedBytes ?? 1 << 20;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    // Tells nginx-style proxies not to hold events back.
    'x-accel-buffering': 'no',
  });
  res.write(`retry: ${o.retryMs ?? 2000}\n\n`);
  let closed = false;
  const closers: (() => void)[] = [];
  const finish = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const f of closers) f();
  };
  const heartbeat = setInterval(() => w.comment('ping'), o.heartbeatMs ?? 15_000);
  heartbeat.unref();
  res.on('close', finish);
  const write = (text: string) => {
    if (closed) return;
    res.write(text);
    if (res.writableLength > maxBuffered) {
      finish();
      res.destroy();
    }
  };
  const w: SseWriter = {
    send(event, id, data) {
      // JSON has no raw newlines, so one data line per event is always well formed.
      write(`id: ${id}\nevent: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    },
    comment(text) {
      write(`: ${text}\n\n`);
    },
    get closed() {
      return closed;
    },
    onClose(f) {
      closers.push(f);
    },
    close() {
      finish();
      res.end();
    },
  };
  return w;
}
