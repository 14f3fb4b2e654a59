// Per-workspace settings, stored as JSON on the workspace row and read through one
// zod schema with defaults, so a missing or older settings object still works.
import { z } from 'zod';
import type { Workspace } from './workspaces.js';

const settingsSchema = z
  .object({
    cadenceMode: z.enum(['standard', 'twice-monthly']).catch('standard').default('standard'),
  })
  .passthrough();

export type WorkspaceSettings = z.infer<typeof settingsSchema>;

export function workspaceSettings(workspace: Pick<Workspace, 'settings'>): WorkspaceSettings {
  const parsed = settingsSchema.safeParse(workspace.settings ?? {});
  return parsed.success ? parsed.data : settingsSchema.parse({});
}
