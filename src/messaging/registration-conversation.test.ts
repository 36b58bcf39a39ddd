import { describe, expect, it } from 'vitest';
import { loadDrive } from '../config/load-drive.ts';
import { validateRegistration } from '../domain/validate-registration.ts';
import { answerRegistration, parseDayMonthYear, startRegistration, type ConversationContext, type Turn } from './registration-conversation.ts';

const drive = loadDrive();
const NOW = new Date('2026-06-15T10:00:00.000Z');
const ctx = (overrides: Partial<ConversationContext> = {}): ConversationContext => ({ drive, now: NOW, channel: 'sms', ttlMs: 3600_000, ...overrides });

/** Plays a script of answers from the start; returns every turn. */
function play(answers: string[], c: ConversationContext = ctx(), language: 'fr' | 'ha' | 'en' | null = null): Turn[] {
  const turns: Turn[] = [startRegistration(language, c)];
  for (const answer of answers) {
    const last = turns[turns.length - 1];
    if (!last || last.kind !== 'ask') throw new Error(`conversation over before "${answer}"`);
    turns.push(answerRegistration(last.state, answer, c));
  }
  return turns;
}
const last = (turns: Turn[]) => turns[turns.length - 1] as Turn;
const regionIndex = (pcode: string) => String(drive.children(null).findIndex((a) => a.pcode === pcode) + 1);
const departmentIndex = (region: string, pcode: string) => String(drive.children(region).findIndex((a) => a.pcode === pcode) + 1);
const niamey = drive.children(null).find((a) => a.name === 'Niamey');
if (!niamey) throw new Error('the Niger drive has Niamey');
const niameyDept = drive.children(niamey.pcode)[0];
if (!niameyDept) throw new Error('Niamey has departments');

