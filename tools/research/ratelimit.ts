/** Per-host rate limiter: requests to one host are spaced at least 1000/rate ms apart (FIFO). */
export class HostRateLimiter {
  private next = new Map<string, number>();
  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Wait for this host's next slot. Slots are reserved synchronously, so concurrent callers queue up. */
  async acquire(host: string): Promise<void> {
    if (!(this.ratePerSecond > 0) || !Number.isFinite(this.ratePerSecond)) return;
    const gap = 1000 / this.ratePerSecond;
    const t = this.now();
    const slot = Math.max(t, this.next.get(host) ?? 0);
    this.next.set(host, slot + gap);
    if (slot > t) await this.sleep(slot - t);
  }
}
