import { isSafePlain } from '../fixes.js';

/** A string as a YAML scalar for generated files: plain when that reads back the same, else double-quoted. */
export function yamlString(value: string): string {
  return isSafePlain(value) ? value : JSON.stringify(value);
}

/** Whether minor version `version` (e.g. '1.33') is at least `min` (e.g. 34). */
export function minorAtLeast(version: string, min: number): boolean {
  const m = /^1\.(\d+)$/.exec(version);
  return !m || Number(m[1]) >= min;
}
