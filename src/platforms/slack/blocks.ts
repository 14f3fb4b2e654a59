// Slack's renderer: neutral Message → Block Kit, Form → modal view, submitted view
// state → form values, form errors → a view_submission `errors` answer. Pure; only
// types come from @slack/types. User text is escaped for mrkdwn (&, <, > only) before
// the light markup (**bold**, `code`, "> " quotes) becomes Slack's; plain_text fields
// are never escaped, since Slack shows them literally. Every Block Kit limit is applied
// here so no message or modal is rejected for its size.
import type {
  ActionsBlock,
  Button,
  ContextBlock,
  Datepicker,
  DividerBlock,
  HeaderBlock,
  InputBlock,
  InputBlockElement,
  ModalView,
  NumberInput,
  PlainTextElement,
  PlainTextInput,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import type { Action, Block, Form, FormField, FormOption, Message } from '../../messages/message.js';
import { stripMarkup } from '../../messages/plain.js';

export type SlackBlock = HeaderBlock | SectionBlock | ContextBlock | ActionsBlock | DividerBlock;

/** Block Kit limits (docs.slack.dev block and element references). */
export const SLACK_LIMITS = {
  messageBlocks: 50,
  modalBlocks: 100,
  headerText: 150,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  buttonValue: 2000,
  fallbackText: 3000,
  modalTitle: 24,
  modalButton: 24,
  privateMetadata: 3000,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  selectOptions: 100,
  optionText: 75,
  optionValue: 150,
} as const;

const ELLIPSIS = '…';

/** Cuts to at most `max` UTF-16 units, ending in "…", never splitting a surrogate pair. */
export function truncate(value: string, max: number): string {
  if (value.length <= max) return value;
  let cut = max - ELLIPSIS.length;
  if (cut > 0 && /[\uD800-\uDBFF]/.test(value.charAt(cut - 1))) cut -= 1;
  return value.slice(0, Math.max(cut, 0)) + ELLIPSIS;
}

/** As truncate, for escaped mrkdwn: a cut never leaves half an entity (`&am`). */
function truncateMrkdwn(value: string, max: number): string {
  if (value.length <= max) return value;
  const cut = truncate(value, max).slice(0, -ELLIPSIS.length);
  return cut.replace(/&[a-z]*$/, '') + ELLIPSIS;
}

/** The three characters Slack treats as control characters in mrkdwn. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** One line: escape, keep code spans literal, **bold** → *bold*; "> " leads a real quote. */
function lineToMrkdwn(line: string): string {
  const quoted = /^> ?/.test(line);
  const escaped = escapeMrkdwn(quoted ? line.replace(/^> ?/, '') : line);
  const spans: string[] = [];
  // NUL marks where code spans were held so bold never reaches inside them.
  const held = escaped.replace(/\u0000/g, '\uFFFD').replace(/`([^`]+)`/g, (_m, code: string) => `\u0000${spans.push(code) - 1}\u0000`);
  const body = held
    .replace(/\*\*(.+?)\*\*/g, '*$1*')
    .replace(/\u0000(\d+)\u0000/g, (_m, i: string) => `\`${spans[Number(i)]}\``);
  return quoted ? `> ${body}` : body;
}

/** Neutral light markup → Slack mrkdwn, line by line. */
export function toMrkdwn(value: string): string {
  return value.split('\n').map(lineToMrkdwn).join('\n');
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text });

/** A plain_text label: markup dropped (plain_text cannot show it), not escaped, cut to `max`. */
function plainLabel(value: string, max: number): string {
  return truncate(stripMarkup(value).replace(/\s*\n\s*/g, ' ').trim(), max);
}

