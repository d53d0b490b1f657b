/** Lets one event through per interval and counts the ones held back. */
export class RepeatLimiter {
  private nextAt = 0;
  private held = 0;

  constructor(private readonly intervalMs: number) {}

  /** Returns the count held back since the last event let through, or undefined to hold this one. */
  take(): number | undefined {
    const now = Date.now();
    if (now < this.nextAt) {
      this.held += 1;
      return undefined;
    }
    const held = this.held;
    this.held = 0;
    this.nextAt = now + this.intervalMs;
    return held;
  }
}
