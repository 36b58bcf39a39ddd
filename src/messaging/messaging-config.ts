/**
 * How Muster talks to the SMS gateway (Kannel) and how the gateways reach Muster, from the
 * environment. Messaging is off unless MUSTER_KANNEL_URL is set.
 */
export interface MessagingConfig {
  kannel: {
    /** sendsms base URL, e.g. http://127.0.0.1:13013 */
    url: string;
    username: string;
    password: string;
  };
  /** Default sender (short code) when a message does not answer one. */
  sender: string | null;
  /** How the gateway reaches Muster for delivery reports, e.g. http://127.0.0.1:3000 */
  callbackUrl: string;
  /** Shared secret the gateways pass as ?token= on every callback. */
  gatewayToken: string;
  /** Messages (parts) per second toward the gateway, per dispatcher. */
  ratePerSecond: number;
  /** Requests to the gateway in flight at once. */
  concurrency: number;
  /** Replace ê by e and the like so that more messages fit GSM-7. */
  smart: boolean;
  /** How long a claimed message is held before another dispatcher may send it again (HTTP timeout + time for a delivery report). */
  leaseMs: number;
  httpTimeoutMs: number;
  /** Longest wait between two attempts while the gateway is down. */
  retryMaxMs: number;
  /** Run the dispatcher inside `muster serve` (default) or only in `muster worker`. */
  dispatchInServer: boolean;
  conversationTtlMs: number;
  ussdTtlMs: number;
  /** How often an idle dispatcher looks for new messages. */
  pollMs: number;
}

export class MessagingConfigError extends Error {}

function number(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new MessagingConfigError(`${name} must be a positive number (got "${raw}")`);
  return value;
}

export function messagingConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MessagingConfig | null {
  const url = env.MUSTER_KANNEL_URL;
  if (!url) return null;
  const token = env.MUSTER_GATEWAY_TOKEN ?? '';
  if (token.length < 16) throw new MessagingConfigError('MUSTER_GATEWAY_TOKEN must be set (at least 16 characters) when MUSTER_KANNEL_URL is set: Kannel and the USSD aggregator pass it on every callback');
  const callbackUrl = env.MUSTER_CALLBACK_URL;
  if (!callbackUrl) throw new MessagingConfigError('MUSTER_CALLBACK_URL must be set when MUSTER_KANNEL_URL is set (how Kannel reaches Muster for delivery reports)');
  return {
    kannel: { url: url.replace(/\/+$/, ''), username: env.MUSTER_KANNEL_USER ?? '', password: env.MUSTER_KANNEL_PASSWORD ?? '' },
    sender: env.MUSTER_SMS_FROM || null,
    callbackUrl: callbackUrl.replace(/\/+$/, ''),
    gatewayToken: token,
    ratePerSecond: number(env, 'MUSTER_SMS_RATE', 20),
    concurrency: Math.floor(number(env, 'MUSTER_SMS_CONCURRENCY', 10)),
    smart: env.MUSTER_SMS_SMART === '1',
    leaseMs: number(env, 'MUSTER_SMS_LEASE_MS', 30_000),
    httpTimeoutMs: number(env, 'MUSTER_SMS_HTTP_TIMEOUT_MS', 10_000),
    retryMaxMs: number(env, 'MUSTER_SMS_RETRY_MAX_MS', 60_000),
    dispatchInServer: env.MUSTER_SMS_DISPATCH !== 'worker',
    conversationTtlMs: number(env, 'MUSTER_SMS_CONVERSATION_TTL', 86_400) * 1000,
    ussdTtlMs: number(env, 'MUSTER_USSD_TTL', 180) * 1000,
    pollMs: number(env, 'MUSTER_SMS_POLL_MS', 250),
  };
}
