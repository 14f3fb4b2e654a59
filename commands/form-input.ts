// Form submissions: values checked with a zod schema, the first problem per field
// kept for the form to show next to that field.
import type { z } from 'zod';

export function checkForm<T>(schema: z.ZodType<T>, values: Record<string, string>): { data?: T; errors: Record<string, string> } {
  const parsed = schema.safeParse(values);
  const errors: Record<string, string> = {};
  if (!parsed.success) for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
  return parsed.success ? { data: parsed.data, errors } : { errors };
}
