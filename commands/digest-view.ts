// The weekly health digest as a message: the layout both the scheduled job and
// /digest now post. The job decides when and where; this decides what it says.
import type { Db } from '../db/client.js';
import { digestData, type DigestData } from '../src/core/digest.js';
import { BAND_ICON, NOT_ENOUGH_DATA } from '../src/core/health.js';
import { formatMoneyShort } from '../src/core/money.js';
import { healthConfigFor } from '../src/core/settings.js';
import { formatDay, relativeDays } from '../src/core/time.js';
import type { Workspace } from '../src/core/workspaces.js';
import { context, header, message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import { formatChange, formatNpsFrom } from './format.js';

const LIST_MAX = 8;
const more = (n: number) => (n > 0 ? ` …and ${n} more` : '');

export function digestMessage(d: DigestData, currency: string): Message {
  const bandLine = (['green', 'yellow', 'red'] as const)
    .map((b) => `${BAND_ICON[b]} ${d.bands[b].now} ${b}${d.bands[b].weekAgo === null ? '' : ` (${formatChange(d.bands[b].now - d.bands[b].weekAgo)})`}`)
    .concat(d.notEnoughData > 0 ? [`${BAND_ICON.insufficient} ${d.notEnoughData} ${NOT_ENOUGH_DATA}`] : [])
    .join(' · ');
  const blocks = [header(`Weekly health digest — ${formatDay(d.today)}`)];
  if (d.overdueRenewals.length > 0) {
    // On top: the one item here that is already late and needs someone to act.
    blocks.push(
      text(
        [`**⚠️ Overdue renewals — record an outcome (${d.overdueRenewals.length})**`, ...d.overdueRenewals.slice(0, LIST_MAX).map((r) => `• ${r.name} — ${formatDay(r.renewalDate)} (${relativeDays(r.daysLeft)})${r.arrCents !== null ? `, ${formatMoneyShort(r.arrCents, currency)}` : ''}`)].join('\n') +
          more(d.overdueRenewals.length - LIST_MAX),
      ),
    );
  }
  blocks.push(text(`**${d.accounts} accounts:** ${bandLine}${d.bands.green.weekAgo === null ? ' (no snapshot from last week yet)' : ' vs last week'}`));
  if (d.bandChanges.length > 0) {
    blocks.push(text(['**Changed band**', ...d.bandChanges.slice(0, LIST_MAX).map((c) => `• ${c.name}: ${BAND_ICON[c.from]} ${c.from} → ${BAND_ICON[c.to]} ${c.to} (${c.score})`)].join('\n') + more(d.bandChanges.length - LIST_MAX)));
  }
  blocks.push(
    text(
      d.atRiskRenewals.length === 0
        ? '**At-risk renewals (90 days):** none'
        : ['**At-risk renewals (90 days)**', ...d.atRiskRenewals.slice(0, LIST_MAX).map((r) => `• ${r.name} — ${formatDay(r.renewalDate)} (in ${r.daysLeft} days)${r.arrCents !== null ? `, ${formatMoneyShort(r.arrCents, currency)}` : ''}: ${r.reasons.join(', ')}`)].join('\n') +
            more(d.atRiskRenewals.length - LIST_MAX),
    ),
  );
  blocks.push(
    text(
      d.overdueByOwner.length === 0
        ? '**Overdue check-ins:** none'
        : ['**Overdue check-ins by owner**', ...d.overdueByOwner.slice(0, LIST_MAX).map((o) => `• ${o.owner === 'no owner' ? 'no owner' : `@${o.owner}`}: ${o.accounts.slice(0, 5).map((a) => a.name).join(', ')}${more(o.accounts.length - 5)}`)].join('\n') +
            more(d.overdueByOwner.length - LIST_MAX),
    ),
  );
  const nps = formatNpsFrom(d.npsThisQuarter, 'no answers yet');
  const critical = d.openCritical.length === 0 ? 'none' : d.openCritical.slice(0, LIST_MAX).map((c) => `${c.name} (${c.count})`).join(', ') + more(d.openCritical.length - LIST_MAX);
  blocks.push(
    text(
      [
        `**SLA breaches this week:** ${d.slaBreachesThisWeek.count}${d.slaBreachesThisWeek.count > 0 ? ` — ${d.slaBreachesThisWeek.accounts.slice(0, LIST_MAX).join(', ')}${more(d.slaBreachesThisWeek.accounts.length - LIST_MAX)}` : ''}`,
        `**NPS this quarter** (since ${formatDay(d.npsThisQuarter.since)}): ${nps}`,
        `**Open critical tickets:** ${critical}`,
      ].join('\n'),
    ),
    context('Details: /health · /renewals · /kpis. Change the schedule with /digest schedule mon 09:00, stop it with /digest off.'),
  );
  const overdue = d.overdueRenewals.length > 0 ? `; ${d.overdueRenewals.length} overdue renewals — record an outcome` : '';
  const unscored = d.notEnoughData > 0 ? `, ${d.notEnoughData} ${NOT_ENOUGH_DATA}` : '';
  return message(`Weekly health digest: ${d.bands.green.now} green, ${d.bands.yellow.now} yellow, ${d.bands.red.now} red${unscored}; ${d.atRiskRenewals.length} at-risk renewals${overdue}`, blocks, { visibility: 'channel' });
}

export async function buildDigest(db: Db, workspace: Workspace, now: Date, timezone: string): Promise<Message> {
  const data = await digestData(db, workspace.id, { now, timezone, config: healthConfigFor(workspace) });
  return digestMessage(data, workspace.currency);
}

