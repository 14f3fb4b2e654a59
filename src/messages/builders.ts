// Small builders for the neutral model, so commands read as what they say. Every
// piece of text that is shown passes containBidi here, the one place between the
// commands and jobs that quote user text and the three renderers that show it.
import { containBidi } from './bidi.js';
import type { Action, Block, Field, Form, Message, Reply, Visibility } from './message.js';

export const header = (text: string): Block => ({ kind: 'header', text: containBidi(text) });
export const text = (value: string): Block => ({ kind: 'text', text: containBidi(value) });
export const context = (value: string): Block => ({ kind: 'context', text: containBidi(value) });
export const divider = (): Block => ({ kind: 'divider' });
export const fields = (list: Field[]): Block => ({ kind: 'fields', fields: list });
export const actions = (list: Action[]): Block => ({ kind: 'actions', actions: list });
export const field = (label: string, value: string): Field => ({ label: containBidi(label), value: containBidi(value) });
/** The value is not shown: it goes back to the action handler as it was given. */
export const button = (id: string, label: string, value: string, style?: Action['style']): Action =>
  style ? { id, label: containBidi(label), value, style } : { id, label: containBidi(label), value };

export function message(summary: string, blocks: Block[], options: { visibility?: Visibility; tone?: Message['tone']; audience?: Message['audience'] } = {}): Message {
  return {
    text: containBidi(summary),
    blocks,
    visibility: options.visibility ?? 'ephemeral',
    ...(options.audience ? { audience: options.audience } : {}),
    ...(options.tone ? { tone: options.tone } : {}),
  };
}

/**
 * A person in text, written `@{platform user id|name}`: Slack renders a real
 * mention (the person is notified), the other renderers show `@name`.
 */
export function mention(platformUserId: string, name: string): string {
  return `@{${platformUserId.replace(/[|}]/g, '')}|${name.replace(/[}]/g, '')}}`;
}

export const reply = (...messages: Message[]): Reply => ({ messages });
export const formReply = (form: Form): Reply => ({ messages: [], form });

/** A one-paragraph answer. */
export function notice(value: string, options: { visibility?: Visibility; tone?: Message['tone'] } = {}): Message {
  return message(value, [text(value)], options);
}

/** Usage help for a command: what it does, its forms, and examples to copy. */
export function usageMessage(title: string, summary: string, usage: string[], examples: string[]): Message {
  return message(`${title}: ${summary}`, [
    header(title),
    text(summary),
    text(['**Usage**', ...usage.map((u) => `• ${u}`)].join('\n')),
    text(['**Examples**', ...examples.map((e) => `• ${e}`)].join('\n')),
  ]);
}
