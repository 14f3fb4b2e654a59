// The neutral message and form model. Commands answer with these; each platform
// has one pure renderer (Block Kit, Adaptive Card, console HTML). Text is plain:
// renderers escape it for their medium, and `**bold**` is the only markup.

export type Visibility = 'ephemeral' | 'channel';

export interface Action {
  /** Stable action id the registry dispatches on, e.g. `checkin.form`. */
  id: string;
  label: string;
  /** Opaque value handed back to the action handler (an account id, a score). */
  value: string;
  style?: 'primary' | 'danger';
}

export interface Field {
  label: string;
  value: string;
}

export type Block =
  | { kind: 'header'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'fields'; fields: Field[] }
  | { kind: 'context'; text: string }
  | { kind: 'actions'; actions: Action[] }
  | { kind: 'divider' };

export interface Message {
  /** One-line plain summary: notifications, screen readers, fallback text. */
  text: string;
  blocks: Block[];
  visibility: Visibility;
  /**
   * `customer`: written for the customer to read (a survey, its tally, its closing,
   * a respondent's own thanks): the only public posts a customer channel takes.
   * Anything else is internal (src/core/posting-rule.ts).
   */
  audience?: 'customer';
  /** Marks an error answer so renderers can style it. */
  tone?: 'error' | 'success' | 'info';
}

export type FormFieldKind = 'text' | 'textarea' | 'select' | 'date' | 'number';

export interface FormOption {
  label: string;
  value: string;
}

export interface FormField {
  id: string;
  label: string;
  kind: FormFieldKind;
  required: boolean;
  options?: FormOption[];
  initial?: string;
  placeholder?: string;
  hint?: string;
}

export interface Form {
  /** The form's id; its submission is dispatched on it (e.g. `checkin`). */
  id: string;
  title: string;
  submitLabel: string;
  fields: FormField[];
  /** Carried through the platform round trip untouched (e.g. the channel it came from). */
  state?: Record<string, string>;
}

/** A message for another place than the one being answered (an owner's DM, an account's channel). */
export interface Delivery {
  /** A channel id, or a person's platform user id for a direct message. */
  channelId: string;
  message: Message;
}

/** What a command, an action or a form submission answers with. */
export interface Reply {
  messages: Message[];
  /** A form to open (Slack modal, Teams card, console dialog). */
  form?: Form;
  /** For a button press: the new version of the message the button was on (e.g. a survey's tally). */
  update?: Message;
  /** Messages to post elsewhere, e.g. a detractor alert to the account owner. */
  deliveries?: Delivery[];
  /** Files for the channel (a CSV export): Slack uploads them, the console links them. */
  files?: ReplyFile[];
}

export interface ReplyFile {
  filename: string;
  title: string;
  mimeType: string;
  content: string;
  /** The export this file is (`accounts`…): an adapter that links instead of uploading (Teams) makes it anew. */
  exportKind?: string;
  /** With exportKind: archived accounts' rows `include`d or `only` theirs; absent, the live accounts' alone. */
  exportArchived?: 'include' | 'only';
}

export type FormSubmission =
  | { ok: true; reply: Reply }
  | { ok: false; errors: Record<string, string> };
