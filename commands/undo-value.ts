// What an Undo button carries back when it names more than an id: a small JSON
// object (the thing changed and the moment), checked with its own schema. A value
// that does not parse is not an error of ours: the caller answers what to do instead.
import type { z } from 'zod';

export function undoValue<T extends z.ZodTypeAny>(value: string, schema: T): z.infer<T> | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return undefined;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}
