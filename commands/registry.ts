// The command registry: name → command, and the single dispatch every adapter
// uses for typed text, button presses and form submissions. It turns a UserError
// into an answer with usage and an example, and anything unexpected into a short
// apology with an error id (the details go to the log, never to the user).
import { randomBytes } from 'node:crypto';
import { isUnavailable, UnavailableError, UserError } from '../src/core/errors.js';
import { context, message, text, usageMessage } from '../src/messages/builders.js';
import type { FormSubmission, Message, Reply } from '../src/messages/message.js';
import { accountCommand } from './account.js';
import { checkinCommand } from './checkin.js';
import { ticketCommand } from './ticket.js';
import { surveyCommand } from './survey.js';
import { healthCommand } from './health.js';
import { renewalCommand, renewalsCommand } from './renewal.js';
import { kpisCommand } from './kpis.js';
import { digestCommand } from './digest.js';
import { exportCommand } from './export.js';
import { usageCommand } from './usage.js';
import { adminCommand } from './admin.js';
import { tokenCommand } from './token.js';
import { settingsCommand } from './settings.js';
import { alertsTenureCommand } from './alerts.js';
import { CSV_IMPORT_ACTIONS } from './csv-import.js';
import { connectCommand, type ConnectRuntime } from './connect.js';
import { CHECKIN_SHORTCUTS, type ChatShortcut } from './checkin-from-message.js';
import type { CommandContext, ErrorLog } from './context.js';
import { asTyped, commandSuggestion, lineFor, slashName, subcommandSuggestion } from './suggestions.js';
import { channelStanding, noteChannelSharing, type ChannelStanding } from '../src/core/channel-kinds.js';
import { confineReply, mayNeedConfining } from '../src/core/posting-rule.js';
import { cleanText, tokenize, type Token } from './parse.js';

export type ActionHandler = (ctx: CommandContext, value: string) => Promise<Reply>;
export type FormHandler = (ctx: CommandContext, values: Record<string, string>, state: Record<string, string>) => Promise<FormSubmission>;

export interface CommandDefinition {
  name: string;
  /** One line for the command list, the manifests and help. */
  summary: string;
  /** Usage lines, most common first. The first is the manifests' usage hint. */
  usage: string[];
  examples: string[];
  run(ctx: CommandContext, args: Token[]): Promise<Reply>;
  actions?: Record<string, ActionHandler>;
  forms?: Record<string, FormHandler>;
  /** Only typed as `/tenure <name> …` (no slash command of its own in the Slack manifest). */
  tenureOnly?: boolean;
  /** Other words people type for a subcommand (`close` → `resolve`): usage lines and suggestions read them as it. */
  aliases?: Record<string, string>;
}

const HELP_WORDS = new Set(['help', '--help', '-h', '?']);

/**
 * The longest command any door takes (Slack's own slash-command limit; the console's).
 * Teams and the API have no such limit of their own, and some of what reads a command
 * (close-name matching) costs more with its length: measured here, before anything else.
 */
export const COMMAND_MAX_CHARS = 4_000;

/** The usage line for what was typed: its subcommand's line when there is one (as typed: suggestions.ts), else the first. */
const usageFor = (command: CommandDefinition, input: unknown): string => lineFor(command, command.usage, input);
const exampleFor = (command: CommandDefinition, input: unknown): string => lineFor(command, command.examples, input);

function errorId(): string {
  return randomBytes(4).toString('hex');
}

export class Registry {
  readonly commands = new Map<string, CommandDefinition>();
  private readonly actions = new Map<string, { command?: CommandDefinition; handler: ActionHandler }>();
  private readonly forms = new Map<string, { command: CommandDefinition; handler: FormHandler }>();

  constructor(
    definitions: CommandDefinition[],
    private readonly log: ErrorLog,
    /** Buttons no typed command owns (a CSV shared in chat: commands/csv-import.ts). */
    standaloneActions: Record<string, ActionHandler> = {},
  ) {
    for (const [id, handler] of Object.entries(standaloneActions)) this.actions.set(id, { handler });
    for (const def of definitions) {
      this.commands.set(def.name, def);
      for (const [id, handler] of Object.entries(def.actions ?? {})) this.actions.set(id, { command: def, handler });
      for (const [id, handler] of Object.entries(def.forms ?? {})) this.forms.set(id, { command: def, handler });
    }
  }

  list(): CommandDefinition[] {
    return [...this.commands.values()];
  }

