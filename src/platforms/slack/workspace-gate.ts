// After the signature check, before Bolt: which workspace a signed request is for.
// A payload that does not say (an interaction with `team: null` and no user) is a
// 400 here; Bolt would throw on it and answer 500. In single-workspace mode a request
// for another workspace never reaches Bolt, so nothing is created for it: commands and
// interactions are answered 401; Events API deliveries 200, because Slack retries an
// event it was refused and turns off event delivery for the whole app when most
// deliveries fail, which would silence the workspace that is ours.
import { parse as parseQuery } from 'node:querystring';
import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { Logger } from '../../log.js';
import { servesWorkspace, type BotIdentity, type RequestWorkspace } from './single-authorize.js';

type Kind = 'event' | 'command' | 'interaction';
export type Destination = { kind: Kind; workspace: RequestWorkspace } | { kind: 'other' } | { kind: 'malformed'; reason: string };

const id = z.string().min(1);
const eventEnvelope = z.object({
  event: z.object({}).passthrough(),
  team_id: id.optional(),
  enterprise_id: id.nullish(),
  authorizations: z.array(z.object({ team_id: id.nullish(), enterprise_id: id.nullish() }).passthrough()).optional(),
});
const slashCommand = z.object({ team_id: id, enterprise_id: id.optional() });
const interaction = z.object({
  type: z.string().optional(),
  user: z.object({ id, team_id: id.optional() }).passthrough(),
  team: z.object({ id, enterprise_id: id.optional() }).passthrough().nullish(),
  enterprise: z.object({ id }).passthrough().nullish(),
});
const viewInteraction = interaction.extend({ view: z.object({ app_installed_team_id: id.optional() }).passthrough() });

/** The body as Bolt's ExpressReceiver reads it (the same content-type test, the same parsers). */
function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  const text = raw.toString('utf8');
  if (contentType === 'application/x-www-form-urlencoded') {
    const fields = parseQuery(text);
    return typeof fields.payload === 'string' ? JSON.parse(fields.payload) : fields;
  }
  return JSON.parse(text);
}

/**
 * The workspace a request is for, by the fields Bolt's authorize reads, in its order:
 * an event's installation (`authorizations`) before its `team_id` (in a shared channel
 * that can be the channel's other workspace); an interaction's `team`, never the
 * user's own team unless `team` is null (org-wide installs); a modal's installing team.
 */
export function destinationOf(raw: Buffer, contentType: string | undefined): Destination {
  let body: Record<string, unknown>;
  try {
    const parsed = parseBody(raw, contentType);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return { kind: 'malformed', reason: 'the body is not an object' };
    body = parsed as Record<string, unknown>;
  } catch {
    return { kind: 'malformed', reason: 'unreadable body' };
  }
  const type = body.type;
  if (body.ssl_check !== undefined || type === 'url_verification') return { kind: 'other' };
  // The kinds Bolt dispatches, told apart as it does (getTypeAndConversation).
  if (body.event !== undefined) {
    const e = eventEnvelope.safeParse(body);
    if (!e.success) return { kind: 'malformed', reason: 'an event without its event object' };
    const installation = e.data.authorizations?.[0];
    const teamId = installation && installation.team_id !== null ? installation.team_id : e.data.team_id;
    const enterpriseId = installation ? installation.enterprise_id : e.data.enterprise_id;
    return named('event', { teamId: teamId ?? undefined, enterpriseId: enterpriseId ?? undefined });
  }
  if (body.command !== undefined) {
    const c = slashCommand.safeParse(body);
    if (!c.success) return { kind: 'malformed', reason: 'a command without its team_id' };
    return named('command', { teamId: c.data.team_id, enterpriseId: c.data.enterprise_id });
  }
  const isView = type === 'view_submission' || type === 'view_closed';
  const isInteraction =
    isView || body.name !== undefined || body.actions !== undefined || ['block_suggestion', 'dialog_submission', 'shortcut', 'message_action'].includes(String(type));
  if (!isInteraction) return { kind: 'other' };
  const i = (isView ? viewInteraction : interaction).safeParse(body);
  if (!i.success) return { kind: 'malformed', reason: `a ${String(type ?? 'interaction')} payload without ${isView ? 'its view, ' : ''}a user or a team` };
  const installedTeam = isView ? (i.data as z.infer<typeof viewInteraction>).view.app_installed_team_id : undefined;
  return named('interaction', {
    teamId: installedTeam || (i.data.team ? i.data.team.id : i.data.user.team_id),
    enterpriseId: i.data.enterprise?.id ?? i.data.team?.enterprise_id,
  });
}

function named(kind: Kind, workspace: RequestWorkspace): Destination {
  if (!workspace.teamId && !workspace.enterpriseId) return { kind: 'malformed', reason: `a ${kind} that names no workspace` };
  return { kind, workspace };
}

export interface GateOptions {
  logger: Logger;
  /** Single-workspace mode: whose token this is. OAuth: absent, and each installation is looked up by Bolt. */
  identity?: () => Promise<BotIdentity>;
}

export function slackWorkspaceGate(options: GateOptions) {
  const { logger } = options;
  return async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const raw = (req as Request & { rawBody?: Buffer }).rawBody ?? Buffer.alloc(0);
    const destination = destinationOf(raw, req.headers['content-type']);
    if (destination.kind === 'malformed') {
      logger.warn({ reason: destination.reason, ip: req.ip }, 'refused a signed Slack request that does not say which workspace it is for');
      res.status(400).json({ error: `malformed Slack payload: ${destination.reason}` });
      return;
    }
    if (destination.kind === 'other' || !options.identity) return next();
    let bot: BotIdentity;
    try {
      bot = await options.identity();
    } catch (err) {
      // Unknown whose token this is: nothing can be served safely. Slack retries events.
      logger.warn({ err }, "Slack did not say whose bot token this is (auth.test); refused the request");
      res.status(503).json({ error: 'not ready: could not reach Slack to check the bot token; try again' });
      return;
    }
    if (servesWorkspace(bot, destination.workspace)) return next();
    const { teamId, enterpriseId } = destination.workspace;
    const about = { kind: destination.kind, teamId, enterpriseId, servedTeamId: bot.teamId, servedEnterpriseId: bot.enterpriseId, ip: req.ip };
    if (destination.kind === 'event') {
      logger.info(about, 'ignored a Slack event for a workspace this server does not serve');
      res.status(200).end();
      return;
    }
    logger.warn(about, 'refused a Slack request for a workspace this server does not serve');
    res.status(401).json({ error: 'this Tenure server does not serve that Slack workspace' });
  };
}
