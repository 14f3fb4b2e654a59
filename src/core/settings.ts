// Per-workspace settings, stored as JSON on the workspace row and read through one
// zod schema with defaults, so a missing or older settings object still works.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { workspaces } from '../../db/schema.js';
import { changedFields, recordAudit } from './audit.js';
import { DEFAULT_HEALTH_CONFIG, HEALTH_COMPONENTS, type HealthComponent, type HealthConfig } from './health.js';
import { DEFAULT_BUSINESS_HOURS, type BusinessHours } from './sla.js';
import { DATE_ORDERS, type DateOrder } from './date-reading.js';
import { isSupportedCurrency } from './money.js';
import { isIsoDate, isValidTimeZone } from './time.js';
import type { Workspace } from './workspaces.js';

/** 'HH:MM' on a 24-hour clock, 00:00–23:59. */
export const CLOCK_TIME = /^([01]\d|2[0-3]):[0-5]\d$/;

/** The most holiday dates a workspace keeps (a few years of public holidays). */
export const MAX_HOLIDAYS = 200;

// Every field is optional: what is not set falls back to the defaults (08:00–17:00,
// Monday–Friday, the workspace's own time zone, no holidays).
const businessHoursSchema = z
  .object({
    timezone: z.string().refine(isValidTimeZone),
    start: z.string().regex(CLOCK_TIME),
    end: z.string().regex(CLOCK_TIME),
    workdays: z.array(z.number().int().min(1).max(7)).min(1).max(7),
    holidays: z.array(z.string().refine(isIsoDate)).max(MAX_HOLIDAYS),
  })
  .partial()
  .refine((h) => (h.start ?? DEFAULT_BUSINESS_HOURS.start) < (h.end ?? DEFAULT_BUSINESS_HOURS.end));

const bandThresholdsSchema = z
  .object({ green: z.number().min(0).max(100), yellow: z.number().min(0).max(100) })
  .refine((b) => b.yellow <= b.green);
const healthWeightsSchema = z
  .object(Object.fromEntries(HEALTH_COMPONENTS.map((c) => [c, z.number().min(0).max(1000)])) as Record<HealthComponent, z.ZodNumber>)
  .partial();

const settingsSchema = z
  .object({
    cadenceMode: z.enum(['standard', 'twice-monthly']).catch('standard').default('standard'),
    // A damaged value falls back to the defaults rather than breaking every ticket.
    businessHours: businessHoursSchema.optional().catch(undefined),
    // Health score weights (any non-negative numbers; renormalized) and band thresholds.
    healthWeights: healthWeightsSchema.optional().catch(undefined),
    healthBands: bandThresholdsSchema.optional().catch(undefined),
    componentBands: z.record(z.enum(HEALTH_COMPONENTS), bandThresholdsSchema).optional().catch(undefined),
    // The gross margin CLV assumes (0.3 is 30%); unset, the KPI card's default.
    kpiMargin: z.number().gt(0).max(1).optional().catch(undefined),
    // How the workspace writes numeric dates (12/01: day or month first); unset, an
    // ambiguous one is asked about rather than guessed.
    dateOrder: z.enum(DATE_ORDERS).optional().catch(undefined),
    // The partner's name as customers read it on surveys; unset, the workspace's name.
    partnerName: z.string().min(1).max(80).optional().catch(undefined),
  })
  .passthrough();

export type WorkspaceSettings = z.infer<typeof settingsSchema>;
export type BusinessHoursSetting = NonNullable<WorkspaceSettings['businessHours']>;

export function workspaceSettings(workspace: Pick<Workspace, 'settings'>): WorkspaceSettings {
  const parsed = settingsSchema.safeParse(workspace.settings ?? {});
  return parsed.success ? parsed.data : settingsSchema.parse({});
}

/** The name customers see on surveys (PRODUCT.md: the customer's view carries the partner's name). */
export function partnerNameFor(workspace: Pick<Workspace, 'settings' | 'name'>): string {
  return workspaceSettings(workspace).partnerName ?? workspace.name;
}

