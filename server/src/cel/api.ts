/**
 * Contract between the Kubernetes CEL checker (server/src/cel) and its callers (server/src/checks,
 * features). Implementation lives in sibling modules; this file only fixes the shapes.
 */
import type { Severity } from '../engine/findings.js';
import type { KubernetesVersion } from '../engine/options.js';

/** CEL types as cel-go prints them (see formatType). */
export type CelType =
  | { kind: 'int' | 'uint' | 'double' | 'bool' | 'string' | 'bytes' | 'null_type' | 'timestamp' | 'duration' }
  | { kind: 'dyn' }
  | { kind: 'any' }
  | { kind: 'error' }
  | { kind: 'list'; elem: CelType }
  | { kind: 'map'; key: CelType; value: CelType }
  /** Schema objects and synthetic Kubernetes types. Fields are resolved lazily (huge schemas). */
  | { kind: 'object'; name: string; fields(): ReadonlyMap<string, CelField>; description?: string }
  /** optional_type(T), net.IP, net.CIDR, kubernetes.Quantity as cel-go declares them. */
  | { kind: 'opaque'; name: string; params: CelType[] }
  | { kind: 'type'; of: CelType }
  | { kind: 'param'; name: string };

export interface CelField {
  type: CelType;
  description?: string;
  /** The YAML/JSON property name before CEL escaping (e.g. 'x-prop' for x__dash__prop). */
  jsonName: string;
  /** Schema facts the cost estimator and oldSelf rules need. */
  schema?: unknown;
}

/** What the consumer accepts as the expression's result (cel-go's exact-type rule). */
export type ExpectedResult =
  | { kind: 'any' }
  | { kind: 'exact'; types: CelType[]; /** consumer-specific message, e.g. 'cel expression must evaluate to a bool' */ message?: (got: CelType) => string };

export interface CelEnvironmentSpec {
  kubernetesVersion: KubernetesVersion;
  /** 'new' = an expression being created (compat version = minor-1); 'stored' = every library. */
  phase: 'new' | 'stored';
  variables: Record<string, CelType>;
  /** Extra libraries only some consumers have (MAP patch types, DRA cel.bind). */
  extras?: { patchTypes?: boolean; bind?: boolean };
}

export interface CelIssue {
  /** Offsets into the expression string (UTF-16 units). */
  start: number;
  end: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface CelCheckResult {
  issues: CelIssue[];
  /** The inferred result type when the expression type-checks (also on result-type mismatch). */
  type?: CelType;
}