/** Splits one over-long mrkdwn line at whitespace (or hard), never inside an entity; quotes stay quotes. */
function splitLongLine(line: string, max: number): string[] {
  const quote = line.startsWith('> ') ? '> ' : '';
  let rest = quote ? line.slice(2) : line;
  const room = max - quote.length;
  const pieces: string[] = [];
  while (rest.length > room) {
    let cut = rest.lastIndexOf(' ', room);
    if (cut < room / 2) cut = room;
    const entity = /&[a-z]*$/.exec(rest.slice(0, cut));
    if (entity && cut === room) cut = entity.index;
    if (/[\uD800-\uDBFF]/.test(rest.charAt(cut - 1))) cut -= 1;
    pieces.push(quote + rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  pieces.push(quote + rest);
  return pieces;
}

/** mrkdwn text → chunks of at most `max` characters, split on line boundaries. */
export function splitMrkdwn(mrkdwn: string, max: number = SLACK_LIMITS.sectionText): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of mrkdwn.split('\n').flatMap((l) => (l.length > max ? splitLongLine(l, max) : [l]))) {
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= max) current += `\n${line}`;
    else {
      chunks.push(current);
      current = line;
    }
  }
  if (current.trim() !== '') chunks.push(current);
  return chunks.filter((c) => c.trim() !== '');
}

const chunk = <T>(list: T[], size: number): T[][] =>
  Array.from({ length: Math.ceil(list.length / size) }, (_v, i) => list.slice(i * size, i * size + size));

/**
 * Slack rejects an actions block whose buttons share an action_id, but a neutral
 * action set may repeat one (a 0–10 score, each with its own value). Repeats get
 * a `#n` suffix; actionIdFromSlack() takes it off again before dispatch.
 */
const ACTION_SUFFIX = /#\d+$/;

export function actionIdFromSlack(actionId: string): string {
  return actionId.replace(ACTION_SUFFIX, '');
}

function button(action: Action, actionId: string): Button {
  return {
    type: 'button',
    action_id: actionId,
    text: plain(truncate(action.label, SLACK_LIMITS.buttonText) || action.id),
    value: truncate(action.value, SLACK_LIMITS.buttonValue),
    ...(action.style ? { style: action.style } : {}),
  };
}

function actionsBlocks(actions: Action[], nextBlockId: () => string): ActionsBlock[] {
  return chunk(actions, SLACK_LIMITS.actionsElements).map((group) => {
    const seen = new Map<string, number>();
    const elements = group.map((action) => {
      const count = seen.get(action.id) ?? 0;
      seen.set(action.id, count + 1);
      return button(action, count === 0 ? action.id : `${action.id}#${count}`);
    });
    return { type: 'actions', block_id: nextBlockId(), elements };
  });
}

function fieldText(label: string, value: string): string {
  const head = label.trim() === '' ? '' : `*${escapeMrkdwn(label.replace(/\s*\n\s*/g, ' '))}*`;
  const body = toMrkdwn(value);
  return truncateMrkdwn([head, body].filter((p) => p !== '').join('\n'), SLACK_LIMITS.fieldText);
}

function blockToSlack(block: Block, nextBlockId: () => string): SlackBlock[] {
  switch (block.kind) {
    case 'header': {
      const text = plainLabel(block.text, SLACK_LIMITS.headerText);
      return text === '' ? [] : [{ type: 'header', text: plain(text) }];
    }
    case 'text':
      return splitMrkdwn(toMrkdwn(block.text)).map((text): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text } }));
    case 'fields': {
      const texts = block.fields.map((f) => fieldText(f.label, f.value)).filter((t) => t.trim() !== '');
      return chunk(texts, SLACK_LIMITS.sectionFields).map(
        (group): SectionBlock => ({ type: 'section', fields: group.map((text) => ({ type: 'mrkdwn', text })) }),
      );
    }
    case 'context': {
      const text = truncateMrkdwn(toMrkdwn(block.text), SLACK_LIMITS.contextText);
      return text.trim() === '' ? [] : [{ type: 'context', elements: [{ type: 'mrkdwn', text }] }];
    }
    case 'actions':
      return actionsBlocks(block.actions, nextBlockId);
    case 'divider':
      return [{ type: 'divider' }];
  }
}

