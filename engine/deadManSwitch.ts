/** What the engine does when the pipeline's heartbeats stop. */
export interface DeadManOptions {
  /** Silence, in ms of the engine's clock, after which the engine enters safe mode. */
  readonly timeoutMs: number;
  /** The global restriction of safe mode. */
  readonly safeMode: 'REDUCE_ONLY' | 'HALT';
}

/** Safe mode in force: since when and why. */
export interface SafeMode {
  readonly action: 'REDUCE_ONLY' | 'HALT';
  readonly since: number;
  /** When the last heartbeat came (NaN: none since the engine started). */
  readonly lastHeartbeatAt: number;
  readonly reason: string;
}

/**
 * The engine's dead-man switch, a small state machine on the engine's own clock: armed when it is
 * created, reset by every heartbeat; `check(now)` trips it once `timeoutMs` passed without one. Once
 * tripped it stays in safe mode whatever heartbeats do, until `resume(now)` (an explicit global
 * RESUME), which also starts a fresh timeout window.
 */
export class DeadManSwitch {
  private lastBeat: number;
  private armedAt: number;
  private mode: SafeMode | null = null;

  constructor(
    readonly options: DeadManOptions,
    now: number,
  ) {
    if (!(options.timeoutMs > 0))
      throw new RangeError(`timeoutMs must be positive, got ${options.timeoutMs}`);
    this.lastBeat = Number.NaN;
    this.armedAt = now;
  }

  /** A heartbeat arrived at `now`. */
  beat(now: number): void {
    this.lastBeat = Number.isNaN(this.lastBeat) ? now : Math.max(this.lastBeat, now);
  }

  /** Trips the switch if the silence has lasted too long; returns the safe mode when it just entered it. */
  check(now: number): SafeMode | null {
    if (this.mode) return null;
    const from = Number.isNaN(this.lastBeat) ? this.armedAt : Math.max(this.lastBeat, this.armedAt);
    const silentFor = now - from;
    if (silentFor < this.options.timeoutMs) return null;
    this.mode = {
      action: this.options.safeMode,
      since: now,
      lastHeartbeatAt: this.lastBeat,
      reason: `no heartbeat for ${Math.round(silentFor)} ms (limit ${this.options.timeoutMs} ms)`,
    };
    return this.mode;
  }

  /**
   * Starts the silence window again at `now` unless safe mode is in force (which only `resume`
   * leaves): for a transport that could not hear heartbeats before `now` (the Kafka adapter
   * before its consumer joined). Returns whether it re-armed.
   */
  arm(now: number): boolean {
    if (this.mode) return false;
    this.armedAt = Math.max(this.armedAt, now);
    return true;
  }

  /** Leaves safe mode on an explicit resume; the next timeout window starts now. */
  resume(now: number): SafeMode | null {
    const was = this.mode;
    this.mode = null;
    this.armedAt = now;
    return was;
  }

  get safeMode(): SafeMode | null {
    return this.mode;
  }

  get lastHeartbeatAt(): number {
    return this.lastBeat;
  }
}
