import { z } from 'zod';

/**
 * Africa's Talking USSD callback: a form POST with sessionId, serviceCode, phoneNumber, networkCode
 * and text (every answer of the session joined by "*"); the answer is plain text starting "CON "
 * (show and wait for input) or "END " (show and close). Another aggregator's format is another file
 * like this one.
 */
export const africasTalkingRequest = z
  .object({
    sessionId: z.string().min(1).max(100),
    serviceCode: z.string().max(40).default(''),
    phoneNumber: z.string().min(1).max(40),
    networkCode: z.string().max(20).optional(),
    text: z.string().max(1000).default(''),
  })
  .passthrough();

export interface UssdRequest {
  sessionId: string;
  serviceCode: string;
  phone: string;
  network: string | null;
  /** The answers so far, oldest first. */
  inputs: string[];
}

export function fromAfricasTalking(body: z.infer<typeof africasTalkingRequest>): UssdRequest {
  return {
    sessionId: body.sessionId,
    serviceCode: body.serviceCode,
    phone: body.phoneNumber,
    network: body.networkCode ?? null,
    inputs: body.text === '' ? [] : body.text.split('*'),
  };
}

export function toAfricasTalking(reply: { end: boolean; text: string }): string {
  return `${reply.end ? 'END' : 'CON'} ${reply.text}`;
}
