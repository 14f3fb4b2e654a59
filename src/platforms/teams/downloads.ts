// Files for Teams: a bot cannot upload into a channel (files.uploadV2 has no Teams
// counterpart), so an export arrives as a card with a short-lived signed download
// link, served by our own HTTP server (src/http/exports.ts), that works in channels,
// group chats and the personal chat alike.
import { EXPORT_LINK_TTL_MS, type ExportLinks } from '../../http/exports.js';
import { EXPORT_KINDS, type ExportKind } from '../../data/export.js';
import type { ReplyFile } from '../../messages/message.js';
import { cardActivity, emptyCard, escapeMarkdown, plainTitle, CARD_LIMITS } from './cards.js';

export interface TeamsDownloads {
  links: ExportLinks;
  /** TENURE_PUBLIC_URL; without it, the origin Teams sent the activity to. */
  publicUrl?: string;
}

function isExportKind(kind: string | undefined): kind is ExportKind {
  return (EXPORT_KINDS as readonly string[]).includes(kind ?? '');
}

/**
 * A card with one download button per exported file, or undefined when nothing can
 * be linked. `requestOrigin`: where the activity being handled was addressed, our
 * public origin as the Bot connector sees it (TENURE_PUBLIC_URL comes first).
 */
export function downloadsActivity(requestOrigin: string | undefined, downloads: TeamsDownloads, workspaceId: string, files: ReplyFile[], now: Date) {
  const origin = downloads.publicUrl ?? requestOrigin;
  const linked = files.filter((f) => isExportKind(f.exportKind));
  if (!origin || linked.length === 0) return undefined;
  const minutes = Math.round(EXPORT_LINK_TTL_MS / 60_000);
  const buttons = linked.map((f) => ({
    type: 'Action.OpenUrl',
    title: plainTitle(`Download ${f.filename}`, CARD_LIMITS.buttonTitle),
    url: `${origin}${downloads.links.sign(workspaceId, f.exportKind as ExportKind, now, f.exportArchived).path}`,
  }));
  const names = linked.map((f) => `**${escapeMarkdown(f.filename)}**`).join(', ');
  const card = emptyCard(
    [
      { type: 'TextBlock', text: `⬇️ ${names} ready to download.`, wrap: true },
      { type: 'TextBlock', text: `Anyone with the link can download it for ${minutes} minutes; the file is made from the current data when it is opened. Run /export again for a fresh link.`, wrap: true, isSubtle: true, size: 'Small' },
      ...Array.from({ length: Math.ceil(buttons.length / CARD_LIMITS.actionsPerSet) }, (_v, i) => ({
        type: 'ActionSet',
        actions: buttons.slice(i * CARD_LIMITS.actionsPerSet, (i + 1) * CARD_LIMITS.actionsPerSet),
      })),
    ],
    `Download ${linked.map((f) => f.filename).join(', ')}`,
  );
  return cardActivity(card, `Download ${linked.map((f) => f.filename).join(', ')}`);
}