/** A neutral message as a Block Kit message: `text` is the notification/fallback line. */
export function toSlackMessage(message: Message): { text: string; blocks: SlackBlock[] } {
  let actionsCount = 0;
  const nextBlockId = () => `actions-${++actionsCount}`;
  const blocks = message.blocks.flatMap((b) => blockToSlack(b, nextBlockId));
  const max = SLACK_LIMITS.messageBlocks;
  const kept: SlackBlock[] =
    blocks.length <= max
      ? blocks
      : [...blocks.slice(0, max - 1), { type: 'context', elements: [{ type: 'mrkdwn', text: `${ELLIPSIS}and ${blocks.length - (max - 1)} more` }] }];
  return { text: truncateMrkdwn(toMrkdwn(message.text), SLACK_LIMITS.fallbackText), blocks: kept };
}

// ---------------------------------------------------------------------------------
// Forms ↔ modals

function option(o: FormOption): PlainTextOption {
  return {
    text: plain(truncate(o.label, SLACK_LIMITS.optionText) || truncate(o.value, SLACK_LIMITS.optionText)),
    value: truncate(o.value, SLACK_LIMITS.optionValue),
  };
}

/** At most 100 options; when the preselected one lies beyond them it takes the last place. */
function selectOptions(field: FormField): FormOption[] {
  const all = field.options ?? [];
  const max = SLACK_LIMITS.selectOptions;
  if (all.length <= max) return all;
  const initial = all.findIndex((o) => o.value === field.initial);
  return initial >= max ? [...all.slice(0, max - 1), all[initial]!] : all.slice(0, max);
}

const placeholderOf = (field: FormField) =>
  field.placeholder ? { placeholder: plain(truncate(field.placeholder, SLACK_LIMITS.placeholder)) } : {};

function inputElement(field: FormField): InputBlockElement {
  const base = { action_id: field.id, ...placeholderOf(field) };
  const options = field.kind === 'select' ? selectOptions(field) : [];
  if (field.kind === 'select' && options.length > 0) {
    const initial = options.find((o) => o.value === field.initial);
    const element: StaticSelect = {
      type: 'static_select',
      ...base,
      options: options.map(option),
      ...(initial ? { initial_option: option(initial) } : {}),
    };
    return element;
  }
  if (field.kind === 'date') {
    const element: Datepicker = {
      type: 'datepicker',
      ...base,
      ...(field.initial && /^\d{4}-\d{2}-\d{2}$/.test(field.initial) ? { initial_date: field.initial } : {}),
    };
    return element;
  }
  if (field.kind === 'number') {
    const element: NumberInput = {
      type: 'number_input',
      ...base,
      is_decimal_allowed: false,
      ...(field.initial && /^-?\d+$/.test(field.initial.trim()) ? { initial_value: field.initial.trim() } : {}),
    };
    return element;
  }
  // text, textarea, and a select with nothing to pick from (typed instead).
  const element: PlainTextInput = {
    type: 'plain_text_input',
    ...base,
    ...(field.kind === 'textarea' ? { multiline: true } : {}),
    ...(field.initial ? { initial_value: field.initial } : {}),
  };
  return element;
}

function inputBlock(field: FormField, error: string | undefined): InputBlock {
  const hint = [error ? `⚠️ ${error}` : '', field.hint ?? ''].filter((h) => h !== '').join(' — ');
  return {
    type: 'input',
    block_id: field.id,
    label: plain(truncate(field.label, SLACK_LIMITS.inputLabel) || field.id),
    element: inputElement(field),
    optional: !field.required,
    ...(hint ? { hint: plain(truncate(hint, SLACK_LIMITS.inputHint)) } : {}),
  };
}

/**
 * A neutral form as a modal. Errors (from a failed submission re-shown as a fresh
 * view) sit in each field's hint; errors for no field open the modal as a section.
 * private_metadata carries form.state through Slack; it must fit, so an oversize
 * one is a programming error, not something to truncate silently.
 */
