import { describe, expect, it } from 'vitest';
import { keywordOf } from './sms-keywords.ts';

describe('keywordOf', () => {
  it('recognises STOP in every language, any case, with accents or punctuation', () => {
    for (const text of ['STOP', 'stop', ' Stop. ', 'ARRET', 'Arrêt', 'arrêt !', 'TSAYA', 'daina', 'Kay', 'unsubscribe']) {
      expect(keywordOf(text)?.kind, text).toBe('stop');
    }
    expect(keywordOf('Arrêt')).toEqual({ kind: 'stop', language: 'fr' });
    expect(keywordOf('tsaya')).toEqual({ kind: 'stop', language: 'ha' });
  });

  it('does not take a sentence containing a keyword for the keyword', () => {
    expect(keywordOf('je ne veux pas stop')).toBeNull();
    expect(keywordOf('STOPPER')).toBeNull();
    expect(keywordOf('Aïchatou')).toBeNull();
    expect(keywordOf('')).toBeNull();
    expect(keywordOf('1')).toBeNull();
  });

  it('recognises help, language, cancel and restart words', () => {
    expect(keywordOf('aide')).toEqual({ kind: 'help', language: 'fr' });
    expect(keywordOf('HELP')).toEqual({ kind: 'help', language: 'en' });
    expect(keywordOf('Taimako')).toEqual({ kind: 'help', language: 'ha' });
    expect(keywordOf('Français')).toEqual({ kind: 'register', language: 'fr' });
    expect(keywordOf('hausa')).toEqual({ kind: 'register', language: 'ha' });
    expect(keywordOf('EN')).toEqual({ kind: 'register', language: 'en' });
    expect(keywordOf('annuler')).toEqual({ kind: 'cancel', language: 'fr' });
    expect(keywordOf('soke')).toEqual({ kind: 'cancel', language: 'ha' });
    expect(keywordOf('Recommencer')).toEqual({ kind: 'restart', language: 'fr' });
  });

  it('ignores inherited object keys', () => {
    expect(keywordOf('constructor')).toBeNull();
    expect(keywordOf('__proto__')).toBeNull();
  });
});
