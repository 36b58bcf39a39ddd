import { describe, expect, it } from 'vitest';
import { parseCallupAnswer } from './answer.ts';

describe('parseCallupAnswer', () => {
  it.each([
    ['YES', 'yes'], ['yes', 'yes'], ['Oui', 'yes'], ['oui.', 'yes'], ['1', 'yes'], ['I', 'yes'], ['Ee', 'yes'], ['eh!', 'yes'], ['To', 'yes'], ['Ayyo', 'yes'], ['oho', 'yes'],
    ['NO', 'no'], ['non', 'no'], ['2', 'no'], ["A'a", 'no'], ['A’a', 'no'], ['Aa', 'no'], ['a a', 'no'],
  ])('reads %s as %s', (text, kind) => {
    expect(parseCallupAnswer(text)).toEqual({ kind, letter: null });
  });

  it.each([
    ['A YES', 'yes', 'A'], ['b oui', 'yes', 'B'], ['B-OUI', 'yes', 'B'], ['C 2', 'no', 'C'], ['B1', 'yes', 'B'], ['D2', 'no', 'D'], ["A A'a", 'no', 'A'], ['B I', 'yes', 'B'], ['NON B', 'no', 'B'], ['A a a', 'no', 'A'],
  ])('reads %s as %s for call-up %s', (text, kind, letter) => {
    expect(parseCallupAnswer(text)).toEqual({ kind, letter });
  });

  it.each(['', 'peut-être', 'je viens demain', 'E', 'YESNO', '3', 'O', 'I B C', 'X Y Z'])('finds %s unclear', (text) => {
    expect(parseCallupAnswer(text)).toEqual({ kind: 'unclear' });
  });
});
