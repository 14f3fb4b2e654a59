// The posting rule as a table: what a reply becomes in each kind of channel.
import { describe, expect, it } from 'vitest';
import { confineReply, mayNeedConfining, mayPostPublicly, NO_FILES_IN_CUSTOMER_CHANNELS } from '../../src/core/posting-rule.js';
import { message, notice, text } from '../../src/messages/builders.js';
import type { Reply } from '../../src/messages/message.js';

const internal = notice('Logged a call with Acme Corp.', { visibility: 'channel' });
const survey = message('Contoso would like your feedback', [text('How likely…')], { visibility: 'channel', audience: 'customer' });
const privateNote = notice('Only you see this.');
const alert = notice('Low score for Acme Corp', { visibility: 'channel' });

describe('the posting rule', () => {
  it.each([
    ['customer', internal, false],
    ['customer', survey, true],
    ['internal', internal, true],
    ['unlinked', internal, true],
  ] as const)('in a %s channel, may %s be public? %s', (kind, m, expected) => {
    expect(mayPostPublicly(kind, m)).toBe(expected);
  });

  it('in a customer channel: internal answers turn private, the survey stays public, a non-customer update becomes a private message, files are not posted', () => {
    const reply: Reply = {
      messages: [survey, internal, privateNote],
      update: notice('Undone.', { visibility: 'channel' }),
      files: [{ filename: 'x.csv', title: 'x', mimeType: 'text/csv', content: 'a' }],
    };
    const { reply: confined, withheld } = confineReply(reply, 'customer', () => 'unlinked');
    expect(confined.messages.map((m) => [m.text, m.visibility])).toEqual([
      ['Contoso would like your feedback', 'channel'],
      ['Logged a call with Acme Corp.', 'ephemeral'],
      ['Only you see this.', 'ephemeral'],
      ['Undone.', 'ephemeral'],
      [NO_FILES_IN_CUSTOMER_CHANNELS, 'ephemeral'],
    ]);
    expect(confined.update).toBeUndefined();
    expect(confined.files).toBeUndefined();
    expect(withheld).toEqual([]);
  });

  it('a customer-facing update (the tally) still replaces the survey', () => {
    const { reply } = confineReply({ messages: [], update: survey }, 'customer', () => 'unlinked');
    expect(reply.update).toBe(survey);
  });

  it('an internal delivery bound for a customer channel is withheld, wherever it was asked for; one to a person or an internal channel goes', () => {
    const reply: Reply = { messages: [privateNote], deliveries: [{ channelId: 'C-CUSTOMER', message: alert }, { channelId: 'U-OWNER', message: alert }, { channelId: 'C-TEAM', message: alert }] };
    const kinds = { 'C-CUSTOMER': 'customer', 'C-TEAM': 'internal' } as Record<string, 'customer' | 'internal'>;
    for (const here of ['customer', 'internal'] as const) {
      const { reply: confined, withheld } = confineReply(reply, here, (id) => kinds[id] ?? 'unlinked');
      expect(withheld.map((d) => d.channelId)).toEqual(['C-CUSTOMER']);
      expect(confined.deliveries!.map((d) => d.channelId)).toEqual(['U-OWNER', 'C-TEAM']);
    }
  });

  it('looks the channel up only for a reply the rule could change', () => {
    expect(mayNeedConfining({ messages: [privateNote] })).toBe(false);
    expect(mayNeedConfining({ messages: [survey], update: survey })).toBe(false);
    expect(mayNeedConfining({ messages: [internal] })).toBe(true);
    expect(mayNeedConfining({ messages: [], update: privateNote })).toBe(true);
    expect(mayNeedConfining({ messages: [], deliveries: [{ channelId: 'U1', message: alert }] })).toBe(true);
    expect(mayNeedConfining({ messages: [], files: [{ filename: 'x.csv', title: 'x', mimeType: 'text/csv', content: 'a' }] })).toBe(true);
  });

  it('elsewhere a reply is left as it was', () => {
    const reply: Reply = { messages: [internal], update: internal };
    expect(confineReply(reply, 'internal', () => 'unlinked').reply).toBe(reply);
  });
});
