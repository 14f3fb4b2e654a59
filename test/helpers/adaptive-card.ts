// Checks cards with Microsoft's own Adaptive Cards parser (the `adaptivecards`
// package, as Teams' web client uses it): every parse warning and every
// validation event is a problem. Its ESM build has extension-less imports Node
// cannot load, so the UMD bundle is required instead.
import { createRequire } from 'node:module';
import type * as AdaptiveCards from 'adaptivecards';

const AC = createRequire(import.meta.url)('adaptivecards/dist/adaptivecards.js') as typeof AdaptiveCards;

/** Parser and validator complaints about a card, as readable lines; [] for a clean card. */
export function cardProblems(card: unknown): string[] {
  const parsed = new AC.AdaptiveCard();
  // Teams' host config: six actions per set (the library's generic default is five).
  parsed.hostConfig = new AC.HostConfig({ actions: { maxActions: 6 } });
  const context = new AC.SerializationContext(AC.Versions.v1_5);
  parsed.parse(card, context);
  const events = Array.from({ length: context.eventCount }, (_v, i) => context.getEventAt(i));
  const validation = parsed.validateProperties();
  const problems = [...events, ...validation.validationEvents].map((e) => `${AC.ValidationEvent[e.event]}: ${e.message}`);
  if ((card as { version?: string }).version !== '1.5') problems.push(`version is ${(card as { version?: string }).version}, not 1.5`);
  return problems;
}

/** The card's facts as a person reads them: markdown escapes and bold markers removed. */
export const unmark = (value: string) => value.replace(/\*\*(.+?)\*\*/g, '$1').replace(/\\(.)/g, '$1');

type Node = Record<string, any>;

function walk(node: unknown, visit: (n: Node) => void): void {
  if (Array.isArray(node)) node.forEach((n) => walk(n, visit));
  else if (node && typeof node === 'object') {
    visit(node as Node);
    for (const [key, value] of Object.entries(node)) if (key !== 'data') walk(value, visit);
  }
}

/** Every text a person sees on the card, one per line. */
export function cardText(card: unknown): string {
  const out: string[] = [];
  walk(card, (n) => {
    if (n.type === 'TextBlock') out.push(unmark(String(n.text)));
    if (n.type === 'FactSet') for (const f of n.facts as Node[]) out.push(`${unmark(f.title)}: ${unmark(f.value)}`);
    if (typeof n.type === 'string' && n.type.startsWith('Action.')) out.push(`[${n.title}]`);
    if (n.type === 'Input.ChoiceSet') for (const c of n.choices as Node[]) out.push(String(c.title));
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) out.push(String(n.label ?? ''));
  });
  return out.join('\n');
}

/** The card's buttons: registry action id, value and title, in order. */
export function cardButtons(card: unknown): { id: string; value: string; label: string }[] {
  const out: { id: string; value: string; label: string }[] = [];
  walk(card, (n) => {
    if (n.type === 'Action.Submit' && n.data?.tenureAction) out.push({ id: n.data.tenureAction, value: n.data.tenureValue, label: n.title });
  });
  return out;
}

/** The card's inputs by id. */
export function cardInputs(card: unknown): Record<string, Node> {
  const out: Record<string, Node> = {};
  walk(card, (n) => {
    if (typeof n.type === 'string' && n.type.startsWith('Input.')) out[n.id] = n;
  });
  return out;
}

/** The card attached to a message activity the bot sent. */
export function cardOf(activity: Node): Node {
  const attachment = (activity.attachments as Node[] | undefined)?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive');
  if (!attachment) throw new Error(`no Adaptive Card in ${JSON.stringify(activity).slice(0, 300)}`);
  return attachment.content as Node;
}

/** Every Action.Submit's data on the card (the first is the form's submit). */
export function submitData(card: unknown): Node[] {
  const out: Node[] = [];
  walk(card, (n) => {
    if (n.type === 'Action.Submit') out.push(n.data as Node);
  });
  return out;
}
