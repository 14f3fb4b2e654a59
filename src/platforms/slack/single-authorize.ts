// Single-workspace authorization (SLACK_BOT_TOKEN) that survives a failed start.
// Bolt's own `token` option calls auth.test once and keeps that promise for the life
// of the process: if Slack was slow or unreachable at that moment, every later
// event is refused ("Authorization of incoming event did not succeed") until a
// restart. Here only a successful answer is kept; a failure is retried by the next
// event.
import type { Authorize, AuthorizeResult } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';

export function retryingSingleAuthorize(client: WebClient, botToken: string): Authorize<boolean> {
  let pending: Promise<AuthorizeResult> | undefined;
  return () => {
    if (!pending) {
      const attempt = client.auth.test({ token: botToken }).then(
        (r): AuthorizeResult => ({
          botToken,
          ...(r.bot_id ? { botId: r.bot_id } : {}),
          ...(r.user_id ? { botUserId: r.user_id } : {}),
          ...(r.team_id ? { teamId: r.team_id } : {}),
          ...(r.enterprise_id ? { enterpriseId: r.enterprise_id } : {}),
        }),
      );
      pending = attempt;
      // Forget a failure so the next event asks Slack again.
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