  /**
   * Runs a typed command: `/checkin Acme call …`, `checkin Acme call …` (Teams),
   * or `/tenure checkin Acme call …`. Always answers with at least one message.
   */
  async run(ctx: CommandContext, input: string): Promise<Reply> {
    let command: CommandDefinition | undefined;
    try {
      const placed = await this.placed(ctx);
      ctx = placed;
      if (input.length > COMMAND_MAX_CHARS) {
        throw new UserError(`That command is ${input.length.toLocaleString('en-US')} characters long; a command takes at most ${COMMAND_MAX_CHARS.toLocaleString('en-US')}.`, {
          hint: 'Shorten it: notes take up to 3,000 characters. For many rows at once, share a CSV file (see /tenure help).',
        });
      }
      const tokens = tokenize(input);
      let first = tokens[0]?.text.replace(/^\//, '').toLowerCase() ?? '';
      let rest = tokens.slice(1);
      if (first === 'tenure') {
        first = rest[0]?.text.replace(/^\//, '').toLowerCase() ?? '';
        rest = rest.slice(1);
      }
      if (first === '' || HELP_WORDS.has(first)) return { messages: [this.overview()] };
      command = this.commands.get(first);
      if (!command) {
        throw new UserError(`There is no command "${first}".`, { hint: commandSuggestion(first, input, this.list()) });
      }
      const wantsHelp =
        rest.length > 0 &&
        !rest[0]!.quoted &&
        (HELP_WORDS.has(rest[0]!.text.toLowerCase()) || (rest.length === 2 && !rest[1]!.quoted && HELP_WORDS.has(rest[1]!.text.toLowerCase())));
      if (wantsHelp) return { messages: [this.usage(command)] };
      return await this.confine(placed, await command.run(placed, rest));
    } catch (err) {
      return { messages: [this.explain(err, command, { input, ctx })] };
    }
  }

  /**
   * A reply made outside a command (a CSV shared in a channel) as its channel may take it:
   * the same posting rule as every command's answer.
   */
  async answerIn(ctx: CommandContext, reply: Reply): Promise<Reply> {
    return this.confine(await this.placed(ctx), reply);
  }

  /** The context with what its channel counts as, keeping what the platform said about its sharing. */
  private async placed(ctx: CommandContext): Promise<CommandContext & { standing: () => Promise<ChannelStanding> }> {
    // What the platform said about the channel's sharing is kept at once (jobs read it);
    // otherwise the lookup waits until something asks: most answers are private anyway.
    let known: Promise<ChannelStanding> | undefined;
    if (ctx.channel.sharedExternally !== undefined) {
      const stored = await channelStanding(ctx.db, ctx.workspace.id, ctx.channel.id);
      known = Promise.resolve(await noteChannelSharing(ctx.db, ctx.workspace.id, stored, ctx.channel.sharedExternally, ctx.now));
    }
    return { ...ctx, standing: () => (known ??= channelStanding(ctx.db, ctx.workspace.id, ctx.channel.id)) };
  }

  /** The reply as the channel may take it (src/core/posting-rule.ts); what it must not deliver is logged. */
  private async confine(ctx: CommandContext & { standing: () => Promise<ChannelStanding> }, reply: Reply): Promise<Reply> {
    if (!mayNeedConfining(reply)) return reply;
    const kinds = new Map<string, ChannelStanding['kind']>();
    for (const d of reply.deliveries ?? []) {
      if (!kinds.has(d.channelId)) kinds.set(d.channelId, (await channelStanding(ctx.db, ctx.workspace.id, d.channelId)).kind);
    }
    const { reply: confined, withheld } = confineReply(reply, (await ctx.standing()).kind, (id) => kinds.get(id) ?? 'unlinked');
    for (const d of withheld) {
      this.log.error({ workspaceId: ctx.workspace.id, channelId: d.channelId, text: d.message.text }, 'an internal message was bound for a customer channel: withheld');
    }
    return confined;
  }

  /** A button press: `id` names the action, `value` is what the button carried. */
  async press(ctx: CommandContext, id: string, value: string): Promise<Reply> {
    const entry = this.actions.get(id);
    try {
      if (!entry) throw new UserError('That button is no longer available. Run the command again.');
      const placed = await this.placed(ctx);
      return await this.confine(placed, await entry.handler(placed, cleanText(value)));
    } catch (err) {
      return { messages: [this.explain(err, entry?.command, { action: id, ctx })] };
    }
  }

  /** A form submission. Field errors go back to the form; nothing is saved until it is valid. */
  async submit(ctx: CommandContext, formId: string, values: Record<string, string>, state: Record<string, string> = {}): Promise<FormSubmission> {
    const entry = this.forms.get(formId);
    try {
      if (!entry) throw new UserError('That form is no longer available. Run the command again.');
      const clean = (record: Record<string, string>) =>
        Object.fromEntries(Object.entries(record).map(([k, v]) => [k, cleanText(String(v))]));
      const placed = await this.placed(ctx);
      const submission = await entry.handler(placed, clean(values), clean(state));
      return submission.ok ? { ok: true, reply: await this.confine(placed, submission.reply) } : submission;
    } catch (err) {
      return { ok: true, reply: { messages: [this.explain(err, entry?.command, { form: formId, ctx })] } };
    }
  }

  usage(command: CommandDefinition): Message {
    return usageMessage(slashName(command), command.summary, command.usage, command.examples);
  }

  overview(): Message {
    const blocks = [
      text('**Tenure** keeps your customer-success practice in chat. Commands:'),
      ...this.list().map((c) => text([`**${slashName(c)}** — ${c.summary}`, ...c.usage.map((u) => `  \`${u}\``)].join('\n'))),
      context('Type help after any command for its usage and examples, e.g. /checkin help. Every command also works as /tenure <command> ….'),
    ];
    return message('Tenure commands', blocks);
  }

  /**
   * The answer for an error: a UserError's message with usage and example, an
   * outage's "nothing was saved", or an apology with an error id (logged).
   * Adapters use it for failures outside a command, e.g. while identifying the user.
   */
  explain(err: unknown, command: CommandDefinition | undefined, where: { ctx?: CommandContext } & Record<string, unknown>): Message {
    if (err instanceof UserError) {
      // A line the error gave is shown with the word typed for its subcommand too (`/ticket close <id>`).
      const usage = err.details.usage && command ? asTyped(command, err.details.usage, where.input) : (err.details.usage ?? (command ? usageFor(command, where.input) : undefined));
      const example = err.details.example && command ? asTyped(command, err.details.example, where.input) : (err.details.example ?? (command ? exampleFor(command, where.input) : undefined));
      const blocks = [text(`⚠️ ${err.message}`)];
      if (err.details.hint) blocks.push(text(err.details.hint));
      const meant = command ? subcommandSuggestion(command, where.input) : undefined;
      if (meant) blocks.push(text(meant));
      if (usage) blocks.push(context(`Usage: \`${usage}\``));
      if (example) blocks.push(context(`Example: \`${example}\``));
      return message(err.message, blocks, { tone: 'error' });
    }
    if (isUnavailable(err)) {
      const unavailable = new UnavailableError();
      this.log.error({ err, workspaceId: where.ctx?.workspace.id, command: command?.name }, 'database unavailable');
      return message(unavailable.message, [text(`⚠️ ${unavailable.message}`)], { tone: 'error' });
    }
    const id = errorId();
    const { ctx, ...rest } = where;
    this.log.error(
      { err, errorId: id, workspaceId: ctx?.workspace.id, userId: ctx?.user.id, channelId: ctx?.channel.id, command: command?.name, ...rest },
      'command failed',
    );
    const sorry = `Sorry, something went wrong on our side (error id ${id}). Nothing you typed was lost: please try again, and quote the id if it keeps happening.`;
    return message(sorry, [text(sorry)], { tone: 'error' });
  }
}

export const COMMANDS: CommandDefinition[] = [accountCommand, checkinCommand, ticketCommand, surveyCommand, usageCommand, healthCommand, renewalsCommand, renewalCommand, digestCommand, kpisCommand, exportCommand, adminCommand, tokenCommand, settingsCommand, alertsTenureCommand, connectCommand()];

/** Shortcuts the platforms offer on their menus (Slack's manifest features.shortcuts); each presses a registry action. */
export const SHORTCUTS: ChatShortcut[] = [...CHECKIN_SHORTCUTS];

/** `connect`: what /tenure connect needs from the server (TENURE_SECRET_KEY, the public URL); without it the command says what is missing. */
export function createRegistry(log: ErrorLog, options: { connect?: ConnectRuntime } = {}): Registry {
  const commands = options.connect ? COMMANDS.map((c) => (c.name === 'connect' ? connectCommand(options.connect) : c)) : COMMANDS;
  return new Registry(commands, log, CSV_IMPORT_ACTIONS);
}
