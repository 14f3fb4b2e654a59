// Every part of a Reply as the console page's JSON answer: messages and the update
// rendered, the form as it is (the page draws it), deliveries put in the feed of the
// channel or person they are for, and files kept here for a while and offered as download links.
import { randomBytes } from 'node:crypto';
import type { Form, Reply, ReplyFile } from '../../messages/message.js';
import type { ConsoleFeed } from './feed.js';
import { toConsoleMessage, type ConsoleMessage } from './render.js';

/** Files a reply offered (CSV exports), served once asked for; the oldest go first. */
export class ConsoleFiles {
  private files = new Map<string, ReplyFile>();
  constructor(private readonly keep = 20) {}
  add(file: ReplyFile): string {
    const id = randomBytes(12).toString('hex');
    this.files.set(id, file);
    if (this.files.size > this.keep) this.files.delete(this.files.keys().next().value!);
    return id;
  }
  get(id: string): ReplyFile | undefined {
    return this.files.get(id);
  }
}

export interface ConsoleReply {
  messages: ConsoleMessage[];
  form?: Form;
  update?: ConsoleMessage;
  deliveries?: { channelId: string; message: ConsoleMessage }[];
  files?: { filename: string; title: string; url: string }[];
}

/** Where the JSON answer goes: the route's response (a form's answer wraps it in `ok: true`). */
export type ConsoleReplyTarget = (answer: ConsoleReply) => void;

export type ConsoleReplyDelivery = (reply: Reply, target: ConsoleReplyTarget) => Promise<void>;

/**
 * Deliveries go where they are addressed (a channel's or a person's feed), never into
 * the answer: the person who pressed a survey button must not read the owner's alert.
 */
export function consoleReplyDelivery(files: ConsoleFiles, feed: Pick<ConsoleFeed, 'add'>): ConsoleReplyDelivery {
  return async (reply, answer) => {
    for (const d of reply.deliveries ?? []) feed.add(d.channelId, d.message);
    answer({
      ...(reply.files?.length
        ? { files: reply.files.map((f) => ({ filename: f.filename, title: f.title, url: `/console/files/${files.add(f)}/${encodeURIComponent(f.filename)}` })) }
        : {}),
      messages: reply.messages.map(toConsoleMessage),
      ...(reply.form ? { form: reply.form } : {}),
      ...(reply.update ? { update: toConsoleMessage(reply.update) } : {}),
    });
  };
}
