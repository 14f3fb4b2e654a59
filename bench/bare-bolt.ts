// The floor of the HTTP load benchmark (bench/http-load.ts): a bare Bolt app with
// the same @slack/bolt and receiver Tenure uses (ExpressReceiver, signature checks
// on), whose one slash-command listener only acks, so what the benchmark measures
// above this is Tenure's work. It runs through tsx (`node --import tsx`); tsx only
// transforms modules as they load, so per request it runs the same as compiled code.
import { App, ExpressReceiver, LogLevel } from '@slack/bolt';

const port = Number(process.env.PORT);
const signingSecret = process.env.SLACK_SIGNING_SECRET ?? '';
const receiver = new ExpressReceiver({ signingSecret, endpoints: '/slack/events', processBeforeResponse: false });
const app = new App({
  receiver,
  token: process.env.SLACK_BOT_TOKEN,
  logLevel: LogLevel.WARN,
  clientOptions: { slackApiUrl: process.env.SLACK_API_URL },
});
app.command(/^\/[\w-]+$/, async ({ ack }) => {
  await ack();
});
const server = await receiver.start(port);
process.stdout.write('bare Bolt app ready\n');
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
