// The Undo on the confirmation of a PSA's first import (src/core/psa-connect-undo.ts
// does the work): the connection goes as /tenure connect remove takes it. Its value
// names the connection, its connector and the moment the import was confirmed.
import { PSA_CONNECTORS } from '../db/schema.js';
import { UserError } from '../src/core/errors.js';
import { isUuid } from '../src/core/ids.js';
import { undoConnect } from '../src/core/psa-connect-undo.js';
import type { ConnectorName } from '../src/core/ticket-sources.js';
import { message, text } from '../src/messages/builders.js';
import type { Message } from '../src/messages/message.js';
import { connectorFor, type Connector } from '../src/psa/connectors.js';
import { requireAdmin } from './admin.js';
import type { CommandContext } from './context.js';
import type { ActionHandler } from './registry.js';
import { withUndo } from './undo-button.js';

/** The confirmed import of `connectionId` (at ctx.now) with its Undo button. */
export const withConnectUndo = (ctx: CommandContext, shown: Message, connector: Connector, connectionId: string): Message =>
  withUndo(ctx, shown, {
    id: 'connect.undo',
    value: `${connectionId}|${connector.name}|${ctx.now.toISOString()}`,
    madeAt: ctx.now,
    instead: `Later, disconnect it with /tenure connect remove ${connector.name}.`,
  });

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const CONNECT_UNDO_ACTIONS: Record<string, ActionHandler> = {
  async 'connect.undo'(ctx, value) {
    const [connectionId = '', name = '', at = ''] = value.split('|');
    const when = new Date(at);
    const connector = (PSA_CONNECTORS as readonly string[]).includes(name) ? connectorFor(name as ConnectorName) : undefined;
    if (!isUuid(connectionId) || !connector || Number.isNaN(when.getTime())) throw new UserError('That connection can no longer be undone from here. See /tenure connect list.');
    // Connections are an admin's to change, undone or not.
    await requireAdmin(ctx, 'connect a PSA');
    const undone = await undoConnect(ctx.db, ctx.workspace.id, { connectionId, at: when }, { userId: ctx.user.id, now: ctx.now, timezone: ctx.workspace.timezone, label: connector.label });
    const kept = undone.ticketsKept > 0 ? `The ${plural(undone.ticketsKept, 'ticket', 'tickets')} it synced ${undone.ticketsKept === 1 ? 'stays' : 'stay'} in Tenure, with everything typed on ${undone.ticketsKept === 1 ? 'it' : 'them'}` : 'It had synced no tickets';
    const aside = undone.asideRemoved > 0 ? `; the ${plural(undone.asideRemoved, 'ticket', 'tickets')} kept aside for unmatched companies went with it` : '';
    const said = `Undid connecting ${connector.label}: the connection and its credentials are deleted. ${kept}${aside}. Remove Tenure's callback or webhook in the PSA too.`;
    return { messages: [], update: message(said, [text(`↩️ ${said}`)]) };
  },
};
