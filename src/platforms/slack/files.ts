// Files shared in Slack, fetched for import: files.info (files:read) for what the
// file is, then its url_private_download with the bot token. The token goes only to
// Slack's own file hosts (or SLACK_API_URL's host, where tests run a fake), never to
// whatever URL a payload names; a file from another organisation (Slack Connect), a
// file over the cap and a file that is not UTF-8 text are refused with a reason.
import type { WebClient } from '@slack/web-api';
import { CSV_IMPORT_MAX_BYTES, looksLikeCsv, tooLargeError } from '../../../commands/csv-import.js';
import type { SharedFile, SharedFiles } from '../../../commands/context.js';
import { UserError } from '../../core/errors.js';

export interface SlackFilesDeps {
  client: WebClient;
  /** The bot token of the workspace the file was shared in. */
  token: string;
  /** The workspace (team) the request came from: only its members' files are read. */
  teamId: string;
  /** SLACK_API_URL: its host may serve files too (tests). */
  apiUrl?: string;
  maxBytes?: number;
}

interface SlackFile {
  id?: string;
  name?: string;
  title?: string;
  mimetype?: string;
  filetype?: string;
  size?: number;
  user_team?: string;
  url_private?: string;
  url_private_download?: string;
}

const quiet = { usage: '', example: '' };

/** Slack's file hosts (files.slack.com, and GovSlack's) over HTTPS, or the configured API host. */
export function isSlackFileUrl(url: string, apiUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (apiUrl) {
    const api = new URL(apiUrl);
    if (parsed.protocol === api.protocol && parsed.host === api.host) return true;
  }
  return parsed.protocol === 'https:' && /(^|\.)slack(-gov)?\.com$/.test(parsed.hostname) && parsed.port === '';
}

function slackError(err: unknown): string | undefined {
  return (err as { data?: { error?: string } }).data?.error;
}

/** Reads the body up to `max` bytes; past it, stops and says so. */
async function readCapped(body: ReadableStream<Uint8Array>, max: number, name: string, declared: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > max) {
      await body.cancel().catch(() => undefined);
      throw tooLargeError(name, Math.max(size, declared));
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export function slackSharedFiles(deps: SlackFilesDeps): SharedFiles {
  const max = deps.maxBytes ?? CSV_IMPORT_MAX_BYTES;
  return {
    async read(fileId: string): Promise<SharedFile> {
      let file: SlackFile | undefined;
      try {
        file = (await deps.client.files.info({ file: fileId })).file as SlackFile | undefined;
      } catch (err) {
        const code = slackError(err);
        if (code === 'file_not_found' || code === 'file_deleted') throw new UserError('That file is no longer in Slack (deleted?). Share it again to import it.', quiet);
        if (code === 'missing_scope' || code === 'not_allowed_token_type') {
          throw new UserError('Tenure may not read shared files in this workspace yet.', { hint: 'A Slack admin needs to reinstall the app so it gets the files:read scope.', ...quiet });
        }
        throw err;
      }
      if (!file) throw new UserError('Slack did not describe that file. Share it again to import it.', quiet);
      const name = file.name ?? file.title ?? fileId;
      if (file.user_team && file.user_team !== deps.teamId) {
        throw new UserError(`${name} was shared from another organisation's Slack; Tenure imports only files of people in this workspace.`, quiet);
      }
      if (!looksLikeCsv(file)) throw new UserError(`${name} is not a CSV file.`, { hint: 'Export the sheet as CSV (UTF-8) and share that.', ...quiet });
      if ((file.size ?? 0) > max) throw tooLargeError(name, file.size!);
      const url = file.url_private_download ?? file.url_private;
      if (!url || !isSlackFileUrl(url, deps.apiUrl)) throw new UserError(`Slack gave no download address for ${name} that Tenure trusts. Share it again.`, quiet);

      const res = await fetch(url, { headers: { authorization: `Bearer ${deps.token}` }, signal: AbortSignal.timeout(30_000) });
      if (!res.ok || !res.body) {
        await res.body?.cancel().catch(() => undefined);
        throw new UserError(`Slack did not hand over ${name} (HTTP ${res.status}). Try again in a minute.`, quiet);
      }
      if (/text\/html/i.test(res.headers.get('content-type') ?? '')) {
        // What Slack sends a token without files:read: its sign-in page, with status 200.
        await res.body.cancel().catch(() => undefined);
        throw new UserError(`Slack answered with a sign-in page instead of ${name}.`, { hint: 'A Slack admin needs to reinstall the app so it gets the files:read scope.', ...quiet });
      }
      const bytes = await readCapped(res.body, max, name, file.size ?? 0);
      let content: string;
      try {
        content = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        throw new UserError(`${name} is not UTF-8 text.`, { hint: 'Save it as "CSV UTF-8" (Excel: File → Save As → CSV UTF-8) and share it again.', ...quiet });
      }
      return { id: file.id ?? fileId, name, content };
    },
  };
}
