import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClaimedSms } from '../store/outbox-store.ts';
import { createKannelGateway, deliveryReportUrl } from './kannel-client.ts';

/** A stand-in for Kannel's sendsms that answers as the test says and remembers the queries. */
let answer: (res: http.ServerResponse) => void = (res) => res.writeHead(202).end('0: Accepted for delivery');
const queries: URLSearchParams[] = [];
const server = http.createServer((req, res) => {
  queries.push(new URL(req.url ?? '/', 'http://x').searchParams);
  answer(res);
});
let url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const message = (overrides: Partial<ClaimedSms> = {}): ClaimedSms => ({
  id: '0190a0b0-0000-7000-8000-000000000001',
  phone: '+22790000001',
  body: 'Sannu ɗan uwa',
  encoding: 'ucs2',
  segments: 1,
  sender: '1234',
  attempts: 1,
  priority: 0,
  ...overrides,
});
const options = (overrides = {}) => ({ url, username: 'app', password: 'pw', defaultSender: '9999', callbackUrl: 'http://muster:3000', gatewayToken: 'tok&en', timeoutMs: 300, maxSockets: 2, ...overrides });

describe('the Kannel sendsms client', () => {
  it('sends the number without +, the text as UTF-8, UCS-2 coding and a delivery report URL naming the message', async () => {
    const gateway = createKannelGateway(options());
    expect(await gateway.send(message())).toEqual({ kind: 'accepted' });
    const q = queries.at(-1);
    expect(q?.get('to')).toBe('22790000001');
    expect(q?.get('from')).toBe('1234');
    expect(q?.get('text')).toBe('Sannu ɗan uwa');
    expect(q?.get('charset')).toBe('UTF-8');
    expect(q?.get('coding')).toBe('2');
    expect(q?.get('dlr-mask')).toBe('31');
    expect(q?.get('dlr-url')).toBe('http://muster:3000/api/v1/gateway/kannel/dlr?id=0190a0b0-0000-7000-8000-000000000001&status=%d&ts=%T&token=tok%26en');
    await gateway.send(message({ encoding: 'gsm7', sender: null }));
    expect(queries.at(-1)?.get('coding')).toBe('0');
    expect(queries.at(-1)?.get('from')).toBe('9999');
    gateway.close();
  });

  it('reads 4xx as refused for good, 5xx as the gateway down, no answer as unknown', async () => {
    const gateway = createKannelGateway(options());
    answer = (res) => res.writeHead(400).end('Invalid to');
    expect(await gateway.send(message())).toEqual({ kind: 'rejected', error: '400 Invalid to' });
    answer = (res) => res.writeHead(503).end('Temporary failure');
    expect(await gateway.send(message())).toMatchObject({ kind: 'unavailable' });
    answer = () => undefined; // never answers
    expect(await gateway.send(message())).toMatchObject({ kind: 'unknown' });
    answer = (res) => res.writeHead(202).end('0: Accepted');
    gateway.close();
  });

  it('reads a refused connection as the gateway down (nothing was sent)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const gateway = createKannelGateway(options({ url: `http://127.0.0.1:${port}` }));
    expect(await gateway.send(message())).toMatchObject({ kind: 'unavailable', error: expect.stringContaining('ECONNREFUSED') });
    gateway.close();
  });

  it('puts the token and id in the delivery report URL, encoded', () => {
    expect(deliveryReportUrl({ callbackUrl: 'https://m.example', gatewayToken: 'a b' }, 'id-1')).toBe('https://m.example/api/v1/gateway/kannel/dlr?id=id-1&status=%d&ts=%T&token=a%20b');
  });
});
