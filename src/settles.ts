// Waiting for work without waiting forever: a Slack command answers in its ack if
// it is quick enough, and shutdown gives work under way a deadline. The work itself
// is never cancelled; only the wait for it ends.

/**
 * The value of `work` if it settles within `ms`, else undefined (it keeps running).
 * A rejection within `ms` rejects; `ms` may be Infinity.
 */
export function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const timer = Number.isFinite(ms) ? setTimeout(() => resolve(undefined), ms) : undefined;
    work.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}

/** True when `work` settles, fulfilled or rejected, within `ms` (it keeps running otherwise). */
export async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  const settled = work.then(
    () => true,
    () => true,
  );
  return (await within(settled, ms)) ?? false;
}
