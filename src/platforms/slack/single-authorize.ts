// Single-workspace mode (SLACK_BOT_TOKEN): who the bot token belongs to, and the rule
// that only that workspace is served. The app's signing secret signs the requests of
// every workspace the app is installed in, so a valid signature alone does not make
// a request ours: the workspace it is for must be the token's (or, for an org-wide
// token, its Enterprise Grid organisation must be the token's).
//
// The identity is asked of Slack (auth.test) when first needed and kept only once
// Slack has answered. Bolt's own `token` option keeps the first promise for the life
// of the process: if Slack was slow or unreachable at that moment, every later event
// is refused until a restart. Here a failure is retried by the next request.
import type { Authorize, AuthorizeResult, AuthorizeSourceData } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

export interface BotIdentity {
  teamId?: string;
  enterpriseId?: string;
  /** An org-wide install: one token for every workspace of the organisation. */
  isEnterpriseInstall: boolean;
  botId?: string;
  botUserId?: string;
}

/** The workspace a request is for (Bolt's `source`: team.id / team_id, not the user's team). */
export interface RequestWorkspace {
  teamId?: string | undefined;
  enterpriseId?: string | undefined;
}

export function servesWorkspace(bot: BotIdentity, request: RequestWorkspace): boolean {
  if (bot.isEnterpriseInstall) return bot.enterpriseId !== undefined && request.enterpriseId === bot.enterpriseId;
  return bot.teamId !== undefined && request.teamId === bot.teamId;
}

/** A request for a workspace this bot token does not belong to. */
export class ForeignWorkspaceError extends Error {
  constructor(readonly request: RequestWorkspace) {
    super(`this server serves one Slack workspace; the request is for team ${request.teamId ?? '(none)'}${request.enterpriseId ? ` of ${request.enterpriseId}` : ''}`);
    this.name = 'ForeignWorkspaceError';
  }
}

export interface SingleWorkspace {
  identity(): Promise<BotIdentity>;
  /** Bolt's authorize: the bot token for the token's own workspace; a ForeignWorkspaceError for any other. */
  authorize: Authorize<boolean>;
}

export function singleWorkspace(client: WebClient, botToken: string): SingleWorkspace {
  let pending: Promise<BotIdentity> | undefined;
  const identity = () => {
    if (!pending) {
      const attempt = client.auth.test({ token: botToken }).then(
        (r): BotIdentity => ({
          isEnterpriseInstall: r.is_enterprise_install === true,
          ...(r.team_id ? { teamId: r.team_id } : {}),
          ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
          ...(r.bot_id ? { botId: r.bot_id } : {}),
          ...(r.user_id ? { botUserId: r.user_id } : {}),
        }),
      );
      pending = attempt;
      // Forget a failure so the next request asks Slack again.
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
  const authorize = async (source: AuthorizeSourceData<boolean>): Promise<AuthorizeResult> => {
    const bot = await identity();
    // Over HTTP the workspace gate has refused these already; Socket Mode has no gate.
    if (!servesWorkspace(bot, source)) throw new ForeignWorkspaceError({ teamId: source.teamId, enterpriseId: source.enterpriseId });
    return {
      botToken,
      ...(bot.botId ? { botId: bot.botId } : {}),
      ...(bot.botUserId ? { botUserId: bot.botUserId } : {}),
      // An org-wide token serves many workspaces: Bolt then keeps the request's own team.
      ...(bot.teamId && !bot.isEnterpriseInstall ? { teamId: bot.teamId } : {}),
      ...(bot.enterpriseId ? { enterpriseId: bot.enterpriseId } : {}),
    };
  };
  return { identity, authorize };
}
