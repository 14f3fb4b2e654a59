// Mentions in a Teams command, resolved from the activity's mention entities
// (no Graph): Teams sends `<at>Ana Lopez</at>` in the text and, beside it, an entity
// naming who that is. The bot's own mention is dropped; a person's becomes the
// `<@id|name>` token the command parser reads (commands/parse.ts), with their Entra
// object id — the id Tenure knows people by on Teams — taken from the entity, or
// asked of the Bot connector's member lookup when the entity carries only the
// Teams id. A mention of a tag or a channel stays its display name.
import { commandText } from './identity.js';
import type { ActivityAccount, InboundActivity, MentionEntity } from './inbound.js';

/** A mentioned person's Entra object id, from the Bot connector; undefined when it cannot tell. */
export type MemberLookup = (account: ActivityAccount) => Promise<string | undefined>;

/** Ids the command parser takes inside `<@…>` (commands/parse.ts parseMention). */
const PARSER_ID = /^[A-Z0-9][A-Z0-9._-]*$/i;
/** Teams ids of people start with 29: (8: for some clients); bots are 28:, channels and chats 19:. */
const PERSON_ID = /^(?:29|8):/;

const displayName = (entity: MentionEntity) =>
  (entity.mentioned.name ?? entity.text.replace(/<\/?at>/g, '')).replace(/[<>|\n]/g, ' ').trim();

async function personToken(entity: MentionEntity, lookup: MemberLookup): Promise<string> {
  const name = displayName(entity);
  const { mentioned } = entity;
  let id = mentioned.aadObjectId;
  if (!id && PERSON_ID.test(mentioned.id)) id = await lookup(mentioned).catch(() => undefined);
  // The emulator's people have plain ids, which are their Tenure ids too.
  if (!id && !mentioned.id.includes(':')) id = mentioned.id;
  return id && PARSER_ID.test(id) ? `<@${id}|${name}>` : `@${name}`;
}

/** The command typed, with the bot's mention removed and people's mentions as `<@id|name>`. */
export async function commandWithMentions(activity: InboundActivity, lookup: MemberLookup): Promise<string> {
  let text = activity.text ?? '';
  // inbound.ts let through only mentions that name who was mentioned.
  const mentions = (activity.entities ?? []).filter((e) => e.type === 'mention') as unknown as MentionEntity[];
  for (const entity of mentions) {
    const at = text.indexOf(entity.text);
    if (at === -1 || entity.text === '') continue;
    const replacement =
      entity.mentioned.id === activity.recipient.id ? '' : PERSON_ID.test(entity.mentioned.id) || !entity.mentioned.id.includes(':') ? await personToken(entity, lookup) : displayName(entity);
    text = text.slice(0, at) + replacement + text.slice(at + entity.text.length);
  }
  return commandText(text);
}
