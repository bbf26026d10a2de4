/**
 * The document as the apiserver's Go structs see it, and Go-style readers over it: an absent,
 * null or wrongly typed field reads as the zero value ("" / false / empty list / empty struct),
 * which is what the validation rules test with `len(x) == 0`. Wrong types themselves are reported
 * by the schema check, which keeps the rules from repeating them.
 */

export type GoObject = Record<string, unknown>;

export function isGoObject(v: unknown): v is GoObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON decoding leaves a field at its zero value for `null`, so nulls in maps are dropped. */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isGoObject(v)) {
    const out: GoObject = {};
    for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = withoutNulls(val);
    return out;
  }
  return v;
}

export const str = (o: unknown, key: string): string => (isGoObject(o) && typeof o[key] === 'string' ? (o[key] as string) : '');
/** A pointer field (*string, *Struct): set or nil. */
export const isSet = (o: unknown, key: string): boolean => isGoObject(o) && o[key] !== undefined;
export const bool = (o: unknown, key: string): boolean => isGoObject(o) && o[key] === true;
export const list = (o: unknown, key: string): unknown[] => (isGoObject(o) && Array.isArray(o[key]) ? (o[key] as unknown[]) : []);
export const struct = (o: unknown, key: string): GoObject => (isGoObject(o) && isGoObject(o[key]) ? (o[key] as GoObject) : {});
export const asStruct = (v: unknown): GoObject => (isGoObject(v) ? v : {});
export const asString = (v: unknown): string => (typeof v === 'string' ? v : '');
