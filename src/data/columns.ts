// CSV / API column names → Tenure's field names. Partners' files come from CRMs,
// billing and PSA tools with their own headers ("Company Name", "Contract End",
// "Annual Value"), so a header is folded (case, spaces, punctuation) and looked up
// in one alias table shared by the accounts and usage imports and the ingest API.

export const ACCOUNT_COLUMNS = [
  'name',
  'externalId',
  'arr',
  'renewal',
  'start',
  'churned',
  'licensed',
  'active',
  'stage',
  'tier',
  'owner',
  'kickoff',
  'contactName',
  'contactEmail',
  'contactRole',
] as const;
export const USAGE_COLUMNS = ['name', 'externalId', 'recordedAt', 'active', 'licensed', 'spend', 'forecast'] as const;

export type Column = (typeof ACCOUNT_COLUMNS)[number] | (typeof USAGE_COLUMNS)[number];
export type ImportKind = 'accounts' | 'usage';
/** One data row as text cells keyed by field name; blank cells are left out. */
export type Cells = Partial<Record<Column, string>>;

const ALIASES: Record<Column, string[]> = {
  name: ['name', 'account', 'accountname', 'company', 'companyname', 'customer', 'customername', 'client', 'clientname', 'organization', 'organisation'],
  externalId: ['id', 'externalid', 'accountid', 'customerid', 'clientid', 'crmid', 'companyid', 'accountnumber'],
  arr: ['arr', 'annualvalue', 'annualrecurringrevenue', 'contractvalue', 'acv', 'annualcontractvalue'],
  renewal: ['renewal', 'renewaldate', 'renews', 'contractend', 'contractenddate', 'enddate', 'expiry', 'expirydate', 'expirationdate'],
  start: ['start', 'contractstart', 'contractstartdate', 'startdate'],
  churned: ['churned', 'churnedon', 'churndate', 'churnedat', 'churneddate', 'lostdate'],
  licensed: ['licensed', 'licensedusers', 'licenses', 'licences', 'seats', 'licensedseats'],
  active: ['active', 'activeusers', 'activeseats', 'users'],
  stage: ['stage', 'lifecyclestage', 'laerstage'],
  tier: ['tier', 'segment', 'level'],
  owner: ['owner', 'tam', 'csm', 'accountowner', 'accountmanager'],
  kickoff: ['kickoff', 'kickoffdate'],
  contactName: ['contact', 'contactname', 'primarycontact'],
  contactEmail: ['contactemail', 'email', 'primarycontactemail'],
  contactRole: ['contactrole', 'role'],
  recordedAt: ['recordedat', 'date', 'recorded', 'readingdate', 'timestamp', 'asof', 'period', 'day'],
  spend: ['spend', 'cost', 'amount', 'actualspend', 'monthlyspend', 'consumption'],
  forecast: ['forecast', 'budget', 'forecastspend', 'plannedspend'],
};

// A file is anyone's text: a cell is measured before anything parses it, so a
// 30,000-character "amount" reaches no pattern and no error message. Text columns
// leave room over their fields' own limits (an account name holds 120 characters,
// and an exported cell may carry a spreadsheet's apostrophe): the field's own rule
// then says exactly what is wrong.
const VALUE_CELL = 100;
const TEXT_CELL = 300;
/** The longest cell each column may hold. */
export const CELL_LIMITS: Record<Column, number> = {
  name: TEXT_CELL,
  externalId: TEXT_CELL,
  arr: VALUE_CELL,
  renewal: VALUE_CELL,
  start: VALUE_CELL,
  churned: VALUE_CELL,
  licensed: VALUE_CELL,
  active: VALUE_CELL,
  stage: TEXT_CELL,
  tier: TEXT_CELL,
  owner: TEXT_CELL,
  kickoff: VALUE_CELL,
  contactName: TEXT_CELL,
  contactEmail: TEXT_CELL,
  contactRole: TEXT_CELL,
  recordedAt: VALUE_CELL,
  spend: VALUE_CELL,
  forecast: VALUE_CELL,
};
export const MAX_HEADER_LENGTH = 200;

const withCommas = (n: number) => n.toLocaleString('en-US');

/** Why a cell is too long for its column (named as in the file's header); undefined when it fits. */
export function overlongCell(header: string, column: Column, value: string): string | undefined {
  const limit = CELL_LIMITS[column];
  if (value.length <= limit) return undefined;
  return `the "${header}" cell is ${withCommas(value.length)} characters long; that column takes at most ${limit}`;
}

/** Why the header line cannot be column names (one far too long to be a name); undefined when it can. */
export function overlongHeader(headers: string[]): string | undefined {
  const i = headers.findIndex((h) => h.length > MAX_HEADER_LENGTH);
  if (i < 0) return undefined;
  return `The header of column ${i + 1} is ${withCommas(headers[i]!.length)} characters long; a column name takes at most ${MAX_HEADER_LENGTH}.`;
}

const BY_ALIAS = new Map<string, Column>();
for (const [column, aliases] of Object.entries(ALIASES) as [Column, string[]][]) {
  for (const alias of aliases) BY_ALIAS.set(alias, column);
}

/** "Company Name", "company_name", "COMPANY-NAME" → "companyname". */
export function foldHeader(header: string): string {
  return header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
}

export function columnFor(header: string): Column | undefined {
  return BY_ALIAS.get(foldHeader(header));
}

/** A file with a date column holds usage readings; anything else is accounts. */
export function guessKind(headers: string[]): ImportKind {
  return headers.some((h) => columnFor(h) === 'recordedAt') ? 'usage' : 'accounts';
}

export function columnsOf(kind: ImportKind): readonly Column[] {
  return kind === 'usage' ? USAGE_COLUMNS : ACCOUNT_COLUMNS;
}
