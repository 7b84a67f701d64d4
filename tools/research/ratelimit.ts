/**
 * Per-host request spacing: requests to one host are at least max(1000/rate ms, the host's own minimum
 * gap — its robots.txt Crawl-delay) apart, FIFO; a server's Retry-After pushes the host's next slot.
 */
export class HostRateLimiter {
  private next = new Map<string, number>();
  private minGap = new Map<string, number>();
  constructor(
    private readonly ratePerSecond: number,
    private readonly now: () => number = Date.now,
    private readonly sleep: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** A host-specific minimum gap between requests (e.g. robots.txt Crawl-delay), in ms. */
  setMinGap(host: string, ms: number): void {
    this.minGap.set(host, ms);
  }

  /** No request to this host before `ms` from now (e.g. a 429/503 with Retry-After). */
  defer(host: string, ms: number): void {
    this.next.set(host, Math.max(this.next.get(host) ?? 0, this.now() + ms));
  }

  /** Wait for this host's next slot. Slots are reserved synchronously, so concurrent callers queue up. */
  async acquire(host: string): Promise<void> {
    const rateGap =
      this.ratePerSecond > 0 && Number.isFinite(this.ratePerSecond) ? 1000 / this.ratePerSecond : 0;
    const gap = Math.max(rateGap, this.minGap.get(host) ?? 0);
    const t = this.now();
    const slot = Math.max(t, this.next.get(host) ?? 0);
    this.next.set(host, slot + gap);
    if (slot > t) await this.sleep(slot - t);
  }
}
