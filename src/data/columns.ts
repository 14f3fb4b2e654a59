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
