// The key=value fields of /account add and /account set: their zod schemas, the
// words a person may use for them, and how an owner mention becomes a user.
import { z } from 'zod';
import { LIFECYCLE_STAGES } from '../db/schema.js';
import type { AccountFields } from '../src/core/accounts.js';
import { UserError } from '../src/core/errors.js';
import { checkAccountName } from '../src/core/names.js';
import { ensureUser, findUserByName } from '../src/core/workspaces.js';
import type { CommandContext } from './context.js';
import { countSchema, dateSchema, enumSchema, gatherDatePhrases, mentionSchema, moneySchema, readsAsDate, splitOptions, textSchema, type DateContext, type Mention, type SplitTokens, type Token } from './parse.js';

export const ACCOUNT_KEYS = ['name', 'arr', 'renewal', 'start', 'licensed', 'active', 'stage', 'owner', 'tier', 'kickoff', 'id'] as const;

export const ACCOUNT_KEY_ALIASES: Record<string, string> = {
  renewal_date: 'renewal',
  renews: 'renewal',
  contract_start: 'start',
  licenses: 'licensed',
  seats: 'licensed',
  external_id: 'id',
  externalid: 'id',
  tam: 'owner',
};

/** Words that clear a field: `owner=none`. */
const CLEAR = new Set(['none', '-', 'null', 'clear']);

const clearable = <T extends z.ZodTypeAny>(schema: T) =>
  z.union([z.string().refine((v) => CLEAR.has(v.trim().toLowerCase())).transform(() => null), schema]);

/** A typed account name, by the core's rule (names.ts); its issue is a whole sentence. */
export const accountNameSchema = z.string().transform((v, ctx) => {
  const checked = checkAccountName(v);
  if (checked.ok) return checked.name;
  ctx.addIssue({ code: z.ZodIssueCode.custom, message: checked.problem });
  return z.NEVER;
});

/** The date fields, under every name a person may give them. */
const DATE_KEYS = ['renewal', 'start', 'kickoff', ...Object.entries(ACCOUNT_KEY_ALIASES).filter(([, key]) => key === 'renewal' || key === 'start').map(([alias]) => alias)];

/** The options of /account add and set; a date may run over several words (`renewal=31 Mar 2027`). */
export function splitAccountOptions(ctx: DateContext, args: Token[]): SplitTokens {
  return splitOptions(gatherDatePhrases(args, DATE_KEYS, (phrase) => readsAsDate(ctx, phrase)), ACCOUNT_KEYS, ACCOUNT_KEY_ALIASES);
}

// Built per workspace: an amount is read in its currency (commands/money-input.ts), a
// date in its zone and date order; a renewal named without a year (`Mar 31`) is ahead.
const fieldSchema = (currency: string, at: DateContext) =>
  z
    .object({
      name: accountNameSchema.optional(),
      arr: clearable(moneySchema(currency)).optional(),
      renewal: clearable(dateSchema(at, 'future')).optional(),
      start: clearable(dateSchema(at, 'nearest')).optional(),
      licensed: clearable(countSchema).optional(),
      active: clearable(countSchema).optional(),
      stage: enumSchema(LIFECYCLE_STAGES, 'lifecycle stage').optional(),
      owner: clearable(mentionSchema).optional(),
      tier: clearable(textSchema('tier', 40)).optional(),
      kickoff: clearable(dateSchema(at, 'nearest')).optional(),
      id: clearable(textSchema('external id', 120)).optional(),
    })
    .strict();

export const ACCOUNT_FIELD_HELP =
  'arr=120k renewal=2027-03-31 start=2026-04-01 licensed=100 active=72 stage=onboard owner=@ana tier=gold kickoff=2026-04-10 id=CRM-123';

/** Validates options into account fields; the first problem becomes a UserError. */
export async function parseAccountFields(ctx: CommandContext, options: Record<string, string>): Promise<AccountFields> {
  const parsed = fieldSchema(ctx.workspace.currency, ctx).safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues.find((i) => i.code === 'custom') ?? parsed.error.issues[0]!;
    const key = String(issue.path[0] ?? '');
    // The name's sentence says which field it is about, and name= may hold nothing readable to echo.
    if (key === 'name') throw new UserError(issueMessage(issue));
    throw new UserError(`${key}=${options[key] ?? ''}: ${issueMessage(issue)}`);
  }
  const o = parsed.data;
  const fields: AccountFields = {};
  if (o.name !== undefined) fields.name = o.name;
  if (o.arr !== undefined) fields.arrCents = o.arr;
  if (o.renewal !== undefined) fields.renewalDate = o.renewal;
  if (o.start !== undefined) fields.contractStart = o.start;
  if (o.licensed !== undefined) fields.licensedUsers = o.licensed;
  if (o.active !== undefined) fields.activeUsers = o.active;
  if (o.stage !== undefined) fields.stage = o.stage;
  if (o.tier !== undefined) fields.tier = o.tier;
  if (o.kickoff !== undefined) fields.kickoffDate = o.kickoff;
  if (o.id !== undefined) fields.externalId = o.id;
  if (o.owner !== undefined) fields.ownerUserId = o.owner === null ? null : (await ownerFromMention(ctx, o.owner)).id;
  return fields;
}

function issueMessage(issue: z.ZodIssue): string {
  // A union reports "invalid input"; the interesting message is the non-clear branch's.
  if (issue.code === 'invalid_union') {
    const inner = issue.unionErrors.flatMap((e) => e.issues).find((i) => i.code === 'custom' && i.message);
    if (inner) return inner.message;
  }
  return issue.message;
}

async function ownerFromMention(ctx: CommandContext, mention: Mention) {
  if (mention.kind === 'user') {
    return ensureUser(ctx.db, ctx.workspace.id, { platformUserId: mention.id, displayName: mention.name ?? mention.id });
  }
  if (mention.kind === 'name') {
    const user = await findUserByName(ctx.db, ctx.workspace.id, mention.name);
    if (user) return user;
    // The console knows people by name: a new name there is a new person.
    if (ctx.workspace.platform === 'console') {
      return ensureUser(ctx.db, ctx.workspace.id, { platformUserId: mention.name.toLowerCase(), displayName: mention.name });
    }
    throw new UserError(`Nobody called @${mention.name} has used Tenure here yet.`, {
      hint: 'Pick them from the mention list so the command carries their id, e.g. owner=@ana.',
    });
  }
  throw new UserError('The owner must be a person, e.g. owner=@ana.');
}

/** Rejects key=value words a command without free text does not know. */
export function rejectUnknownKeys(unknown: { key?: string; text: string }[], known: readonly string[]): void {
  const first = unknown[0];
  if (first) {
    throw new UserError(`Unknown field "${first.key}" in ${first.text}.`, { hint: `Known fields: ${known.join(', ')}.` });
  }
}
