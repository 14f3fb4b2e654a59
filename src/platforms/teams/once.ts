// Teams retries an activity it got no answer to in time (an invoke: ~5 s for the
// user's wait, 15 s for the Bot connector), with the same activity id. The retry
// must not run the handler again (a check-in logged twice, a survey answer counted
// twice): the first run's answer is given to every retry of it. In-process only;
// a retry reaching another replica is not caught (Teams sends it to the same
// endpoint, and sticky sessions or one replica cover that).

/** How long an activity id is remembered: well past Teams' retries. */
const REMEMBER_MS = 10 * 60 * 1000;
const MAX_REMEMBERED = 20_000;

export class OnceByActivity<T> {
  private readonly seen = new Map<string, { at: number; answer: Promise<T> }>();

  constructor(private readonly clock: () => number = Date.now) {}

  /** The answer of the first run for `key`; later calls with the same key wait for it instead of running `handle`. */
  run(key: string | undefined, handle: () => Promise<T>): Promise<T> {
    if (!key) return handle();
    const now = this.clock();
    const earlier = this.seen.get(key);
    if (earlier && now - earlier.at < REMEMBER_MS) return earlier.answer;
    const answer = handle();
    this.seen.set(key, { at: now, answer });
    // A failed run is not remembered: Teams' retry of it runs again.
    answer.catch(() => this.seen.delete(key));
    if (this.seen.size > MAX_REMEMBERED) this.sweep(now);
    return answer;
  }

  private sweep(now: number): void {
    for (const [key, { at }] of this.seen) if (now - at >= REMEMBER_MS || this.seen.size > MAX_REMEMBERED) this.seen.delete(key);
  }
}