describe('the registration conversation', () => {
  it('asks the language first, then every question, and ends with a registration the domain accepts', () => {
    const turns = play(['2', 'Aminatou', 'Moussa', '1994', regionIndex(niamey.pcode), departmentIndex(niamey.pcode, niameyDept.pcode), '2 3', '1']);
    expect(turns[0]).toMatchObject({ kind: 'ask', text: expect.stringContaining('2 Hausa') });
    expect(turns[1]).toMatchObject({ kind: 'ask', text: expect.stringContaining('Sunanka na farko') });
    expect(turns[4]).toMatchObject({ kind: 'ask', text: expect.stringContaining(`${regionIndex(niamey.pcode)} Niamey`) });
    const end = last(turns);
    expect(end.kind).toBe('submit');
    if (end.kind !== 'submit') return;
    expect(end.registration).toEqual({
      givenName: 'Aminatou',
      familyName: 'Moussa',
      birthYear: 1994,
      area: niameyDept.pcode,
      roles: ['medical', 'logistics'],
      languages: ['ha'],
      consent: { noticeVersion: drive.config.consent.version, language: 'ha' },
    });
    const check = validateRegistration({ ...end.registration, clientId: '0190a0b0-0000-7000-8000-000000000001', phone: '+22790123456' }, drive, { now: NOW, channel: 'sms' });
    expect(check.ok).toBe(true);
  });

  it('asks a wrong answer again with an example, typos included, and keeps the earlier answers', () => {
    const turns = play(['Moussa', 'M0ussa', 'Moussa', 'nineteen', '19944', '1994', '42', 'abc', '1', '1', '7', '1 9', '1,3', 'peut-etre', 'oui'], ctx(), 'fr');
    expect(turns[2]).toMatchObject({ kind: 'ask', text: expect.stringMatching(/^Des lettres seulement, ex: Moussa\.\nVotre nom de famille/) });
    expect(turns[4]).toMatchObject({ text: expect.stringContaining('Année non valable, ex: 1994.') });
    expect(turns[5]).toMatchObject({ text: expect.stringContaining('Année non valable') });
    expect(turns[7]).toMatchObject({ text: expect.stringMatching(/^Choix non valable : un numéro de la liste, ex: 2\.\nVotre région/) });
    expect(turns[8]).toMatchObject({ text: expect.stringContaining('Choix non valable') });
    expect(turns[11]).toMatchObject({ text: expect.stringContaining('Choix non valable : des numéros') });
    expect(turns[12]).toMatchObject({ text: expect.stringContaining('Choix non valable') });
    expect(turns[14]).toMatchObject({ text: expect.stringMatching(/^Répondez 1 ou 2\./) });
    const end = last(turns);
    expect(end).toMatchObject({ kind: 'submit', registration: { givenName: 'Moussa', familyName: 'Moussa', roles: ['defense', 'logistics'] } });
  });

  it('refuses an under-age person politely, keeping nothing', () => {
    const end = last(play(['Aminatou', 'Moussa', '2010'], ctx(), 'en'));
    expect(end).toMatchObject({ kind: 'end', reason: 'under_age' });
    expect(end.kind === 'end' && end.text).toContain('aged 18 or over. Nothing was stored.');
  });

  it('asks for the full date of birth when the year alone cannot tell, and decides on it', () => {
    const turns = play(['Aminatou', 'Moussa', '2008'], ctx(), 'fr');
    expect(last(turns)).toMatchObject({ kind: 'ask', state: { step: 'birthDate' }, text: expect.stringContaining('date de naissance complète') });
    const state = (last(turns) as Extract<Turn, { kind: 'ask' }>).state;
    expect(answerRegistration(state, '16.06.2008', ctx())).toMatchObject({ kind: 'end', reason: 'under_age' });
    expect(answerRegistration(state, '31.02.2008', ctx())).toMatchObject({ kind: 'ask', text: expect.stringContaining('Date non valable') });
    expect(answerRegistration(state, '15/06/2008', ctx())).toMatchObject({ kind: 'ask', state: { step: 'region', birthDate: '2008-06-15' } });
  });

  it('cancels or restarts at any point', () => {
    for (let step = 0; step < 6; step++) {
      const answers = ['Aminatou', 'Moussa', '1994', regionIndex(niamey.pcode), '1', '1'].slice(0, step);
      expect(last(play([...answers, 'annuler'], ctx(), 'fr'))).toMatchObject({ kind: 'end', reason: 'cancelled' });
      expect(last(play([...answers, 'SAKE'], ctx(), 'fr'))).toMatchObject({ kind: 'ask', state: { step: 'givenName', language: 'ha' } });
    }
    expect(last(play(['Aminatou', '0'], ctx({ channel: 'ussd' }), 'fr'))).toMatchObject({ kind: 'end', reason: 'cancelled' });
  });

  it('refuses consent by answer 2, keeping nothing', () => {
    const end = last(play(['Aminatou', 'Moussa', '1994', regionIndex(niamey.pcode), '1', '1', '2'], ctx(), 'fr'));
    expect(end).toMatchObject({ kind: 'end', reason: 'consent_refused' });
  });

  it('starts again when the conversation expired', () => {
    const turns = play(['Aminatou', 'Moussa'], ctx(), 'fr');
    const state = (last(turns) as Extract<Turn, { kind: 'ask' }>).state;
    const later = ctx({ now: new Date(NOW.getTime() + 3600_001) });
    expect(answerRegistration(state, '1994', later)).toMatchObject({ kind: 'ask', state: { step: 'givenName' }, text: expect.stringMatching(/^Votre inscription commencée a expiré/) });
    expect(answerRegistration(state, '1994', ctx({ now: new Date(NOW.getTime() + 3600_000) }))).toMatchObject({ kind: 'ask', state: { step: 'region' } });
  });

  it('shows the consent notice in full by SMS', () => {
    const end = last(play(['Aminatou', 'Moussa', '1994', regionIndex(niamey.pcode), '1', '1'], ctx(), 'en'));
    expect(end).toMatchObject({ kind: 'ask', text: expect.stringContaining(drive.config.consent.texts.en ?? 'missing') });
  });
});

describe('parseDayMonthYear', () => {
  it('reads the usual ways of writing a date', () => {
    expect(parseDayMonthYear('25.03.2008')).toBe('2008-03-25');
    expect(parseDayMonthYear('5/3/2008')).toBe('2008-03-05');
    expect(parseDayMonthYear('2008-03-25')).toBe('2008-03-25');
    expect(parseDayMonthYear('29.02.2007')).toBeNull();
    expect(parseDayMonthYear('2008')).toBeNull();
  });
});
