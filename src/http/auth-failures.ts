// Failed authentications to the ingest API, counted per client address in fixed
// windows, in memory (one process, one count). Each wrong token costs a database
// lookup; past the allowance an address is answered 429 before any lookup until its
// window ends. Successes are not counted.
//
// The address is Express's req.ip: the peer's socket address unless the app trusts a
// proxy. Behind a reverse proxy every client then shares the proxy's address, and so
// one allowance.
export interface FailureLimit {
  /** Failures allowed per address and window; the next request is refused. */
  requests: number;
  windowMs: number;
}

/** Addresses remembered at most; beyond that, expired windows go first, then the oldest. */
const MAX_ADDRESSES = 10_000;

export class FailedAuthentications {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(readonly limit: FailureLimit) {}

  /** Seconds until `address` may try again; undefined when it may now. */
  retryAfter(address: string, nowMs: number): number | undefined {
    const window = this.windows.get(address);
    if (!window || nowMs - window.start >= this.limit.windowMs || window.count < this.limit.requests) return undefined;
    return Math.max(1, Math.ceil((window.start + this.limit.windowMs - nowMs) / 1000));
  }

  /** Counts a failure; true when it used up the address's allowance (worth one log line). */
  record(address: string, nowMs: number): boolean {
    let window = this.windows.get(address);
    if (!window || nowMs - window.start >= this.limit.windowMs) {
      this.windows.delete(address);
      this.makeRoom(nowMs);
      window = { start: nowMs, count: 0 };
      this.windows.set(address, window);
    }
    window.count += 1;
    return window.count === this.limit.requests;
  }

  private makeRoom(nowMs: number): void {
    if (this.windows.size < MAX_ADDRESSES) return;
    for (const [address, window] of this.windows) if (nowMs - window.start >= this.limit.windowMs) this.windows.delete(address);
    // Still full (many addresses failing at once): forget the oldest windows.
    for (const address of this.windows.keys()) {
      if (this.windows.size < MAX_ADDRESSES) break;
      this.windows.delete(address);
    }
  }
}
