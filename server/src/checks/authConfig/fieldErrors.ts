import type { Severity } from '../../engine/findings.js';
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

/** Collects errors in the apiserver's order; the check turns them into findings. */
export class FieldErrors {
  readonly list: FieldError[] = [];
  constructor(private readonly defaultCode: string) {}

  private add(e: Omit<FieldError, 'code'> & { code?: string }): FieldError {
    const full = { ...e, code: e.code ?? this.defaultCode } as FieldError;
    this.list.push(full);
    return full;
  }
  required(at: FieldPath, detail?: string, code?: string): FieldError {
    return this.add({ type: 'Required', at, detail, code });
  }
  forbidden(at: FieldPath, detail: string, code?: string): FieldError {
    return this.add({ type: 'Forbidden', at, detail, code });
  }
  invalid(at: FieldPath, value: GoValue, detail: string, code?: string): FieldError {
    return this.add({ type: 'Invalid', at, value, detail, code });
  }
  notSupported(at: FieldPath, value: GoValue, supported: string[], code?: string): FieldError {
    return this.add({ type: 'NotSupported', at, value, supported, code });
  }
  duplicate(at: FieldPath, value: GoValue, code?: string): FieldError {
    return this.add({ type: 'Duplicate', at, value, code });
  }
  tooMany(at: FieldPath, actual: number, max: number, code?: string): FieldError {
    return this.add({ type: 'TooMany', at, value: actual, max, code });
  }
  /** A path-less message at `at` (kube-apiserver's own rules and kube-cel-guard's lints). */
  message(at: FieldPath, text: string, code?: string): FieldError {
    return this.add({ type: 'Message', at, detail: text, code });
  }
  /** Expressions that failed to compile: reported by the CEL hook, but errors all the same. */
  celFailures = 0;
  /** How many errors the apiserver would report. */
  get count(): number {
    return this.list.length + this.celFailures;
  }
}
