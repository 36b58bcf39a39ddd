import { nameAliasTable } from './name-aliases.ts';
import type { NameAliasTable } from './name-aliases.ts';

/**
 * Letters that Unicode decomposition leaves alone: the hooked letters of Hausa and Fulfulde (ɓ ɗ ƙ ƴ),
 * the open vowels and eng of Zarma/Songhai and Fulfulde orthographies (ɛ ɔ ŋ), and the usual European
 * ones, mapped to how the same name is written without them.
 */
const SPECIAL_LETTERS: Readonly<Record<string, string>> = {
  ɓ: 'b',
  ɗ: 'd',
  ƙ: 'k',
  ƴ: 'y',
  ŋ: 'ng',
  ɲ: 'ny',
  ɛ: 'e',
  ɔ: 'o',
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
  ħ: 'h',
};
const SPECIAL_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'g');

/**
 * Apostrophes and the transliteration marks of hamza and ayn are deleted, not turned into spaces: in
 * Hausa they mark a glottal stop inside one name that is as often left out (Ma'azu = Maazu, Rabi'u =
 * Rabiu), and French elisions are also written joined (N'Diaye = Ndiaye).
 */
const APOSTROPHES_RE = /['’‘`´ʼʻʾʿ]/g;
const MARKS_RE = /\p{M}+/gu;
const ASCII_RE = /^[\x20-\x7e]*$/;
const SEPARATORS_RE = /[^a-z]+/g;

/** Lower-case a-z words separated by single spaces: accents, hooked letters, punctuation and digits folded. */
export function foldName(text: string): string {
  // Most names are plain ASCII: decomposition is only needed for the others.
  let s = ASCII_RE.test(text) ? text.toLowerCase() : text.normalize('NFKD').replace(MARKS_RE, '').toLowerCase().replace(SPECIAL_RE, (c) => SPECIAL_LETTERS[c] ?? '');
  s = s.replace(APOSTROPHES_RE, '');
  return s.replace(SEPARATORS_RE, ' ').trim();
}

function joinPrefixes(tokens: readonly string[], table: NameAliasTable): string[] {
  const { joinPrefixes: always, conditionalJoins } = table.rules;
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    let current = tokens[i] ?? '';
    let last = current;
    // Repeat while the joined token or the piece just joined is a prefix, so that "abd el kader" and
    // "van der berg" become one token.
    for (let next = tokens[i + 1]; next !== undefined; next = tokens[i + 1]) {
      const joins = always.has(current) || always.has(last) || conditionalJoins.get(current)?.has(next) === true || conditionalJoins.get(last)?.has(next) === true;
      if (!joins) break;
      current += next;
      last = next;
      i += 1;
    }
    out.push(current);
  }
  return out;
}

/** "Agahmed" -> "ahmed": a particle glued to a name the table knows, as people also write it split. */
function splitGluedParticle(token: string, table: NameAliasTable): string {
  if (table.has(token)) return token;
  for (const particle of table.rules.particles) {
    if (token.length - particle.length >= 3 && token.startsWith(particle)) {
      const rest = token.slice(particle.length);
      if (table.has(rest)) return rest;
    }
  }
  return token;
}

/**
 * The tokens of a name, normalised for comparison: folded to a-z, compounds written either way joined
 * ("Abdoul Kader", "Abdoul-Kader" and "Abdoulkader" all give "abdoulkader"), "son of" particles and
 * leading titles dropped when a name remains ("Elhadji Moussa Ag Ahmed" -> moussa, ahmed). A name
 * that is nothing but a particle or a title ("Ben", "Elhadji") keeps it: it is then the name.
 * Empty, blank or non-Latin text gives [].
 */
export function normalizeName(text: string | null | undefined, table: NameAliasTable = nameAliasTable()): string[] {
  if (text === null || text === undefined) return [];
  const folded = foldName(text);
  if (folded === '') return [];
  const { particles, titles } = table.rules;

  const joined = joinPrefixes(folded.split(' '), table).map((t) => splitGluedParticle(t, table));

  // A particle stands before the name it qualifies; one with nothing after it is a name (Ben, Dan).
  const withoutParticles = joined.filter((t, i) => !(particles.has(t) && i < joined.length - 1));

  // Titles come first ("Alhaji Musa"); later, or alone, the same word is a name (Moussa Mallam).
  const firstName = withoutParticles.findIndex((t) => !titles.has(t));
  return firstName > 0 ? withoutParticles.slice(firstName) : withoutParticles;
}
