/**
 * JSON with object keys sorted, so equal content gives equal text. Written as loops over sorted keys
 * rather than entries filtered, sorted and mapped: every registration's fingerprint goes through it,
 * and the intermediate arrays were a good part of an import row's garbage. The text is unchanged
 * (canonical-json.test.ts compares it with the earlier form).
 */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      // JSON.stringify gives undefined for undefined, functions and symbols: an empty element, as join did.
      out += (canonicalJson(value[i]) as string | undefined) ?? '';
    }
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    // The default sort compares UTF-16 code units, as `<` on strings does.
    const keys = Object.keys(record).sort();
    let out = '{';
    let first = true;
    for (const key of keys) {
      const v = record[key];
      if (v === undefined) continue;
      if (!first) out += ',';
      first = false;
      out += `${JSON.stringify(key)}:${canonicalJson(v)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value);
}
