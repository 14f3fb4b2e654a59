// Slack modals: neutral Form → modal view, submitted view state → form values, and
// form errors → a view_submission `errors` answer. Pure, like blocks.ts.
import type {
  Datepicker,
  InputBlock,
  InputBlockElement,
  ModalView,
  NumberInput,
  PlainTextInput,
  PlainTextOption,
  SectionBlock,
  StaticSelect,
} from '@slack/types';
import type { Form, FormField, FormOption } from '../../messages/message.js';
import { plain, plainLabel, SLACK_LIMITS, toMrkdwn, truncate, truncateMrkdwn } from './blocks.js';

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
