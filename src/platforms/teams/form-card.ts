// Teams forms: neutral Form → an Adaptive Card with inputs, and a submitted card's
// Action.Submit data → form values. Pure, like cards.ts. Teams sends back only the
// inputs' values and the action's data, never the card, so the data carries the
// form itself: a submission with errors re-renders the same card, errors under
// each field and the person's values kept, on every replica, with nothing stored.
import { z } from 'zod';
import type { Form, FormField } from '../../messages/message.js';
import { truncate } from '../../messages/plain.js';
import { CARD_LIMITS, emptyCard, escapeMarkdown, plainTitle, SUBMIT_VERB, SUBMIT_VERB_KEY, toCardMarkdown, type AdaptiveCard, type CardElement } from './cards.js';

/** Input ids are field ids; these keys of the submit data belong to Tenure. */
const RESERVED = /^tenure/i;

/** More choices than this get Teams' type-ahead filter instead of a plain drop-down. */
const FILTER_CHOICES_OVER = 8;

function input(field: FormField, value: string | undefined): CardElement {
  const base = {
    id: field.id,
    label: plainTitle(field.label, 200) || field.id,
    isRequired: field.required,
    ...(field.required ? { errorMessage: `${plainTitle(field.label, 100)} is required` } : {}),
    ...(field.placeholder ? { placeholder: truncate(field.placeholder, 150) } : {}),
  };
  const options = field.options ?? [];
  if (field.kind === 'select' && options.length > 0) {
    return {
      type: 'Input.ChoiceSet',
      ...base,
      style: options.length > FILTER_CHOICES_OVER ? 'filtered' : 'compact',
      choices: options.map((o) => ({ title: plainTitle(o.label, 200) || o.value, value: o.value })),
      ...(value !== undefined && options.some((o) => o.value === value) ? { value } : {}),
    };
  }
  if (field.kind === 'date') {
    return { type: 'Input.Date', ...base, ...(value && /^\d{4}-\d{2}-\d{2}$/.test(value) ? { value } : {}) };
  }
  if (field.kind === 'number') {
    const n = value === undefined || value.trim() === '' ? NaN : Number(value);
    return { type: 'Input.Number', ...base, ...(Number.isFinite(n) ? { value: n } : {}) };
  }
  return { type: 'Input.Text', ...base, ...(field.kind === 'textarea' ? { isMultiline: true } : {}), ...(value ? { value } : {}) };
}

const warning = (message: string): CardElement => ({ type: 'TextBlock', text: `⚠️ ${toCardMarkdown(message)}`, wrap: true, color: 'Attention', spacing: 'Small' });

/** Action.Submit data of a form card: the form (state included) rides along. */
export interface SubmitData {
  [SUBMIT_VERB_KEY]: typeof SUBMIT_VERB;
  tenureForm: Form;
  /** The form's pick lists were left out (the card would be too big): it cannot be re-rendered. */
  tenureTrimmed?: true;
}

/**
 * A form as a card. `values` (a failed submission's) take the place of the fields'
 * initial values; `errors` sit under their field, errors for no field at the top.
 */
export function toFormCard(form: Form, options: { errors?: Record<string, string>; values?: Record<string, string> } = {}): AdaptiveCard {
  const clash = form.fields.find((f) => RESERVED.test(f.id));
  if (clash) throw new RangeError(`form ${form.id}: field id "${clash.id}" is reserved for the Teams adapter`);
  const errors = options.errors ?? {};
  const ids = new Set(form.fields.map((f) => f.id));
  const general = Object.entries(errors).filter(([id, m]) => !ids.has(id) && m.trim() !== '');
  const body: CardElement[] = [
    { type: 'TextBlock', text: escapeMarkdown(plainTitle(form.title, 200) || 'Tenure'), size: 'Medium', weight: 'Bolder', style: 'heading', wrap: true },
    ...general.map(([, m]) => warning(m)),
  ];
  for (const field of form.fields) {
    body.push(input(field, options.values?.[field.id] ?? field.initial));
    const error = errors[field.id];
    if (error) body.push(warning(error.trim() || 'Check this field.'));
    if (field.hint) body.push({ type: 'TextBlock', text: toCardMarkdown(field.hint), wrap: true, isSubtle: true, size: 'Small', spacing: 'None' });
  }
  const carried: Form = { ...form, fields: form.fields.map(({ initial: _initial, ...f }) => f) };
  const withData = (data: SubmitData) =>
    emptyCard(
      [...body, { type: 'ActionSet', actions: [{ type: 'Action.Submit', title: plainTitle(form.submitLabel, CARD_LIMITS.buttonTitle) || 'Submit', style: 'positive', data }] }],
      form.title,
    );
  const card = withData({ [SUBMIT_VERB_KEY]: SUBMIT_VERB, tenureForm: carried });
  if (Buffer.byteLength(JSON.stringify(card)) <= CARD_LIMITS.cardBytes) return card;
  // Too big to carry its pick lists twice: they stay on the card only, and errors for
  // such a form come back as a message instead of a re-rendered card.
  return withData({ [SUBMIT_VERB_KEY]: SUBMIT_VERB, tenureForm: { ...carried, fields: carried.fields.map(({ options: _o, ...f }) => f) }, tenureTrimmed: true });
}

const formSchema = z.object({
  id: z.string().min(1).max(100),
  title: z.string().max(500),
  submitLabel: z.string().max(200),
  fields: z
    .array(
      z.object({
        id: z.string().min(1).max(100),
        label: z.string().max(500),
        kind: z.enum(['text', 'textarea', 'select', 'date', 'number']),
        required: z.boolean(),
        options: z.array(z.object({ label: z.string().max(500), value: z.string().max(500) })).max(500).optional(),
        placeholder: z.string().max(500).optional(),
        hint: z.string().max(2000).optional(),
      }),
    )
    .max(50),
  state: z.record(z.string().max(2000)).optional(),
});

/** What a card submit carries, validated: the form, its state, and the inputs' values as strings. */
export function readSubmission(
  value: unknown,
): { form: Form; state: Record<string, string>; values: Record<string, string>; renderable: boolean } | null {
  if (!value || typeof value !== 'object') return null;
  const raw = value as Record<string, unknown>;
  const parsed = formSchema.safeParse(raw.tenureForm);
  if (!parsed.success) return null;
  const form = parsed.data as Form;
  const values: Record<string, string> = {};
  for (const field of form.fields) {
    const v = raw[field.id];
    values[field.id] = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : '';
  }
  return { form, state: form.state ?? {}, values, renderable: raw.tenureTrimmed !== true };
}
