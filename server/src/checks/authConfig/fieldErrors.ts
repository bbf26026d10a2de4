import type { Severity } from '../../engine/findings.js';
import type { FixIntent } from './quickFixes.js';
import { formatFieldPath, type FieldPath } from './yamlLocate.js';

/**
 * The apiserver's field.Error, so that findings carry the exact text kube-apiserver prints
 * (k8s.io/apimachinery/pkg/util/validation/field/errors.go): `<path>: <Type>[: <value>][: <detail>]`.
 */
export type FieldErrorType = 'Required' | 'Forbidden' | 'Invalid' | 'NotSupported' | 'Duplicate' | 'TooMany' | 'Message';
// 'Message': an error kube-apiserver prints without a field path (its own post-validation rules).

/** A value as Go prints it: strings quoted, numbers/bools bare, `goSyntax` verbatim (structs, lists). */
export type GoValue = string | number | boolean | { goSyntax: string };

export interface FieldError {
  type: FieldErrorType;
  /** Where the field is in the YAML. */
  at: FieldPath;
  /** The path the apiserver prints when it differs from `at` (webhook fields of authorizers). */
  shownAt?: FieldPath;
  value?: GoValue;
  detail?: string;
  /** NotSupported: the supported values in the apiserver's order. */
  supported?: string[];
  /** TooMany: the limit. */
  max?: number;
  code: string;
  /** Defaults to the code's default severity (error for all apiserver rules). */
  severity?: Severity;
  /** Underline the key (unknown fields) rather than the value. */
  underline?: 'key' | 'value';
  /** Added after the apiserver's text, for context the apiserver does not give. */
  note?: string;
  /** Quick-fixes, as field edits. */
  fixes?: FixIntent[];
}

function goValue(v: GoValue): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'object') return v.goSyntax;
  return String(v);
}

export function renderFieldError(e: FieldError): string {
  const note = e.note ? ` (${e.note})` : '';
  if (e.type === 'Message') return `${e.detail ?? ''}${note}`;
  const path = formatFieldPath(e.shownAt ?? e.at);
  const detail = e.detail ? `: ${e.detail}` : '';
  let body: string;
  switch (e.type) {
    case 'Required':
      body = `Required value${detail}`;
      break;
    case 'Forbidden':
      body = `Forbidden${detail}`;
      break;
    case 'Invalid':
      body = `Invalid value: ${goValue(e.value ?? '')}${detail}`;
      break;
    case 'NotSupported':
      body = `Unsupported value: ${goValue(e.value ?? '')}: supported values: ${(e.supported ?? []).map((s) => JSON.stringify(s)).join(', ')}`;
      break;
    case 'Duplicate':
      body = `Duplicate value: ${goValue(e.value ?? '')}`;
      break;
    default:
      body = `Too many: ${goValue(e.value ?? 0)}: must have at most ${e.max} items`;
      break;
  }
  return `${path}: ${body}${note}`;
}

/** A field's YAML path, or its YAML path and the different path the apiserver prints. */
export type Where = FieldPath | { at: FieldPath; shownAt: FieldPath };

/** Collects errors in the apiserver's order; the check turns them into findings. */
export class FieldErrors {
  readonly list: FieldError[] = [];
  constructor(private readonly defaultCode: string) {}

  private add(where: Where, e: Omit<FieldError, 'code' | 'at' | 'shownAt'> & { code?: string }): FieldError {
    const place = Array.isArray(where) ? { at: where as FieldPath } : (where as { at: FieldPath; shownAt: FieldPath });
    const full = { ...e, ...place, code: e.code ?? this.defaultCode } as FieldError;
    this.list.push(full);
    return full;
  }
  required(at: Where, detail?: string, code?: string): FieldError {
    return this.add(at, { type: 'Required', detail, code });
  }
  forbidden(at: Where, detail: string, code?: string): FieldError {
    return this.add(at, { type: 'Forbidden', detail, code });
  }
  invalid(at: Where, value: GoValue, detail: string, code?: string): FieldError {
    return this.add(at, { type: 'Invalid', value, detail, code });
  }
  notSupported(at: Where, value: GoValue, supported: string[], code?: string): FieldError {
    return this.add(at, { type: 'NotSupported', value, supported, code });
  }
  duplicate(at: Where, value: GoValue, code?: string): FieldError {
    return this.add(at, { type: 'Duplicate', value, code });
  }
  tooMany(at: Where, actual: number, max: number, code?: string): FieldError {
    return this.add(at, { type: 'TooMany', value: actual, max, code });
  }
  /** A path-less message at `at` (kube-apiserver's own rules and kube-cel-guard's lints). */
  message(at: Where, text: string, code?: string): FieldError {
    return this.add(at, { type: 'Message', detail: text, code });
  }
  /** Expressions that failed to compile: reported by the CEL hook, but errors all the same. */
  celFailures = 0;
  /** How many errors the apiserver would report. */
  get count(): number {
    return this.list.length + this.celFailures;
  }
}
