// recheck (4.5) reads patterns with the u flag but not with v (Unicode sets: nested
// classes, -- and &&). A v pattern is checked as the u pattern that matches exactly
// the same strings: each character class becomes the list of code points it
// matches, found by asking the JavaScript engine itself about every code point.
// Classes that can match strings of several code points (\q{…}, emoji sequence
// properties) have no u equivalent and are reported instead.

const LAST_CODE_POINT = 0x10ffff;
const MATCHES_STRINGS = /\\q\{|\\p\{(?:Basic_Emoji|Emoji_Keycap_Sequence|RGI_Emoji\w*)\}/;

const hex = (codePoint: number) => `\\u{${codePoint.toString(16)}}`;
const expanded = new Map<string, string>();

/** A v-mode class (`[…]`, brackets included) as a u-mode class of code-point ranges. */
function expandClass(cls: string, caseInsensitive: boolean): string {
  const key = `${caseInsensitive ? 'i' : ''}${cls}`;
  const known = expanded.get(key);
  if (known !== undefined) return known;
  const member = new RegExp(`^${cls}$`, caseInsensitive ? 'vi' : 'v');
  const ranges: string[] = [];
  let start = -1;
  for (let cp = 0; cp <= LAST_CODE_POINT + 1; cp++) {
    const inside = cp <= LAST_CODE_POINT && member.test(String.fromCodePoint(cp));
    if (inside && start < 0) start = cp;
    if (!inside && start >= 0) {
      ranges.push(start === cp - 1 ? hex(start) : `${hex(start)}-${hex(cp - 1)}`);
      start = -1;
    }
  }
  const result = `[${ranges.join('')}]`;
  expanded.set(key, result);
  return result;
}

/** The end (index of the closing `]`) of the class opening at `open`; classes nest in v mode. */
function classEnd(source: string, open: number): number {
  let depth = 0;
  for (let i = open; i < source.length; i++) {
    if (source[i] === '\\') i++;
    else if (source[i] === '[') depth++;
    else if (source[i] === ']' && --depth === 0) return i;
  }
  throw new Error(`unclosed character class in /${source}/`);
}

export type Rewritten = { source: string; flags: string } | { unsupported: string };

/** `source`/`flags` unchanged without the v flag; else the u pattern matching the same strings. */
export function asUnicodeMode(source: string, flags: string): Rewritten {
  if (!flags.includes('v')) return { source, flags };
  let out = '';
  for (let i = 0; i < source.length; i++) {
    if (source[i] === '\\') {
      out += source.slice(i, i + 2);
      i++;
    } else if (source[i] === '[') {
      const end = classEnd(source, i);
      const cls = source.slice(i, end + 1);
      if (MATCHES_STRINGS.test(cls)) return { unsupported: `the class ${cls} can match strings of several characters` };
      out += expandClass(cls, flags.includes('i'));
      i = end;
    } else {
      out += source[i];
    }
  }
  return { source: out, flags: flags.replace('v', 'u') };
}
