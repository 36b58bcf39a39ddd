import smpp, { type Pdu, type Session } from 'smpp';

/** A message as the simulated operator received it (parts of a long message put back together). */
export interface SubmittedSms {
  messageId: string;
  to: string;
  from: string;
  text: string;
  /** SMPP data_coding: 0 GSM default alphabet, 8 UCS-2. */
  dataCoding: number;
  parts: number;
  at: number;
}

/**
 * An operator's SMS centre for tests, over real SMPP (npm `smpp`): it accepts binds, answers each
 * submit_sm with a message id, sends a delivery receipt for it (DELIVRD, or UNDELIV for numbers in
 * `failing`), and injects messages from phones as deliver_sm.
 */
export class SmscSimulator {
  readonly submitted: SubmittedSms[] = [];
  readonly failing = new Set<string>();
  /** submit_sm PDUs received (one per part). */
  pdus = 0;
  private readonly sessions = new Set<Session>();
  private readonly server = smpp.createServer((session) => this.accept(session));
  private nextId = 1000;
  private readonly partial = new Map<string, { total: number; parts: Map<number, string>; first: Pdu; coding: number }>();
  port = 0;

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
    return this.port;
  }

  async stop(): Promise<void> {
    for (const session of this.sessions) session.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get bound(): boolean {
    return this.sessions.size > 0;
  }

  /** A message from a phone to a short code, as the operator would pass it on. */
  deliver(from: string, to: string, text: string): Promise<void> {
    const session = [...this.sessions][0];
    if (!session) return Promise.reject(new Error('no bound gateway to deliver to'));
    const ucs2 = /[^\u0000-\u007f\u00a0-\u00ff]/.test(text);
    return new Promise((resolve, reject) => {
      session.deliver_sm(
        { source_addr: from, source_addr_ton: 1, source_addr_npi: 1, destination_addr: to, data_coding: ucs2 ? 8 : 0, short_message: ucs2 ? Buffer.from(text, 'utf16le').swap16() : text },
        (response) => (response.command_status === 0 ? resolve() : reject(new Error(`deliver_sm refused: ${response.command_status}`))),
      );
    });
  }

  /** Texts received for a number, in order. */
  textsTo(number: string): string[] {
    return this.submitted.filter((m) => m.to === number).map((m) => m.text);
  }

  private accept(session: Session): void {
    const bind = (pdu: Pdu) => {
      session.send(pdu.response());
      this.sessions.add(session);
    };
    session.on('bind_transceiver', bind);
    session.on('bind_transmitter', bind);
    session.on('bind_receiver', bind);
    session.on('enquire_link', (pdu: Pdu) => session.send(pdu.response()));
    session.on('unbind', (pdu: Pdu) => {
      session.send(pdu.response());
      this.sessions.delete(session);
      session.close();
    });
    session.on('close', () => this.sessions.delete(session));
    session.on('error', () => this.sessions.delete(session));
    session.on('submit_sm', (pdu: Pdu) => this.submit(session, pdu));
  }

  private submit(session: Session, pdu: Pdu): void {
    this.pdus += 1;
    const messageId = String(this.nextId++);
    session.send(pdu.response({ message_id: messageId }));
    const body = pdu.short_message;
    const text = typeof body === 'object' && body !== null && !Buffer.isBuffer(body) ? String(body.message) : String(body ?? '');
    const udh = typeof body === 'object' && body !== null && !Buffer.isBuffer(body) ? body.udh : undefined;
    const concat = udh?.find((u) => u[0] === 0x00 || u[0] === 0x08);
    let complete: { text: string; parts: number } | null = { text, parts: 1 };
    if (concat) {
      const long = concat[0] === 0x08;
      const ref = `${pdu.destination_addr}:${long ? concat.readUInt16BE(2) : concat[2]}`;
      const total = concat[long ? 4 : 3] ?? 1;
      const seq = concat[long ? 5 : 4] ?? 1;
      const entry = this.partial.get(ref) ?? { total, parts: new Map<number, string>(), first: pdu, coding: pdu.data_coding ?? 0 };
      entry.parts.set(seq, text);
      this.partial.set(ref, entry);
      complete = null;
      if (entry.parts.size === entry.total) {
        this.partial.delete(ref);
        complete = { text: [...entry.parts.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t).join(''), parts: entry.total };
      }
    }
    const to = pdu.destination_addr ?? '';
    if (complete) this.submitted.push({ messageId, to, from: pdu.source_addr ?? '', text: complete.text, dataCoding: pdu.data_coding ?? 0, parts: complete.parts, at: Date.now() });
    if ((pdu.registered_delivery ?? 0) & 0x01 || (pdu.registered_delivery ?? 0) & 0x02) this.receipt(session, pdu, messageId, this.failing.has(to));
  }

  private receipt(session: Session, pdu: Pdu, messageId: string, fail: boolean): void {
    const stamp = new Date().toISOString().replace(/[-T:]/g, '').slice(2, 12);
    const stat = fail ? 'UNDELIV' : 'DELIVRD';
    const text = `id:${messageId} sub:001 dlvrd:${fail ? '000' : '001'} submit date:${stamp} done date:${stamp} stat:${stat} err:${fail ? '001' : '000'} text:`;
    setTimeout(() => {
      session.deliver_sm({
        source_addr: pdu.destination_addr,
        destination_addr: pdu.source_addr,
        esm_class: 0x04,
        short_message: text,
        receipted_message_id: messageId,
        message_state: fail ? 5 : 2,
      });
    }, 5);
  }
}
