// What POST /api/messages accepts as an activity, checked before the Teams library
// sees it. The library assumes what Teams always sends — a recipient, a string text
// under a mention — and throws deep inside a turn otherwise, which users saw as
// "something went wrong". So: a body missing what every Bot Framework activity has
// is refused (400); the odd parts of an otherwise usable one are made harmless, so
// the handlers answer it plainly (a bare @mention gets the help) or not at all.
import type { Activity } from 'botbuilder';
import { z } from 'zod';

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

/** A mention the library can read: it filters on `mentioned.id` and cuts `text` out of the message. */
const mentionSchema = z.object({ type: z.literal('mention'), text: z.string(), mentioned: account }).passthrough();
const otherEntity = z.object({ type: z.string().refine((t) => t !== 'mention') }).passthrough();

/** The activity to run, or undefined when the body is not one. */
export function readActivity(body: unknown): Activity | undefined {
  const parsed = activitySchema.safeParse(body);
  if (!parsed.success) return undefined;
  const activity = parsed.data as Record<string, unknown>;
  const entities = Array.isArray(activity.entities) ? activity.entities.filter((e) => mentionSchema.safeParse(e).success || otherEntity.safeParse(e).success) : undefined;
  if (entities) activity.entities = entities;
  else delete activity.entities;
  // The library takes any `typeof value === 'object'` for a card submit, null included.
  if (activity.value === null) delete activity.value;
  if (typeof activity.text !== 'string') {
    if (activity.type === 'message') activity.text = '';
    else delete activity.text;
  }
  // As botbuilder's own reading does: dates as Date, the text kept beside them.
  for (const [field, raw] of [['timestamp', 'rawTimestamp'], ['localTimestamp', 'rawLocalTimestamp'], ['expiration', 'rawExpiration']] as const) {
    if (typeof activity[field] === 'string') {
      activity[raw] = activity[field];
      activity[field] = new Date(activity[field]);
    }
  }
  return activity as unknown as Activity;
}
