// A person mentioned in neutral text: Slack notifies them, the others show @name.
import { describe, expect, it } from 'vitest';
import { mention, message, text } from '../../src/messages/builders.js';
import { renderPlain } from '../../src/messages/plain.js';
import { renderHtml } from '../../src/platforms/console/render.js';
import { toSlackMessage } from '../../src/platforms/slack/blocks.js';
import { toCardMarkdown } from '../../src/platforms/teams/cards.js';

describe('mentions', () => {
  const m = message('Breach', [text(`Owner: ${mention('U0123ABC', 'ana <ops>')} and ${mention('ben', 'ben')} — please answer`)]);

  it('render as a real Slack mention for Slack user ids and @name otherwise', () => {
    const section = toSlackMessage(m).blocks[0] as { text: { text: string } };
    expect(section.text.text).toBe('Owner: <@U0123ABC> and @ben — please answer');
  });

  it('render as @name in plain text, the console (escaped) and Teams cards', () => {
    expect(renderPlain(m)).toBe('Owner: @ana <ops> and @ben — please answer');
    expect(renderHtml(m)).toContain('Owner: @ana &lt;ops&gt; and @ben');
    expect(toCardMarkdown(`Owner: ${mention('29:abc', 'ana')}`)).toBe('Owner: @ana');
  });

  it('cannot be forged into another markup by the name', () => {
    expect(mention('U1|x', 'a}b')).toBe('@{U1x|ab}');
  });
});
