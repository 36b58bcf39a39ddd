import { startAuditWorker } from '../../audit/audit-worker.ts';
import { buildServer } from '../../http/build-server.ts';
import { messagingConfigFromEnv } from '../../messaging/messaging-config.ts';
import { startMessaging } from '../../messaging/messaging-runtime.ts';
import { expireExports } from '../../services/exports/exports.ts';
import type { CommandIo, CommandValues } from '../main.ts';
import { openFromCommand } from './open-context.ts';

/** MUSTER_TRUST_PROXY: unset (trust no proxy header), "true", or the proxies' addresses ("10.0.0.1,10.0.0.2"). */
function trustProxySetting(value: string | undefined): boolean | string | undefined {
  if (!value) return undefined;
  return value === 'true' ? true : value;
}

export async function serveCommand(values: CommandValues, io: CommandIo): Promise<number> {
  const port = Number(typeof values.port === 'string' ? values.port : (process.env.PORT ?? 3000));
  const host = typeof values.host === 'string' ? values.host : (process.env.HOST ?? '127.0.0.1');
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port "${String(values.port ?? process.env.PORT)}"`);
  const messagingConfig = messagingConfigFromEnv();
  const ctx = await openFromCommand(values);
  const messaging = messagingConfig
    ? startMessaging(ctx, messagingConfig, { dispatch: messagingConfig.dispatchInServer, onError: (error) => io.err(`SMS dispatch: ${(error as Error).message}`) })
    : null;
  const app = await buildServer(ctx, {
    logger: { level: process.env.MUSTER_LOG_LEVEL ?? 'info' },
    publicRateLimit: Number(process.env.MUSTER_PUBLIC_RATE_LIMIT ?? 30),
    trustProxy: trustProxySetting(process.env.MUSTER_TRUST_PROXY),
    logRequests: process.env.MUSTER_LOG_REQUESTS === '1',
    secureCookies: process.env.MUSTER_INSECURE_COOKIES !== '1',
    ...(messaging && messagingConfig ? { messaging: { deps: messaging.deps, gatewayToken: messagingConfig.gatewayToken } } : {}),
  });
  const audit = startAuditWorker(ctx, { onError: (error) => app.log.error({ err: error }, 'audit sealing failed') });
  // Export files are deleted when they expire even if nobody asks for them.
  const expiry = setInterval(() => {
    expireExports(ctx).catch((error: unknown) => app.log.error({ err: error }, 'expiring exports failed'));
  }, 10 * 60_000);
  expiry.unref();
  const address = await app.listen({ port, host });
  io.out(`Muster is running at ${address} (drive ${ctx.drive.config.id}, database ${ctx.database.location})`);
  io.out(`  API documentation: ${address}/docs`);
  // Browsers accept the Secure session cookie over plain HTTP only on "localhost".
  const web = address.replace('://127.0.0.1:', '://localhost:');
  io.out(`  Public registration page: ${web}/register   Agent app: ${web}/agent/   Console: ${web}/console/`);
  const dataFlag = typeof values.data === 'string' ? ` --data ${values.data}` : '';
  if ((await ctx.staff.list(ctx.database.db)).length === 0) {
    io.out(`  No staff account yet. Create the first admin with:  npx muster user add --username admin --role admin${dataFlag}`);
  }
  if (messagingConfig) {
    io.out(`  SMS through Kannel at ${messagingConfig.kannel.url}; ${messagingConfig.dispatchInServer ? `dispatching here, ${messagingConfig.ratePerSecond} messages/s` : 'dispatching in `muster worker`'}`);
  }
  io.out('  Stop with Ctrl+C.');

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      io.out(`${signal}: stopping (finishing requests in progress)`);
      resolve();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  clearInterval(expiry);
  await app.close();
  await messaging?.stop();
  await audit.stop();
  await ctx.database.close();
  return 0;
}
