/**
 * A volunteer's roles (or skills) as one text column beside the other columns that choose people for a
 * call-up (migration 0010): " defense medical ", each name between single spaces, sorted, once. A
 * filter for one name is then a substring test on the index entry (` medical ` in the list) instead of
 * a lookup in volunteer_roles per person, which stays the record of who has which role.
 */
export function wordList(words: readonly string[]): string {
  for (const w of words) {
    if (w.length === 0 || /\s/.test(w)) throw new Error(`A role or skill name cannot be empty or hold spaces: "${w}"`);
  }
  const sorted = [...new Set(words)].sort();
  return sorted.length === 0 ? ' ' : ` ${sorted.join(' ')} `;
}

/** The text to look for in a word list to find `word` (the name between its spaces). */
export function wordNeedle(word: string): string {
  return ` ${word} `;
}
