import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { FixIntent } from './quickFixes.js';
import { formatFieldPath, type FieldPath } from './yamlLocate.js';

/** A schema violation, placed at a field path; `underline: 'key'` for unknown fields. */
export interface SchemaProblem {
  at: FieldPath;
  underline: 'key' | 'value';
  message: string;
  fixes?: FixIntent[];
}

/** `x-kcg-since` marks fields added after the version's first release (see fieldVersions.ts). */
export const SINCE_KEYWORD = 'x-kcg-since';

let ajv: Ajv | undefined;
const compiled = new WeakMap<object, ValidateFunction>();

/** Compiles each schema once, on first use (the extension should not pay for unused kinds). */
function validatorFor(schema: object): ValidateFunction {
  let v = compiled.get(schema);
  if (!v) {
    ajv ??= new Ajv({ allErrors: true, strict: true, keywords: [SINCE_KEYWORD] });
    v = ajv.compile(schema);
    compiled.set(schema, v);
  }
  return v;
}

/** JSON pointer → field path; a segment is a list index when the data there is a list. */
export function pointerToPath(pointer: string, data: unknown): (string | number)[] {
  const path: (string | number)[] = [];
  if (pointer === '') return path;
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      const i = Number(seg);
      path.push(i);
      cur = cur[i];
    } else {
      path.push(seg);
      cur = typeof cur === 'object' && cur !== null ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return path;
}

function jsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return 'a string';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'a boolean';
    case 'object':
      return 'a map';
    default:
      return typeof v;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string',
  boolean: 'a boolean (true or false)',
  array: 'a list',
  object: 'a map',
  integer: 'an integer',
  number: 'a number',
};

function valueAt(data: unknown, path: FieldPath): unknown {
  let cur = data;
  for (const seg of path) cur = typeof cur === 'object' && cur !== null ? (cur as Record<string | number, unknown>)[seg] : undefined;
  return cur;
}

/** One ajv error in the terms of a strict Go decoder. */
function toProblem(err: ErrorObject, data: unknown): SchemaProblem {
  const at = pointerToPath(err.instancePath, data);
  switch (err.keyword) {
    case 'additionalProperties': {
      const key = String((err.params as { additionalProperty: string }).additionalProperty);
      const field = [...at, key];
      const fixes: FixIntent[] = [{ kind: 'remove', title: `Remove the unknown field ${key}`, map: at, key }];
      return { at: field, underline: 'key', message: `strict decoding error: unknown field "${formatFieldPath(field)}"`, fixes };
    }
    case 'type': {
      const expected = String((err.params as { type: string }).type);
      const got = jsonKind(valueAt(data, at));
      return {
        at,
        underline: 'value',
        message: `${formatFieldPath(at) || '(document)'}: must be ${TYPE_NAMES[expected] ?? expected}, not ${got}; the apiserver cannot decode the file`,
      };
    }
    case 'required': {
      // Located at the missing field: locateField falls back to the parent's key.
      const field = [...at, String((err.params as { missingProperty: string }).missingProperty)];
      return { at: field, underline: 'key', message: `${formatFieldPath(field)}: Required value` };
    }
    default:
      return { at, underline: 'value', message: `${formatFieldPath(at) || '(document)'}: ${err.message ?? 'invalid'}` };
  }
}

export interface SchemaCheckOptions {
  /** Report `required` violations (off where the caller's own rules report missing fields). */
  required?: boolean;
}

/** Validates decoded YAML data against a JSON Schema and maps each error to the field it concerns. */
export function schemaProblems(schema: object, data: unknown, opts: SchemaCheckOptions = {}): SchemaProblem[] {
  const validate = validatorFor(schema);
  if (validate(data)) return [];
  const errors = (validate.errors ?? []).filter((e) => opts.required !== false || e.keyword !== 'required');
  return errors.map((e) => toProblem(e, data));
}
