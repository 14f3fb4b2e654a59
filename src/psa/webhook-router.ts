// The webhook route every PSA connection posts to, POST /psa/webhooks/<connection id>,
// on the shared server. The body is read raw (signatures are over the exact bytes),
// within the /psa/ body limit (src/http/body-limit.ts).
import express, { type Router } from 'express';
import type { PsaDeps } from './sync.js';
import { receiveWebhook } from './webhooks.js';

export const WEBHOOK_PATH = '/psa/webhooks';
export const WEBHOOK_BODY_LIMIT = '256kb';

export function webhookUrl(publicUrl: string, connectionId: string): string {
  return `${publicUrl.replace(/(?<!\/)\/+$/, '')}${WEBHOOK_PATH}/${connectionId}`;
}

export function psaWebhookRouter(deps: PsaDeps & { clock: () => Date }): Router {
  const router = express.Router();
  router.post(`${WEBHOOK_PATH}/:connectionId`, express.text({ type: () => true, limit: WEBHOOK_BODY_LIMIT }), async (req, res, next) => {
    try {
      const headers: Record<string, string | undefined> = {};
      for (const [name, value] of Object.entries(req.headers)) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      const answer = await receiveWebhook(deps, String(req.params.connectionId), { headers, rawBody: typeof req.body === 'string' ? req.body : '' }, deps.clock());
      res.status(answer.status).json(answer.body);
    } catch (err) {
      next(err);
    }
  });
  return router;
}
