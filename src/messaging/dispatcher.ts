import { randomUUID } from 'node:crypto';
import type { Database } from '../store/database.ts';
import type { ClaimedSms, OutboxStore, SendResult } from '../store/outbox-store.ts';
import type { SmsGateway } from './kannel-client.ts';

export interface DispatcherOptions {
  /** Message parts per second toward the gateway (an operator's TPS limit). */
  ratePerSecond: number;
  /** Requests in flight at once. */
  concurrency: number;
  leaseMs: number;
  /** Longest wait between two attempts of a message while the gateway is down. */
  retryMaxMs: number;
  /** How often to look for work when there was none. */
  pollMs: number;
  /** Messages claimed at once; small enough that a reply never waits long behind bulk. */
  batchSize?: number;
  /** Names this dispatcher in leases (several may run, in several processes). */
  owner?: string;
}

export interface DispatcherDeps {
  database: Database;
  outbox: OutboxStore;
  gateway: SmsGateway;
  clock: () => Date;
  onError?: (error: unknown) => void;
  /**
   * Queues messages that are due but not yet in the outbox (call-up questions, callup-sending.ts), up
   * to `room`, before each claim: they are rendered and sealed when they can be sent.
   */
  feed?: (now: Date, room: number) => Promise<number>;
}

/** 1 s, 2 s, 4 s... up to `max`. */
export function retryDelay(attempts: number, max: number): number {
  return Math.min(max, 1000 * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
}

/**
 * Takes due messages from the outbox and sends them through the gateway: replies before bulk, at
 * most `ratePerSecond` parts per second, retrying with backoff while the gateway is down. Each
 * message is claimed with a lease before it is sent and settled after, so a dispatcher that dies
 * mid-send loses nothing; see docs/decisions.md for how close to exactly-once this gets.
 */
export class Dispatcher {
  readonly owner: string;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private tokens: number;
  private lastRefill: number;
  private pauseUntil = 0;
  /** Results of the previous batch being written while the next one is sent (at most one at a time). */
  private recording: Promise<void> = Promise.resolve();
  private recordError: Error | null = null;
  private readonly batchSize: number;

  constructor(
    private readonly deps: DispatcherDeps,
    private readonly options: DispatcherOptions,
  ) {
    this.owner = options.owner ?? `dispatcher:${randomUUID()}`;
    this.tokens = options.ratePerSecond;
    this.lastRefill = Date.now();
    this.batchSize = options.batchSize ?? Math.max(10, Math.min(500, Math.ceil(options.ratePerSecond)));
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Finishes the batch in progress (its results are recorded), then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.nudge();
    await this.loop;
    await this.recording;
    this.loop = null;
  }

  /** New messages were queued: look now rather than at the next poll. */
  nudge(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let sent = 0;
      try {
        if (Date.now() >= this.pauseUntil) sent = await this.runOnce({ background: true });
      } catch (error) {
        this.deps.onError?.(error);
      }
      if (!this.running) break;
      if (sent < this.batchSize) await this.idle(Math.max(10, Math.min(this.options.pollMs, this.pauseUntil > Date.now() ? this.pauseUntil - Date.now() : this.options.pollMs)));
    }
  }

  private idle(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  /**
   * Claims one batch, sends it and records the results. With `background`, the results are written
   * while the next batch is claimed and sent (at most one write in flight). Returns how many messages
   * were claimed.
   */
  async runOnce(options: { background?: boolean } = {}): Promise<number> {
    const { database, outbox, gateway, clock } = this.deps;
    const earlier = this.takeRecordError();
    if (earlier) throw earlier;
    if (this.deps.feed) await this.deps.feed(clock(), this.batchSize);
    const batch = await outbox.claim(database, this.owner, clock(), this.batchSize, this.options.leaseMs);
    if (batch.length === 0) return 0;
    const results: Array<{ message: ClaimedSms; result: SendResult }> = [];
    let next = 0;
    let gatewayDown = false;
    const worker = async () => {
      while (next < batch.length) {
        const message = batch[next++];
        if (!message) break;
        // Once the gateway is known to be down, the rest of the batch waits for the next attempt unsent.
        if (gatewayDown) {
          results.push({ message, result: { kind: 'unavailable', error: 'gateway down' } });
          continue;
        }
        await this.take(message.segments);
        const result = await gateway.send(message);
        if (result.kind === 'unavailable') gatewayDown = true;
        results.push({ message, result });
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency, batch.length) }, worker));
    // The next batch is claimed and sent while these results are written; a crash before they are
    // written leaves the messages leased, which the lease and the delivery reports settle.
    const previous = this.recording;
    this.recording = previous
      .then(() => outbox.record(database, this.owner, results, clock(), (attempts) => retryDelay(attempts, this.options.retryMaxMs)))
      .catch((error: unknown) => {
        this.recordError = error instanceof Error ? error : new Error(String(error));
      });
    await (options.background && !gatewayDown ? previous : this.recording);
    if (!options.background) {
      const error = this.takeRecordError();
      if (error) throw error;
    }
    if (gatewayDown) {
      const attempts = Math.max(...results.filter((r) => r.result.kind === 'unavailable').map((r) => r.message.attempts));
      this.pauseUntil = Date.now() + retryDelay(attempts, this.options.retryMaxMs);
    }
    return batch.length;
  }

  private takeRecordError(): Error | null {
    const error = this.recordError;
    this.recordError = null;
    return error;
  }

  /** Token bucket: waits until `parts` may go without exceeding the rate. */
  private async take(parts: number): Promise<void> {
    const rate = this.options.ratePerSecond;
    for (;;) {
      const now = Date.now();
      this.tokens = Math.min(rate, this.tokens + ((now - this.lastRefill) / 1000) * rate);
      this.lastRefill = now;
      if (this.tokens >= Math.min(parts, rate)) {
        this.tokens -= parts;
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(((Math.min(parts, rate) - this.tokens) / rate) * 1000)));
    }
  }
}
