import { messagingConfigFromEnv } from '../../messaging/messaging-config.ts';
import { startMessaging } from '../../messaging/messaging-runtime.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

/**
 * The SMS dispatcher as a process of its own (set MUSTER_SMS_DISPATCH=worker for `muster serve` to
 * leave dispatching to it). Several workers may run: each claims messages with a lease.
 */
export async function workerCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const config = messagingConfigFromEnv();
  if (!config) {
    io.err('muster worker: MUSTER_KANNEL_URL is not set: there is no SMS gateway to send to');
    return 2;
  }
  const ctx = await openFromCommand(values);
  const messaging = startMessaging(ctx, config, { dispatch: true, onError: (error) => io.err(`SMS dispatch: ${(error as Error).message}`) });
  io.out(`Muster worker: sending SMS through ${config.kannel.url} at up to ${config.ratePerSecond} messages/s (${messaging.dispatcher?.owner ?? ''})`);
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.out(`${signal}: stopping (finishing the batch in progress)`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await messaging.stop();
  await ctx.database.close();
  return 0;
}
