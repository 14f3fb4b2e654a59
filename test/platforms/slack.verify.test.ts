// The replay guard in front of Bolt: each signature once while its timestamp could
// pass, forgotten once it cannot, with memory bounded by what is still live.
import { describe, expect, it } from 'vitest';
import { SeenSignatures } from '../../src/platforms/slack/verify.js';

const MINUTE = 60_000;
const T0 = Date.parse('2026-11-23T10:00:00Z');
/** What verify.ts passes: the request's timestamp plus the 5 minutes it may be off. */
const expiry = (timestampMs: number) => timestampMs + 5 * MINUTE;

describe('SeenSignatures', () => {
  it('accepts a signature once while it could pass, however many others arrive', () => {
    const seen = new SeenSignatures();
    expect(seen.remember('v0=a', expiry(T0), T0)).toBe(true);
    expect(seen.remember('v0=a', expiry(T0), T0 + 1)).toBe(false);
    for (let i = 0; i < 20_000; i++) expect(seen.remember(`v0=${i}`, expiry(T0 + i), T0 + i)).toBe(true);
    expect(seen.remember('v0=a', expiry(T0), T0 + 4 * MINUTE)).toBe(false);
    expect(seen.remember('v0=19999', expiry(T0 + 19_999), T0 + 4 * MINUTE)).toBe(false);
    // A timestamp up to 5 minutes in the future is remembered until it is 5 minutes old.
    expect(seen.remember('v0=future', expiry(T0 + 5 * MINUTE), T0)).toBe(true);
    expect(seen.remember('v0=future', expiry(T0 + 5 * MINUTE), T0 + 9 * MINUTE)).toBe(false);
  });

  it('forgets what has expired, so memory holds only the last minutes of signatures', () => {
    const seen = new SeenSignatures();
    // Ten requests a second for an hour, each stamped when it arrives.
    for (let t = 0; t < 60 * MINUTE; t += 100) seen.remember(`v0=${t}`, expiry(T0 + t), T0 + t);
    // Live: signatures of the last 5 minutes, plus at most the minute they are grouped by.
    expect(seen.size).toBeGreaterThanOrEqual(5 * 600);
    expect(seen.size).toBeLessThanOrEqual(6 * 600);
    // Long expired (and refused as stale by the timestamp check anyway): no longer held.
    expect(seen.remember('v0=0', expiry(T0), T0 + 60 * MINUTE)).toBe(true);
  });
});
