// An account's ARR over time (arr_history): each change with the day it took effect.
// Written wherever ARR is set — creation (from the contract start), a change, a
// renewal outcome (from the renewal date) — so the KPIs can ask what a cohort's
// ARR was on the first day of their window, and an imported portfolio counts from
// its contract dates instead of from the day it was imported.
import type { Db } from '../../db/client.js';
import { arrHistory, ARR_CHANGE_SOURCES } from '../../db/schema.js';

export type ArrChangeSource = (typeof ARR_CHANGE_SOURCES)[number];

export interface ArrChange {
  workspaceId: string;
  accountId: string;
  /** The ARR from this day on (an unknown ARR is not history: nothing is written for null). */
  arrCents: number | null;
  effectiveOn: string;
  source: ArrChangeSource;
  now: Date;
}

export async function recordArrChange(db: Db, change: ArrChange): Promise<void> {
  if (change.arrCents === null) return;
  await db.insert(arrHistory).values({
    workspaceId: change.workspaceId,
    accountId: change.accountId,
    effectiveOn: change.effectiveOn,
    arrCents: change.arrCents,
    source: change.source,
    recordedAt: change.now,
  });
}
