import http from 'node:http';
import type { ClaimedSms, SendResult } from '../store/outbox-store.ts';

/** Anything that can send one SMS: Kannel in production, a stand-in in unit tests. */
export interface SmsGateway {
  send(message: ClaimedSms): Promise<SendResult>;
  close(): void;
}

export interface KannelOptions {
  /** sendsms base URL, e.g. http://127.0.0.1:13013 */
  url: string;
  username: string;
  password: string;
  /** Sender when the message names none. */
  defaultSender: string | null;
  /** Where Kannel reports deliveries: Muster's callback base URL and the shared token. */
  callbackUrl: string;
  gatewayToken: string;
  timeoutMs: number;
  /** Connections kept open to Kannel. */
  maxSockets: number;
}

/** The delivery report URL for one message; Kannel fills %d (status) and %T (time). */
export function deliveryReportUrl(options: Pick<KannelOptions, 'callbackUrl' | 'gatewayToken'>, id: string): string {
  return `${options.callbackUrl}/api/v1/gateway/kannel/dlr?id=${encodeURIComponent(id)}&status=%d&ts=%T&token=${encodeURIComponent(options.gatewayToken)}`;
}

/**
 * Kannel's sendsms over HTTP (GET, as Kannel documents it). 202 "Accepted for delivery" (or "Queued
 * for later delivery") means Kannel has the message; a 4xx is a refusal for good; a 5xx, a refused
 * connection or a reset means the gateway is down and nothing was sent; no answer in time is
 * unknown (the lease and the delivery report settle it).
 */
export function createKannelGateway(options: KannelOptions): SmsGateway {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
  const base = new URL('/cgi-bin/sendsms', options.url);

  function urlFor(message: ClaimedSms): URL {
    const url = new URL(base);
    const params = url.searchParams;
    params.set('username', options.username);
    params.set('password', options.password);
    params.set('to', message.phone.replace(/^\+/, ''));
    const from = message.sender ?? options.defaultSender;
    if (from) params.set('from', from);
    params.set('text', message.body);
    params.set('charset', 'UTF-8');
    params.set('coding', message.encoding === 'ucs2' ? '2' : '0');
    params.set('dlr-mask', '31');
    params.set('dlr-url', deliveryReportUrl(options, message.id));
    return url;
  }

  return {
    send(message) {
      return new Promise<SendResult>((resolve) => {
        let settled = false;
        const done = (result: SendResult) => {
          if (!settled) {
            settled = true;
            resolve(result);
          }
        };
        const request = http.get(urlFor(message), { agent, timeout: options.timeoutMs }, (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => {
            const status = response.statusCode ?? 0;
            const text = `${status} ${body.trim()}`.slice(0, 300);
            if (status >= 200 && status < 300) done({ kind: 'accepted' });
            else if (status >= 400 && status < 500) done({ kind: 'rejected', error: text });
            else done({ kind: 'unavailable', error: text });
          });
          response.on('error', (error) => done({ kind: 'unknown', error: error.message }));
        });
        request.on('timeout', () => {
          done({ kind: 'unknown', error: `no answer from Kannel within ${options.timeoutMs} ms` });
          request.destroy();
        });
        request.on('error', (error: NodeJS.ErrnoException) => {
          // The request never reached Kannel: safe to send again.
          const refused = error.code === 'ECONNREFUSED' || error.code === 'ENOTFOUND' || error.code === 'EHOSTUNREACH' || error.code === 'ECONNRESET';
          done(refused ? { kind: 'unavailable', error: `${error.code ?? ''} ${error.message}`.trim() } : { kind: 'unknown', error: error.message });
        });
      });
    },
    close() {
      agent.destroy();
    },
  };
}
