// The console's channel feed: what jobs post (SLA alerts, digests) and what a reply
// delivers elsewhere (a detractor alert for the account's internal channel) is kept
// in memory per channel, and the page polls GET /console/feed for what is new.
// Local mode only; a restart starts an empty feed (the ledger still knows what
// was posted, so nothing is posted again).
import type { Workspace } from '../../core/workspaces.js';
import type { ChannelDelivery } from '../../jobs/delivery.js';
import type { Message } from '../../messages/message.js';

export interface FeedEntry {
  seq: number;
  channelId: string;
  at: Date;
  message: Message;
}

export class ConsoleFeed implements ChannelDelivery {
  private seq = 0;
  private readonly channels = new Map<string, FeedEntry[]>();

  /** `keep`: how many messages a channel remembers. */
  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly keep = 200,
  ) {}

  async post(_workspace: Workspace, channelId: string, message: Message): Promise<void> {
    this.add(channelId, message);
  }

  /** Puts a message in a channel's feed (a job's post, or a reply's delivery to another channel or person). */
  add(channelId: string, message: Message): void {
    const entries = this.channels.get(channelId) ?? [];
    entries.push({ seq: ++this.seq, channelId, at: this.clock(), message });
    if (entries.length > this.keep) entries.splice(0, entries.length - this.keep);
    this.channels.set(channelId, entries);
  }

  /** A channel's messages after sequence number `after`, oldest first, and the newest sequence number. */
  since(channelId: string, after: number): { entries: FeedEntry[]; last: number } {
    // A page that saw a previous process's feed asks for numbers this one never gave: start over.
    const from = after > this.seq ? 0 : after;
    const entries = (this.channels.get(channelId) ?? []).filter((e) => e.seq > from);
    return { entries, last: Math.max(from, entries[entries.length - 1]?.seq ?? 0) };
  }
}
