/** The part of the `smpp` package (no published types) that the SMSC simulator uses. */
declare module 'smpp' {
  import type { EventEmitter } from 'node:events';

  export interface Pdu {
    command: string;
    command_status: number;
    sequence_number: number;
    source_addr?: string;
    destination_addr?: string;
    data_coding?: number;
    esm_class?: number;
    registered_delivery?: number;
    system_id?: string;
    password?: string;
    short_message?: { message: string | Buffer; udh?: Buffer[] } | string | Buffer;
    response(fields?: Record<string, unknown>): Pdu;
  }

  export interface Session extends EventEmitter {
    send(pdu: Pdu, callback?: (response: Pdu) => void): boolean;
    deliver_sm(fields: Record<string, unknown>, callback?: (response: Pdu) => void): boolean;
    close(callback?: () => void): void;
    destroy(callback?: () => void): void;
    pause(): void;
    resume(): void;
  }

  export interface Server extends EventEmitter {
    listen(port: number, host: string, callback?: () => void): void;
    address(): { port: number } | string | null;
    close(callback?: () => void): void;
  }

  export function createServer(listener: (session: Session) => void): Server;
  export function createServer(options: Record<string, unknown>, listener: (session: Session) => void): Server;
  const smpp: { createServer: typeof createServer; ESME_RBINDFAIL: number };
  export default smpp;
}
