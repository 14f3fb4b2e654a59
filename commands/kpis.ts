// /kpis: the portfolio's business KPIs on one card, with the assumptions stated.
import { formatCsat } from '../src/core/csat.js';
import { DEFAULT_MARGIN, LIFETIME_CAP_YEARS, portfolioKpis, type Kpis } from '../src/core/kpis.js';
import { formatMoney, formatMoneyShort } from '../src/core/money.js';
import { formatDay } from '../src/core/time.js';
import { formatNpsFrom } from './format.js';
import { workspaceSettings } from '../src/core/settings.js';
import { context, field, fields, header, message, text } from '../src/messages/builders.js';
import type { Message, Reply } from '../src/messages/message.js';
import { UserError } from '../src/core/errors.js';
import type { CommandContext } from './context.js';
import type { Token } from './parse.js';
import type { CommandDefinition } from './registry.js';

const pct = (v: number | null, digits = 1) => (v === null ? 'no data' : `${v.toFixed(digits).replace(/\.0+$/, '')}%`);
const GUIDE_LOW = 100_000_000; // $1M in cents
const GUIDE_HIGH = 200_000_000; // $2M

export function ownerLoad(arrCents: number): string {
  if (arrCents > GUIDE_HIGH) return 'over the $1–2M guideline';
  if (arrCents < GUIDE_LOW) return 'under $1M: room for more';
  return 'within $1–2M';
}

/** The CSAT as /survey results shows it: the average of Q1–Q3, truncated, with the threshold it reached. */
function csatFigure({ score, answers }: Kpis['csat']): string {
  if (score === null) return 'no answers';
  return `${formatCsat(score)} of 5 from ${answers} answer${answers === 1 ? '' : 's'}${score.threshold === null ? '' : ` (${score.threshold} reached)`}`;
}

export function kpisMessage(k: Kpis, currency: string): Message {
  const money = (c: number | null) => (c === null ? 'no data' : formatMoney(c, currency));
  const t = k.t12m;
  const blocks = [
    header('Portfolio KPIs'),
    fields([
      field('ARR', money(k.arrCents)),
      field('MRR', money(k.mrrCents)),
      field('Customers', String(k.customers)),
      field('ARPU', k.arpuCents === null ? 'no data' : `${money(k.arpuCents)} a year (${money(Math.round(k.arpuCents / 12))} a month)`),
      field('Gross churn (T12M)', t.grossChurnPct === null ? `no data (no contracts started by ${formatDay(t.since)})` : `${pct(t.grossChurnPct)} — ${t.churnedCustomers} of ${t.customersAtStart} customers${t.grossChurnPct < 2 ? ' (great: < 2%)' : ''}`),
      field('Net revenue retention (T12M)', t.nrrPct === null ? 'no data (no ARR a year ago)' : pct(t.nrrPct)),
      field('Gross revenue retention (T12M)', t.grrPct === null ? 'no data (no ARR a year ago)' : pct(t.grrPct)),
      field('CLV (estimate)', k.clv.cents === null ? 'no data' : money(k.clv.cents)),
      field('NPS (12 months)', formatNpsFrom(k.nps, 'no answers')),
      field('CSAT (12 months)', csatFigure(k.csat)),
      field('Touches per account per month', k.touchesPerAccountMonth === null ? 'no data' : k.touchesPerAccountMonth.toFixed(1)),
    ]),
  ];
  if (k.owners.length > 0) {
    blocks.push(
      text(
        ['**ARR per customer-success owner** (guideline: one person per $1–2M ARR)', ...k.owners.slice(0, 15).map((o) => `• ${o.ownerName ? `@${o.ownerName}` : 'no owner'} — ${formatMoneyShort(o.arrCents, currency)} over ${o.accounts} account${o.accounts === 1 ? '' : 's'}: ${o.ownerName ? ownerLoad(o.arrCents) : 'assign an owner'}`)].join('\n'),
      ),
    );
  }
  const lifetime = k.clv.lifetimeYears === null ? '' : ` Lifetime used: ${k.clv.lifetimeYears.toFixed(1)} years${k.clv.capped ? ` (capped at ${LIFETIME_CAP_YEARS})` : ''}.`;
  blocks.push(
    context(
      `Assumptions: CLV = ARPU × ${Math.round(k.clv.margin * 100)}% gross margin ÷ annual customer churn rate.${lifetime} T12M figures follow the ${t.customersAtStart} customers whose contracts had started by ${formatDay(t.since)} and who had not churned by then, from their ARR on that day to today (starting ARR ${money(t.startingArrCents)}; churned ${money(t.churnedArrCents)}, contraction ${money(t.contractionCents)}, expansion ${money(t.expansionCents)}); customers who joined since are not counted. Churned accounts are left out of ARR and customers.`,
    ),
  );
  return message(`Portfolio KPIs: ARR ${money(k.arrCents)}, ${k.customers} customers, NRR ${pct(t.nrrPct)}`, blocks);
}

export const kpisCommand: CommandDefinition = {
  name: 'kpis',
  summary: 'Portfolio KPIs: ARR/MRR, churn, net retention, ARPU, CLV, NPS, CSAT, touches, ARR per owner',
  usage: ['/kpis'],
  examples: ['/kpis'],
  async run(ctx: CommandContext, args: Token[]): Promise<Reply> {
    if (args.length > 0) throw new UserError('/kpis takes no arguments.');
    const raw = workspaceSettings(ctx.workspace).kpiMargin;
    const margin = typeof raw === 'number' && raw > 0 && raw <= 1 ? raw : DEFAULT_MARGIN;
    const k = await portfolioKpis(ctx.db, ctx.workspace.id, { now: ctx.now, timezone: ctx.workspace.timezone, margin });
    return { messages: [kpisMessage(k, ctx.workspace.currency)] };
  },
};
