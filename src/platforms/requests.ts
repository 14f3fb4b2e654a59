// What every platform does with a request before it answers in its own way: find
// who is asking (or an answer saying why that cannot be known, e.g. the database
// is down), and run a submitted form through its command. Each platform parses its
// own payload and shows field errors its own way; this is the part in between.
import type { CommandContext } from '../../commands/context.js';
import type { Registry } from '../../commands/registry.js';
import { notice } from '../messages/builders.js';
import type { Reply } from '../messages/message.js';

export type Identified = { ctx: CommandContext; failure?: undefined } | { ctx?: undefined; failure: Reply };

/** The command context, or the answer explaining why there is none; `where` goes to the log with it. */
export async function identify(registry: Registry, resolve: () => Promise<CommandContext>, where: Record<string, unknown>): Promise<Identified> {
  try {
    return { ctx: await resolve() };
  } catch (err) {
    return { failure: { messages: [registry.explain(err, undefined, where)] } };
  }
}

/** A form as the platform read it back from its payload. */
export interface SubmittedForm {
  formId: string;
  values: Record<string, string>;
  state: Record<string, string>;
}

export type FormOutcome =
  | { ok: true; reply: Reply; ctx?: CommandContext }
  | { ok: false; errors: Record<string, string>; ctx: CommandContext };

/**
 * Runs a submitted form: its command's answer, or the field errors to show on the
 * form (nothing saved). A payload the platform could not read as one of our forms
 * (`undefined`) is answered like an unknown form.
 */
export async function submitForm(registry: Registry, who: Identified, submitted: SubmittedForm | undefined): Promise<FormOutcome> {
  if (!who.ctx) return { ok: true, reply: who.failure };
  if (!submitted) return { ok: true, reply: { messages: [notice('⚠️ That form is no longer available. Run the command again.', { tone: 'error' })] }, ctx: who.ctx };
  const result = await registry.submit(who.ctx, submitted.formId, submitted.values, submitted.state);
  return result.ok ? { ok: true, reply: result.reply, ctx: who.ctx } : { ok: false, errors: result.errors, ctx: who.ctx };
}
