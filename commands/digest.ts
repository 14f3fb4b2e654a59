// /digest now | schedule <mon..sun> <HH:MM> [time zone] | off: the weekly health
// digest for the current channel. Anyone may post it now; only workspace admins
// schedule it or turn it off.
import { UserError } from '../src/core/errors.js';
import { CLOCK_FORMS, readClock, readTimeZone } from '../src/core/time-reading.js';
import { notice } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { WEEKDAYS, type Weekday } from '../src/core/digest.js';
import { buildDigest } from './digest-view.js';
import { channelTimezone } from '../src/core/channels.js';
import { setDigestSchedule, type DigestScheduleChange } from '../src/core/digest-schedule.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import type { CommandContext } from './context.js';
import { refuseInCustomerChannel } from './customer-channel.js';
import type { Token } from './parse.js';
import type { CommandDefinition } from './registry.js';
import { DIGEST_UNDO_ACTIONS, withDigestUndo } from './digest-undo.js';
import { DAY_NAMES } from './format.js';

const USAGE = ['/digest now', '/digest schedule <mon..sun> <9am|09:00> [time zone]', '/digest off'];
const EXAMPLES = ['/digest schedule mon 09:00 Europe/Berlin', '/digest now', '/digest off'];

function weekday(raw: string | undefined): Weekday {
  const v = (raw ?? '').toLowerCase().slice(0, 3);
  if (!(WEEKDAYS as readonly string[]).includes(v) || !raw || !DAY_NAMES[v as Weekday].toLowerCase().startsWith(raw.toLowerCase())) {
    throw new UserError(raw ? `"${raw}" is not a day of the week: use mon, tue, wed, thu, fri, sat or sun.` : 'Which day? Use mon, tue, wed, thu, fri, sat or sun.', { usage: USAGE[1], example: EXAMPLES[0] });
  }
  return v as Weekday;
}

/** Saves the schedule as the person asking, in this channel. */
function saveSchedule(ctx: CommandContext, change: DigestScheduleChange): Promise<void> {
  return setDigestSchedule(ctx.db, ctx.workspace.id, ctx.channel.id, change, { userId: ctx.user.id, now: ctx.now });
}

export const digestCommand: CommandDefinition = {
  name: 'digest',
  summary: 'Post the weekly health digest here now, schedule it weekly, or stop it',
  usage: USAGE,
  examples: EXAMPLES,
  actions: DIGEST_UNDO_ACTIONS,
  async run(ctx: CommandContext, args: Token[]): Promise<Reply> {
    const sub = args[0]?.text.toLowerCase();
    if (sub === 'now' && args.length === 1) {
      await refuseInCustomerChannel(ctx, 'the digest is not posted here: it names your other customers', 'Type /digest now in one of your team’s channels, or /health here to see the portfolio privately.');
      const timezone = await channelTimezone(ctx.db, ctx.workspace.id, ctx.channel.id, ctx.workspace.timezone);
      return { messages: [await buildDigest(ctx.db, ctx.workspace, ctx.now, timezone)] };
    }
    if (sub === 'off' && args.length === 1) {
      const admin = await requireAdmin(ctx, 'turn the weekly digest off');
      await saveSchedule(ctx, { digestEnabled: false });
      return withClaimNotice({ messages: [withDigestUndo(ctx, notice('The weekly digest is off for this channel. Turn it back on with /digest schedule mon 09:00.', { visibility: 'channel', tone: 'success' }))] }, admin);
    }
    if (sub === 'schedule') {
      await refuseInCustomerChannel(ctx, 'no digest is scheduled here: digests name your other customers and go to internal channels only', 'Schedule it in one of your team’s own channels: /digest schedule mon 09:00.');
      if (args.length > 4) throw new UserError('Too many words: give a day, a time and optionally a time zone.', { usage: USAGE[1], example: EXAMPLES[0] });
      const day = weekday(args[1]?.text);
      const clock = readClock(args[2]?.text ?? '');
      if (!clock.ok) throw new UserError(args[2] ? `${clock.problem}.` : `At what time? Write it like ${CLOCK_FORMS}.`, { usage: USAGE[1], example: EXAMPLES[0] });
      const time = clock.time;
      // An IANA name, or an abbreviation read as a named zone that the answer states.
      const zoneRead = args[3] ? readTimeZone(args[3].text) : undefined;
      if (zoneRead && !zoneRead.ok) throw new UserError(`${zoneRead.problem}.`, { usage: USAGE[1], example: EXAMPLES[0] });
      const timezone = zoneRead?.ok ? zoneRead.zone : undefined;
      const admin = await requireAdmin(ctx, 'schedule the weekly digest');
      await saveSchedule(ctx, { digestDay: day, digestTime: time, digestEnabled: true, digestScheduledByUserId: ctx.user.id, digestPausedAt: null, ...(timezone ? { timezone } : {}) });
      const zone = timezone ?? (await channelTimezone(ctx.db, ctx.workspace.id, ctx.channel.id, ctx.workspace.timezone));
      const said = `✅ The weekly health digest will be posted here every ${DAY_NAMES[day]} at ${time} (${zone}).${zoneRead?.ok && zoneRead.note ? ` ${zoneRead.note}.` : ''}`;
      return withClaimNotice({ messages: [withDigestUndo(ctx, notice(said, { visibility: 'channel', tone: 'success' }))] }, admin);
    }
    throw new UserError(sub ? `"${args[0]!.text}" is not a /digest subcommand: use now, schedule or off.` : 'Say what to do: now, schedule or off.', { usage: USAGE[0], example: EXAMPLES[0] });
  },
};
