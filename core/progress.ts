/** Where progress goes: a writable with an optional TTY flag and width, like `process.stderr`. */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** What is progressing: "replay", "train", "evaluate". */
  readonly label: string;
  /** Units of work in all; undefined when unknown (a count and a rate are shown instead). */
  readonly total?: number;
  /** Name of a unit, plural: "events", "epochs", "scenarios". */
  readonly unit?: string;
  /** Default stderr, so that `--json` output on stdout stays clean. */
  readonly stream?: ProgressStream;
  /** A bar redrawn in place on a terminal; plain lines otherwise. Default: `stream.isTTY`. */
  readonly tty?: boolean;
  /** Least time between two redraws on a terminal. */
  readonly redrawMs?: number;
  /** Least time between two plain lines when not on a terminal. */
  readonly lineMs?: number;
  readonly now?: () => number;
}

/** A progress report: tell it how far the work is, then that it is done. */
export interface Progress {
  /** Adds `n` units done. */
  tick(n?: number): void;
  /** Sets the units done. */
  update(done: number): void;
  /** Final line, with an optional note ("12 alerts"). */
  done(note?: string): void;
}

const compact = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e4 ? `${(n / 1e3).toFixed(1)}k` : String(Math.round(n));

const seconds = (ms: number) =>
  ms >= 60_000
    ? `${Math.floor(ms / 60_000)}m${Math.round((ms % 60_000) / 1000)}s`
    : `${(ms / 1000).toFixed(1)}s`;

/**
 * Progress for long CLI commands: on a terminal a bar redrawn in place (at most every `redrawMs`),
 * elsewhere (CI logs, pipes) one plain line every `lineMs` and at each tenth of the total, so logs
 * stay short and readable.
 */
export function progress(o: ProgressOptions): Progress {
  const stream = o.stream ?? process.stderr;
  const tty = o.tty ?? stream.isTTY === true;
  const now = o.now ?? (() => performance.now());
  const unit = o.unit ?? 'items';
  const redrawMs = o.redrawMs ?? 100;
  const lineMs = o.lineMs ?? 5_000;
  const started = now();
  let done = 0;
  let lastDraw = -Infinity;
  let lastTenth = 0;
  let finished = false;

  const describe = (t: number) => {
    const elapsed = t - started;
    const rate = elapsed > 0 ? (done / elapsed) * 1000 : 0;
    const parts = [`${compact(done)}${o.total !== undefined ? `/${compact(o.total)}` : ''} ${unit}`];
    if (rate > 0) parts.push(`${compact(rate)}/s`);
    if (o.total !== undefined && rate > 0 && done < o.total)
      parts.push(`eta ${seconds(((o.total - done) / rate) * 1000)}`);
    else parts.push(seconds(elapsed));
    return parts.join('  ');
  };
  const fraction = () => (o.total ? Math.min(1, done / o.total) : 0);

  const draw = (force: boolean) => {
    const t = now();
    if (tty) {
      if (!force && t - lastDraw < redrawMs) return;
      lastDraw = t;
      const text = describe(t);
      let line = `${o.label} ${text}`;
      if (o.total !== undefined) {
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - o.label.length - text.length - 10));
        const filled = Math.round(fraction() * width);
        const pct = `${Math.floor(fraction() * 100)}`.padStart(3);
        line = `${o.label} [${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${pct}% ${text}`;
      }
      // \x1b[K clears what a longer previous line left behind.
      stream.write(`\r${line}\x1b[K`);
      return;
    }
    const tenth = Math.floor(fraction() * 10);
    if (!force && tenth <= lastTenth && t - lastDraw < lineMs) return;
    lastTenth = tenth;
    lastDraw = t;
    const pct = o.total !== undefined ? ` (${Math.floor(fraction() * 100)}%)` : '';
    stream.write(`${o.label}: ${describe(t)}${pct}\n`);
  };

  return {
    tick(n = 1) {
      done += n;
      if (!finished) draw(false);
    },
    update(value) {
      done = value;
      if (!finished) draw(false);
    },
    done(note) {
      if (finished) return;
      finished = true;
      const t = now();
      const summary = `${o.label}: done, ${describe(t)}${note ? `; ${note}` : ''}`;
      stream.write(tty ? `\r${summary}\x1b[K\n` : `${summary}\n`);
    },
  };
}
