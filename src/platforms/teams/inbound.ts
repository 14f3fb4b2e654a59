// What POST /api/messages accepts as an activity, checked before the Teams SDK sees
// it. The SDK casts the body to an activity unchecked and assumes what Teams always
// sends — a recipient, a string text under a mention — so a body missing what every
// Bot Framework activity has is refused (400); the odd parts of an otherwise usable
// one are made harmless, so the handlers answer it plainly (a bare @mention gets the
// help) or not at all. InboundActivity is the part of an activity this folder reads.
import { z } from 'zod';

export interface ActivityAccount {
  id: string;
  name?: string;
  aadObjectId?: string;
}

export interface MentionEntity {
  type: 'mention';
  text: string;
  mentioned: ActivityAccount;
}

export interface TeamsChannelData {
  tenant?: { id?: string };
  team?: { id?: string; name?: string };
  /** `type` is 'shared' for a shared channel (Teams Connect), 'private' or 'standard' otherwise. */
  channel?: { id?: string; name?: string; type?: string };
}

export interface InboundActivity {
  type: string;
  id?: string;
  name?: string;
  text?: string;
  value?: unknown;
  action?: string;
  replyToId?: string;
  serviceUrl?: string;
  channelId?: string;
  locale?: string;
  from: ActivityAccount;
  recipient: ActivityAccount;
  conversation: ActivityAccount & { conversationType?: string; tenantId?: string; isGroup?: boolean };
  channelData?: TeamsChannelData;
  entities?: ({ type: string } & Record<string, unknown>)[];
  membersAdded?: ActivityAccount[];
  membersRemoved?: ActivityAccount[];
}

const account = z.object({ id: z.string().min(1) }).passthrough();

const activitySchema = z
  .object({
    type: z.string().min(1),
    conversation: account,
    from: account,
    recipient: account,
    text: z.unknown(),
    entities: z.unknown(),
  })
  .passthrough();

/** A mention the handlers can read: who was mentioned, and the `<at>…</at>` text it stands for. */
const mentionSchema = z.object({ type: z.literal('mention'), text: z.string(), mentioned: account }).passthrough();
const otherEntity = z.object({ type: z.string().refine((t) => t !== 'mention') }).passthrough();

/** The activity to run, or undefined when the body is not one. Mends the body in place: the SDK runs this same object. */
export function readActivity(body: unknown): InboundActivity | undefined {
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const activity = body as Record<string, unknown>;
  const entities = Array.isArray(activity.entities) ? activity.entities.filter((e) => mentionSchema.safeParse(e).success || otherEntity.safeParse(e).success) : undefined;
  if (entities) activity.entities = entities;
  else delete activity.entities;
  // A card submit is an object value; null is none.
  if (activity.value === null) delete activity.value;
  if (typeof activity.text !== 'string') {
    if (activity.type === 'message') activity.text = '';
    else delete activity.text;
  }
  if (activity.channelData !== undefined && (activity.channelData === null || typeof activity.channelData !== 'object')) delete activity.channelData;
  return activity as unknown as InboundActivity;
}
