import { expect } from 'vitest';

// Cards are checked line by line for what they must say; one call with the list keeps a test's
// expectations readable as the card's lines, and fails on the first line missing, as before.
export function expectLines(text: string, lines: readonly string[]): void {
  for (const line of lines) expect(text).toContain(line);
}