export function toModal(form: Form, options: { errors?: Record<string, string>; privateMetadata?: string } = {}): ModalView {
  const errors = options.errors ?? {};
  const fieldIds = new Set(form.fields.map((f) => f.id));
  const general = Object.entries(errors)
    .filter(([id, message]) => !fieldIds.has(id) && message !== '')
    .map(([, message]) => message);
  const metadata = options.privateMetadata ?? JSON.stringify(form.state ?? {});
  if (metadata.length > SLACK_LIMITS.privateMetadata) {
    throw new RangeError(`private_metadata for form ${form.id} is ${metadata.length} characters; Slack allows ${SLACK_LIMITS.privateMetadata}`);
  }
  const lead: SectionBlock[] = general.length
    ? [{ type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(general.map((m) => `⚠️ ${toMrkdwn(m)}`).join('\n'), SLACK_LIMITS.sectionText) } }]
    : [];
  const inputs = form.fields.slice(0, SLACK_LIMITS.modalBlocks - lead.length).map((f) => inputBlock(f, errors[f.id]));
  return {
    type: 'modal',
    callback_id: form.id,
    title: plain(plainLabel(form.title, SLACK_LIMITS.modalTitle) || 'Tenure'),
    submit: plain(plainLabel(form.submitLabel, SLACK_LIMITS.modalButton) || 'Submit'),
    close: plain('Cancel'),
    private_metadata: metadata,
    blocks: [...lead, ...inputs],
  };
}

/** A submitted view's state, as Slack sends it in view_submission (values by block_id, then action_id). */
export interface SlackViewState {
  // Element payloads differ by type; they are read defensively below.
  values: Record<string, Record<string, any>>;
}

/** One input's value as a string, whatever its element type; '' when empty. */
function elementValue(element: any): string {
  if (!element || typeof element !== 'object') return '';
  const text = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '');
  switch (element.type) {
    case 'plain_text_input':
    case 'number_input':
    case 'email_text_input':
    case 'url_text_input':
      return text(element.value);
    case 'static_select':
    case 'external_select':
    case 'radio_buttons':
      return text(element.selected_option?.value);
    case 'datepicker':
      return text(element.selected_date);
    case 'timepicker':
      return text(element.selected_time);
    case 'datetimepicker':
      return text(element.selected_date_time);
    case 'users_select':
      return text(element.selected_user);
    case 'conversations_select':
      return text(element.selected_conversation);
    case 'channels_select':
      return text(element.selected_channel);
    case 'multi_static_select':
    case 'multi_external_select':
    case 'checkboxes':
      return Array.isArray(element.selected_options) ? element.selected_options.map((o: any) => text(o?.value)).filter(Boolean).join(',') : '';
    default:
      return text(element.value) || text(element.selected_option?.value) || text(element.selected_date);
  }
}

/**
 * A view_submission's values keyed by field id. With the form, every field gets a
 * value ('' when missing); without it (the form could not be rebuilt), every input
 * in the state is read by its block id.
 */
export function valuesFromView(form: Pick<Form, 'fields'> | undefined, state: SlackViewState): Record<string, string> {
  const values: Record<string, string> = {};
  const read = (blockId: string) => {
    const block = state.values?.[blockId];
    if (!block) return '';
    return elementValue(block[blockId] ?? Object.values(block)[0]);
  };
  const ids = form ? form.fields.map((f) => f.id) : Object.keys(state.values ?? {});
  for (const id of ids) values[id] = read(id);
  return values;
}

/**
 * Field errors for a view_submission answer (`ack({ response_action: 'errors', errors })`),
 * keyed by block id; block ids are field ids (toModal makes them so). Slack documents
 * no length limit for these messages, so they pass whole. Slack refuses an answer
 * naming a block the view lacks, so with the form at hand, errors for no field are
 * shown under the first input instead.
 */
export function errorsForSlack(errors: Record<string, string>, form?: Pick<Form, 'fields'>): Record<string, string> {
  const out: Record<string, string> = {};
  const fieldIds = form ? new Set(form.fields.map((f) => f.id)) : undefined;
  const first = form?.fields[0]?.id;
  const add = (blockId: string, message: string) => {
    out[blockId] = out[blockId] ? `${out[blockId]} ${message}` : message;
  };
  for (const [id, raw] of Object.entries(errors)) {
    const message = raw.trim() || 'Check this field.';
    if (!fieldIds || fieldIds.has(id)) add(id, message);
    else if (first) add(first, message);
  }
  return out;
}
