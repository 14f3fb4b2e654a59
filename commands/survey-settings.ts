// /survey settings: how long surveys stay open, the fatigue window, the anonymity
// minimum, and the automatic NPS survey before renewal. Everyone may read them;
// only workspace admins change them.
import { z } from 'zod';
import { UserError } from '../src/core/errors.js';
import { updateWorkspaceSettings } from '../src/core/settings.js';
import { surveySettings, type SurveySettings } from '../src/core/surveys.js';
import { context, fields, field, message } from '../src/messages/builders.js';
import type { Reply } from '../src/messages/message.js';
import { requireAdmin, withClaimNotice } from './admin.js';
import type { CommandContext } from './context.js';
import { parseCount, splitOptions, type Token } from './parse.js';
import { withSettingsUndo } from './settings-undo.js';

const KEYS = ['close', 'fatigue', 'minimum', 'auto', 'lead'] as const;

const count = (min: number, max: number, what: string) =>
  z.string().transform((v, c) => {
    const n = parseCount(v);
    if (n === null || n < min || n > max) {
      c.addIssue({ code: z.ZodIssueCode.custom, message: `${what} must be a whole number from ${min} to ${max}` });
      return z.NEVER;
    }
    return n;
  });

const schema = z.object({
  close: count(1, 90, 'close (days a survey stays open)').optional(),
  fatigue: count(0, 365, 'fatigue (days before the same people are asked again)').optional(),
  minimum: count(1, 50, 'minimum (answers before anonymous results show)').optional(),
  auto: z.enum(['on', 'off'], { errorMap: () => ({ message: 'auto takes on or off' }) }).optional(),
  lead: count(1, 730, 'lead (days before renewal for the automatic NPS)').optional(),
});

function describe(s: SurveySettings): Reply {
  return {
    messages: [
      message('Survey settings', [
        fields([
          field('Surveys close after', `${s.closeAfterDays} days`),
          field('Fatigue window', s.fatigueDays === 0 ? 'off' : `${s.fatigueDays} days`),
          field('Anonymous results after', `${s.anonymousMinimum} responses`),
          field('Automatic NPS before renewal', s.autoNps.enabled ? `on, ${s.autoNps.leadDays} days before` : 'off'),
        ]),
        context('Change with /survey settings close=7 fatigue=30 minimum=3 auto=on lead=120'),
      ]),
    ],
  };
}

export async function surveySettingsCommand(ctx: CommandContext, args: Token[], usage: string, example: string): Promise<Reply> {
  const { options, unknown, words } = splitOptions(args, KEYS);
  if (unknown[0] || words.length > 0) {
    throw new UserError(`Unknown setting "${unknown[0]?.key ?? words[0]!.text}".`, { hint: `Settings: ${KEYS.join(', ')}.`, usage, example });
  }
  if (Object.keys(options).length === 0) return describe(surveySettings(ctx.workspace));
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(options).map(([k, v]) => [k, v.toLowerCase()])));
  if (!parsed.success) throw new UserError(parsed.error.issues[0]!.message + '.', { usage, example });
  const o = parsed.data;
  const admin = await requireAdmin(ctx, 'change survey settings');
  const { workspace, auditId } = await ctx.db.transaction((tx) =>
    updateWorkspaceSettings(
      tx,
      ctx.workspace.id,
      (current) => {
        const previous = surveySettings({ settings: current as Record<string, unknown> });
        const next: SurveySettings = {
          closeAfterDays: o.close ?? previous.closeAfterDays,
          fatigueDays: o.fatigue ?? previous.fatigueDays,
          anonymousMinimum: o.minimum ?? previous.anonymousMinimum,
          autoNps: { enabled: o.auto === undefined ? previous.autoNps.enabled : o.auto === 'on', leadDays: o.lead ?? previous.autoNps.leadDays },
        };
        // The defaults written out where none were stored would be audited as a change.
        return JSON.stringify(next) === JSON.stringify(previous) ? current : { ...current, surveys: next };
      },
      { userId: ctx.user.id, now: ctx.now },
    ),
  );
  const reply = describe(surveySettings(workspace));
  if (!auditId) {
    reply.messages[0]!.blocks.unshift({ kind: 'text', text: 'Survey settings unchanged: they already were as you asked.' });
    return withClaimNotice(reply, admin);
  }
  // Confirmed in the channel, as every settings change is: the team sees what changed, and its Undo.
  const saved = { ...reply.messages[0]!, visibility: 'channel' as const, tone: 'success' as const };
  saved.blocks.unshift({ kind: 'text', text: '✅ Survey settings saved.' });
  reply.messages[0] = withSettingsUndo(ctx, saved, 'survey', auditId);
  return withClaimNotice(reply, admin);
}
