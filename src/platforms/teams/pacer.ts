// Teams throttles a bot at about 7 messages per second per conversation. The pacer
// hands out send slots per conversation so bursts (a digest to many accounts'
// channels, a long job) wait their turn instead of meeting 429s. In-process only:
// replicas each keep their own pace, and the retry on 429 covers the rest.

export interface PacerOptions {
  perWindow?: number;
  windowMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ConversationPacer {
  private readonly slots = new Map<string, number[]>();
  private readonly perWindow: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: PacerOptions = {}) {
    this.perWindow = options.perWindow ?? 7;
    this.windowMs = options.windowMs ?? 1_000;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? realSleep;
  }

  /** Resolves when `key` may send again; the slot is reserved at once, so concurrent callers queue in order. */
  async slot(key: string): Promise<void> {
    const now = this.now();
    const taken = (this.slots.get(key) ?? []).filter((t) => t > now - this.windowMs);
    let at = now;
    if (taken.length >= this.perWindow) at = taken[taken.length - this.perWindow]! + this.windowMs;
    at = Math.max(at, taken[taken.length - 1] ?? at);
    taken.push(at);
    this.slots.set(key, taken);
    if (this.slots.size > 10_000) this.sweep(now);
    if (at > now) await this.sleep(at - now);
  }

  private sweep(now: number): void {
    for (const [key, times] of this.slots) if (times.every((t) => t <= now - this.windowMs)) this.slots.delete(key);
  }
}
