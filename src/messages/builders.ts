// Small builders for the neutral model, so commands read as what they say.
import type { Action, Block, Field, Form, Message, Reply, Visibility } from './message.js';

export const header = (text: string): Block => ({ kind: 'header', text });
export const text = (value: string): Block => ({ kind: 'text', text: value });
export const context = (value: string): Block => ({ kind: 'context', text: value });
export const divider = (): Block => ({ kind: 'divider' });
export const fields = (list: Field[]): Block => ({ kind: 'fields', fields: list });
export const actions = (list: Action[]): Block => ({ kind: 'actions', actions: list });
export const field = (label: string, value: string): Field => ({ label, value });
export const button = (id: string, label: string, value: string, style?: Action['style']): Action =>
  style ? { id, label, value, style } : { id, label, value };

export function message(summary: string, blocks: Block[], options: { visibility?: Visibility; tone?: Message['tone'] } = {}): Message {
  return { text: summary, blocks, visibility: options.visibility ?? 'ephemeral', ...(options.tone ? { tone: options.tone } : {}) };
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