/** The support team's business hours: the workspace's setting over the defaults, in the workspace's zone unless set. */
export function businessHoursFor(workspace: Pick<Workspace, 'settings' | 'timezone'>): BusinessHours {
  const set = workspaceSettings(workspace).businessHours ?? {};
  return {
    timezone: set.timezone ?? workspace.timezone,
    start: set.start ?? DEFAULT_BUSINESS_HOURS.start,
    end: set.end ?? DEFAULT_BUSINESS_HOURS.end,
    workdays: set.workdays ?? DEFAULT_BUSINESS_HOURS.workdays,
    holidays: set.holidays ?? DEFAULT_BUSINESS_HOURS.holidays,
  };
}

/** How the workspace writes numeric dates, if it has said (/tenure settings dates=). */
export function dateOrderFor(workspace: Pick<Workspace, 'settings'>): DateOrder | undefined {
  return workspaceSettings(workspace).dateOrder;
}

/** The workspace's health weights and band thresholds over the defaults. */
export function healthConfigFor(workspace: Pick<Workspace, 'settings'>): HealthConfig {
  const set = workspaceSettings(workspace);
  const componentBands = { ...DEFAULT_HEALTH_CONFIG.componentBands };
  for (const c of HEALTH_COMPONENTS) {
    const b = set.componentBands?.[c];
    if (b) componentBands[c] = b;
  }
  return {
    weights: { ...DEFAULT_HEALTH_CONFIG.weights, ...(set.healthWeights ?? {}) },
    bands: set.healthBands ?? DEFAULT_HEALTH_CONFIG.bands,
    componentBands,
    cadenceMode: set.cadenceMode,
  };
}

/**
 * Changes the workspace's settings under a row lock (two changes at once must not
 * lose one another), validates the result and records the change in the audit log.
 * The currency is a column of its own (every amount is read and shown in it), changed
 * here too so that one command's change is one audit entry. Run it inside a transaction.
 * Returns the audit entry's id (none when nothing changed): its Undo button names it.
 * `auditAction` is 'undo-settings' when the change takes back an earlier one.
 */
export async function updateWorkspaceSettings(
  db: Db,
  workspaceId: string,
  change: (current: WorkspaceSettings) => WorkspaceSettings,
  actor: { userId: string | null; now: Date },
  columns: { currency?: string } = {},
  auditAction: 'settings' | 'undo-settings' = 'settings',
): Promise<{ before: WorkspaceSettings; after: WorkspaceSettings; workspace: Workspace; currencyBefore: string; auditId: string | undefined }> {
  const [row] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId)).for('update');
  if (!row) throw new Error(`workspace ${workspaceId} not found`);
  // The command checks what a person typed; this guards every other caller.
  if (columns.currency !== undefined && !isSupportedCurrency(columns.currency)) throw new Error(`unsupported currency ${columns.currency}`);
  const before = workspaceSettings(row);
  const changed = change(structuredClone(before));
  // Reading forgives damaged values; writing must not store one.
  if (changed.businessHours !== undefined) businessHoursSchema.parse(changed.businessHours);
  const after = settingsSchema.parse(changed);
  const currency = columns.currency ?? row.currency;
  const [workspace] = await db
    .update(workspaces)
    .set({ settings: after as Record<string, unknown>, currency })
    .where(eq(workspaces.id, workspaceId))
    .returning();
  // A key the change removed (a reset) counts as changed to null, so it can be put back.
  const removed = Object.fromEntries(Object.keys(before).map((k) => [k, undefined]));
  const diff = changedFields({ ...before, currency: row.currency }, { ...removed, ...after, currency });
  const auditId =
    Object.keys(diff.after).length > 0
      ? await recordAudit(db, workspaceId, { actorUserId: actor.userId, at: actor.now, entityType: 'workspace', entityId: workspaceId, action: auditAction, before: diff.before, after: diff.after })
      : undefined;
  return { before, after, workspace: workspace!, currencyBefore: row.currency, auditId };
}
