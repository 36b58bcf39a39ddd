import type { AppContext } from '../app/app-context.ts';
import { callupPendingHook, callupReplyHook, callupStopHook } from '../services/callups/callup-answers.ts';
import { callupSettingsFromEnv, createCallupDeps } from '../services/callups/callup-deps.ts';
import { callupFeed } from '../services/callups/callup-sending.ts';
import { advanceCallups } from '../services/callups/callup-waves.ts';
import { createMessagingDeps, type MessagingDeps } from '../services/messaging/messaging-deps.ts';
import { createOutboxStore } from '../store/outbox-store.ts';
import { Dispatcher } from './dispatcher.ts';
import { createKannelGateway } from './kannel-client.ts';
import type { MessagingConfig } from './messaging-config.ts';

export interface MessagingRuntime {
  deps: MessagingDeps;
  dispatcher: Dispatcher | null;
  stop(): Promise<void>;
}

/**
 * Messaging as the server or the worker runs it: the services' dependencies and, when `dispatch`,
 * a dispatcher sending the outbox through Kannel (woken at once when this process queues a message).
 */
export function startMessaging(ctx: AppContext, config: MessagingConfig, options: { dispatch: boolean; onError?: (error: unknown) => void }): MessagingRuntime {
  let dispatcher: Dispatcher | null = null;
  const callups = createCallupDeps(ctx, { ...callupSettingsFromEnv(), smart: config.smart }, { outbox: createOutboxStore(ctx.cipher, { smart: config.smart }), onQueued: () => dispatcher?.nudge() });
  const deps = createMessagingDeps(
    ctx,
    { conversationTtlMs: config.conversationTtlMs, ussdTtlMs: config.ussdTtlMs, sender: config.sender, smart: config.smart },
    { onQueued: () => dispatcher?.nudge(), callupReply: callupReplyHook(callups), callupPending: callupPendingHook(callups), callupStop: callupStopHook(callups) },
  );
  const gateway = options.dispatch
    ? createKannelGateway({
        url: config.kannel.url,
        username: config.kannel.username,
        password: config.kannel.password,
        defaultSender: config.sender,
        callbackUrl: config.callbackUrl,
        gatewayToken: config.gatewayToken,
        timeoutMs: config.httpTimeoutMs,
        maxSockets: config.concurrency,
      })
    : null;
  if (gateway) {
    dispatcher = new Dispatcher(
      { database: ctx.database, outbox: deps.outbox, gateway, clock: ctx.clock, feed: callupFeed(callups), ...(options.onError ? { onError: options.onError } : {}) },
      { ratePerSecond: config.ratePerSecond, concurrency: config.concurrency, leaseMs: config.leaseMs, retryMaxMs: config.retryMaxMs, pollMs: config.pollMs },
    );
    dispatcher.start();
  }
  // Unfinished conversations hold answers (names, birth years): delete them once expired.
  const purge = setInterval(() => {
    deps.database.write((trx) => deps.conversations.purgeExpired(trx, ctx.clock())).catch((error: unknown) => options.onError?.(error));
  }, 60_000);
  purge.unref();
  // Call-ups move on (delivery, timeouts, next waves) where messages are dispatched.
  let advancing = false;
  const advance = options.dispatch
    ? setInterval(() => {
        if (advancing) return;
        advancing = true;
        advanceCallups(callups, ctx.clock())
          .catch((error: unknown) => options.onError?.(error))
          .finally(() => {
            advancing = false;
          });
      }, 15_000)
    : null;
  advance?.unref();
  return {
    deps,
    dispatcher,
    async stop() {
      clearInterval(purge);
      if (advance) clearInterval(advance);
      await dispatcher?.stop();
      gateway?.close();
    },
  };
}
