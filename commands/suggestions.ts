// What Tenure suggests when a command or subcommand is misspelt, and which usage line
// answers what was typed. Suggestions name only what exists, written the way it is
// typed (`/tenure token`, not a `/token` Slack does not have), and carry the rest of
// the line, so the suggestion can be copied as it is.
import { nameSimilarity } from '../src/core/names.js';

/** What the registry knows of a command that suggestions need. */
export interface Suggestable {
  name: string;
  usage: string[];
  tenureOnly?: boolean;
  /** Other words for a subcommand (`close` → `resolve`). */
  aliases?: Record<string, string>;
}

/** How close a typed word must be to a subcommand to be taken for a misspelling of it (`resolv`, `acknowlege`). */
const SUBCOMMAND_LIKENESS = 0.7;
/** How far behind the best match another may be and still be named with it. */
const RUNNER_UP_GAP = 0.15;

/** How a person types the command: `/checkin`, or `/tenure admin` for a /tenure-only one. */
export const slashName = (command: Pick<Suggestable, 'name' | 'tenureOnly'>): string => (command.tenureOnly ? `/tenure ${command.name}` : `/${command.name}`);

/** The candidates that match `typed` at least `min`, best first, leaving out any far behind the best. */
export function bestMatches(typed: string, candidates: string[], min: number, limit = 2): string[] {
  const scored = candidates
    .map((name) => ({ name, score: nameSimilarity(typed, name) }))
    .filter((m) => m.score >= min)
    .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name));
  const best = scored[0]?.score ?? 0;
  return scored.filter((m) => m.score >= best - RUNNER_UP_GAP).slice(0, limit).map((m) => m.name);
}

/** The words of a typed line after the command (and after `/tenure`). */
function wordsOf(input: string): string[] {
  return input.trim().replace(/^\/?tenure\s+/i, '').split(/\s+/).slice(1);
}

/** The hint for a command that does not exist: the real ones it may have meant, with the rest of the line. */
export function commandSuggestion(typed: string, input: string, commands: Suggestable[]): string {
  const names = bestMatches(typed, commands.map((c) => c.name), 0.4);
  if (names.length === 0) return 'Type /tenure help for every command.';
  const rest = wordsOf(input).join(' ');
  const lines = names.map((n) => `${slashName(commands.find((c) => c.name === n)!)}${rest ? ` ${rest}` : ''}`);
  return `Did you mean ${lines.join(' or ')}?`;
}

/** The subcommand word of a usage or example line (`/account set …`, `/tenure admin add …`). */
export function subcommandWord(line: string): string | undefined {
  return line.replace(/^\/tenure\s+/i, '').split(/\s+/)[1]?.toLowerCase();
}

/** The words a command takes as subcommands, from its usage lines and aliases. */
function subcommandsOf(command: Suggestable): string[] {
  const words = command.usage.map(subcommandWord).filter((w): w is string => w !== undefined && /^[a-z][a-z-]*$/.test(w));
  return [...new Set([...words, ...Object.keys(command.aliases ?? {})])];
}

/** The subcommand typed first after the command (`/ticket close 27` → "close"). */
export function typedSubcommand(command: Pick<Suggestable, 'name'>, input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const words = input.trim().replace(/^\/?tenure\s+/i, '').split(/\s+/);
  return words[0]?.replace(/^\//, '').toLowerCase() === command.name ? words[1]?.toLowerCase() : undefined;
}

/**
 * The line of `lines` (usage or examples) for what was typed: its subcommand's line,
 * read through the aliases and shown with the word that was typed (`/ticket close
 * <id> [note…]`); else the first.
 */
export function lineFor(command: Suggestable, lines: string[], input: unknown): string {
  const typed = typedSubcommand(command, input);
  const sub = typed ? (command.aliases?.[typed] ?? typed) : undefined;
  const line = sub ? lines.find((l) => subcommandWord(l) === sub) : undefined;
  return line ? asTyped(command, line, input) : lines[0]!;
}

/** A usage or example line a command gave itself, shown with the other word that was typed for its subcommand. */
export function asTyped(command: Suggestable, line: string, input: unknown): string {
  const typed = typedSubcommand(command, input);
  const sub = typed ? command.aliases?.[typed] : undefined;
  if (!typed || !sub || subcommandWord(line) !== sub) return line;
  // The subcommand is the line's second word (third after /tenure): swapped by position, no pattern built at run time.
  const words = line.split(' ');
  const at = words[0]?.toLowerCase() === '/tenure' ? 2 : 1;
  if (words[at]?.toLowerCase() === sub) words[at] = typed;
  return words.join(' ');
}

/**
 * For an answer to a command whose first word looks like a misspelt subcommand
 * (`/ticket resolv 27`): the line it probably meant. Undefined when the word is a
 * subcommand, or like none.
 */
export function subcommandSuggestion(command: Suggestable, input: unknown): string | undefined {
  const typed = typedSubcommand(command, input);
  if (!typed || typed.length < 3 || typeof input !== 'string') return undefined;
  const known = subcommandsOf(command);
  if (known.includes(typed)) return undefined;
  const [best] = bestMatches(typed, known, SUBCOMMAND_LIKENESS, 1);
  if (!best) return undefined;
  const rest = wordsOf(input).slice(1).join(' ');
  return `Did you mean ${slashName(command)} ${best}${rest ? ` ${rest}` : ''}?`;
}
