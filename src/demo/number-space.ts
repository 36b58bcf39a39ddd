/**
 * Distinct phone numbers and national ID numbers for synthetic volunteers, in constant memory: each
 * number range has a counter, and a keyed permutation turns the counter into a random-looking number,
 * so a number is never drawn twice in a run (even for millions of records) and nothing is remembered.
 */

import { createPermutation, mix32, weightedTable, type Random, type WeightedTable } from './random.ts';
import type { Channel } from '../domain/registration-input.ts';

const SUBSCRIBER_SPACE = 1_000_000; // 6 digits after a 2-digit prefix

export interface PhoneAllocator {
  /** The 8 national digits of a number never returned before in this run. */
  next(random: Random): string;
}

export function createPhoneAllocator(
  prefixes: readonly { prefix: string; weight: number }[],
  seed: number,
): PhoneAllocator {
  if (prefixes.some((p) => !/^\d{2}$/.test(p.prefix))) throw new RangeError('phone prefixes must have 2 digits');
  const table: WeightedTable<number> = weightedTable(
    prefixes.map((_, i) => i),
    (i) => prefixes[i]?.weight ?? 0,
  );
  const used = new Uint32Array(prefixes.length);
  const permutations = prefixes.map((p) => createPermutation(SUBSCRIBER_SPACE, mix32(seed ^ mix32(Number(p.prefix) + 0x5bd1e995))));
  return {
    next(random: Random): string {
      let index = random.weighted(table);
      // A full range hands over to the next one, so the draw stays unique until every range is full.
      for (let tries = 0; (used[index] ?? SUBSCRIBER_SPACE) >= SUBSCRIBER_SPACE; tries++) {
        if (tries >= prefixes.length) throw new RangeError('every phone number range is used up');
        index = (index + 1) % prefixes.length;
      }
      const counter = used[index] ?? 0;
      used[index] = counter + 1;
      const subscriber = (permutations[index] as (i: number) => number)(counter);
      return (prefixes[index]?.prefix ?? '') + String(subscriber).padStart(6, '0');
    },
  };
}

/** National ID numbers "NE" + 9 digits, distinct within a run. */
export function createNationalIdAllocator(seed: number): () => string {
  const space = 1_000_000_000;
  const permute = createPermutation(space, mix32(seed ^ 0x1b873593));
  let counter = 0;
  return () => {
    if (counter >= space) throw new RangeError('every national ID is used up');
    return 'NE' + String(permute(counter++)).padStart(9, '0');
  };
}

/**
 * Writes the 8 national digits of a Niger number as people and systems do. SMS and USSD come from
 * the network in international form; people typing on the web or to an agent use local forms too.
 */
export function formatNigerPhone(digits: string, channel: Channel, random: Random): string {
  if (channel === 'sms' || channel === 'ussd') return '+227' + digits;
  const spaced = `${digits.slice(0, 2)} ${digits.slice(2, 4)} ${digits.slice(4, 6)} ${digits.slice(6, 8)}`;
  const r = random.next();
  if (channel === 'import') return r < 0.6 ? '+227' + digits : r < 0.9 ? digits : '00227' + digits;
  if (r < 0.35) return '+227' + digits;
  if (r < 0.6) return spaced;
  if (r < 0.8) return digits;
  if (r < 0.92) return '+227 ' + spaced;
  if (r < 0.96) return '00227 ' + spaced;
  return '00227' + digits;
}
