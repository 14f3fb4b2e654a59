// One Bolt listener for all the events Tenure handles (App Home, file shares,
// uninstalls), dispatched by event type.
import type { AllMiddlewareArgs, App, SlackEventMiddlewareArgs } from '@slack/bolt';

type EventHandler<E extends string> = (args: SlackEventMiddlewareArgs<E> & AllMiddlewareArgs) => Promise<void>;

/**
 * The events Tenure handles, behind one Bolt listener. Bolt runs every listener's
 * matching middleware for every request, slash commands included (a copy of its
 * middleware array, a promise chain and an argument object each): five event
 * listeners cost every command more than the one that matched.
 */
export function eventListener(app: App) {
  const handlers = new Map<string, EventHandler<string>>();
  return {
    on<E extends string>(type: E, handler: EventHandler<E>): void {
      handlers.set(type, handler as unknown as EventHandler<string>);
    },
    register(): void {
      app.event(new RegExp(`^(?:${[...handlers.keys()].join('|')})$`), async (args) => {
        await handlers.get(args.event.type)?.(args as SlackEventMiddlewareArgs<string> & AllMiddlewareArgs);
      });
    },
  };
}
