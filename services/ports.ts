import { connect } from 'node:net';

/** True when something accepts TCP connections on host:port. */
export function portInUse(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolveUse) => {
    const socket = connect({ host, port });
    const done = (inUse: boolean): void => {
      socket.destroy();
      resolveUse(inUse);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
