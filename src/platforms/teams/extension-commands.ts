// The message extension's commands, as the Teams manifest declares them
// (scripts/teams-manifest.ts writes them into composeExtensions) and as
// message-extension.ts answers them: one list, so the ids cannot drift apart.
// "Log as check-in" takes its name and description from the registry's message
// shortcut, as Slack's message shortcut does.
import { CHECKIN_FROM_MESSAGE, CHECKIN_SHORTCUTS } from '../../../commands/checkin-from-message.js';

export const SEARCH_ACCOUNTS_COMMAND = 'findAccount';
export const LOG_CHECKIN_COMMAND = 'logCheckin';

const logCheckin = CHECKIN_SHORTCUTS.find((s) => s.id === CHECKIN_FROM_MESSAGE)!;

/** composeExtensions[0].commands of the Teams manifest. */
export const EXTENSION_COMMANDS = [
  {
    id: SEARCH_ACCOUNTS_COMMAND,
    type: 'query',
    title: 'Find account',
    description: "Search your customer accounts and insert an account's card",
    initialRun: true,
    context: ['compose', 'commandBox'],
    parameters: [{ name: 'query', title: 'Account', description: "Part of the account's name", inputType: 'text' }],
  },
  {
    id: LOG_CHECKIN_COMMAND,
    type: 'action',
    title: logCheckin.name,
    description: logCheckin.description,
    context: ['message'],
    fetchTask: true,
  },
] as const;
