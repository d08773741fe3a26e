type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

function sortValue(value: Json | undefined): Json | undefined {
  if (Array.isArray(value)) return value.map((v) => sortValue(v) ?? null);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, Json> = {};
    for (const key of Object.keys(value).sort()) {
      const v = sortValue(value[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  return value;
}

/**
 * Deterministic JSON: object keys sorted (by UTF-16 code units, as RFC 8785),
 * undefined members dropped, no whitespace. The same content always yields
 * the same bytes, which signatures over content (partners) rely on.
 */
export function canonicalJson(value: Json): string {
  return JSON.stringify(sortValue(value));
}
