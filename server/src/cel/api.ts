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
  /**
   * The apiserver's own type check drops this field (resource.Quantity: a oneOf without `type`,
   * k8s-cel.md §3.4) although it exists at runtime; kube-cel-guard types it as dyn instead and
   * the caller may note (KCG1010, info) that the apiserver will warn here.
   */
  apiserverDrops?: boolean;
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
  /**
   * Undefined field / undeclared function: the names of the receiver's type or the environment
   * the author most likely meant, nearest first (for "Change to …" quick-fixes).
   */
  suggestions?: string[];
}

export interface CelCheckResult {
  issues: CelIssue[];
  /** The inferred result type when the expression type-checks (also on result-type mismatch). */
  type?: CelType;
}

/**
 * One overload of a function the checker can resolve. cel-go semantics: a member overload
 * (receiver set) is only found with receiver syntax `x.f(..)`, a global one only as `f(..)`.
 * Type parameters appear as {kind:'param', name} in receiver/params/result.
 * Qualified global names ('optional.of', 'sets.contains', 'format.dns1123Label',
 * 'ip.isCanonical') are written with their dots.
 */
export interface OverloadDecl {
  name: string;
  /** Unique id, cel-go style where known (e.g. 'list_a_index_of_int'). */
  id: string;
  receiver?: CelType;
  params: CelType[];
  result: CelType;
  /** For hover/completion. */
  doc?: string;
  /** Library that declares it (e.g. 'kubernetes.quantity'), for hover. */
  library?: string;
}

/** Language features that depend on the Kubernetes version / consumer (k8s-cel.md §0, §5). */
export interface CelFeatures {
  /** `.?` / `[?` syntax and optional values (K8s >= 1.28: always true for bundled versions). */
  optionalTypes: boolean;
  /** <, <=, >, >= across int/uint/double. */
  crossTypeNumericComparisons: boolean;
  /** 3-argument all/exists/existsOne/exists_one and transformList/transformMap/transformMapEntry. */
  twoVarComprehensions: boolean;
  /** The `existsOne` alias of exists_one (cel-go >= 0.23). */
  existsOne: boolean;
  /** optFlatMap macro (cel-go >= 0.17.7). */
  optFlatMap: boolean;
  /** lists ext v3 `sortBy` macro. */
  sortBy: boolean;
  /** Since compat 1.31: `self.namespace` resolves a property escaped as `__namespace__`. */
  reservedFieldFallback: boolean;
  /** duration/timestamp/matches literal validation (K8s >= 1.29). */
  validateLiterals: boolean;
  /** cel.bind (DRA only). */
  bind: boolean;
}

/** Everything the core checker needs; Kubernetes-specific builders (environments.ts) fill it. */
export interface CelEnvironmentConfig {
  /** Variables in scope. A dotted key ('authorizer.requestResource') is a qualified identifier. */
  variables: Record<string, CelType>;
  /** Declarations beyond the cel-go standard library (which the checker always has). */
  overloads: OverloadDecl[];
  features: CelFeatures;
  /** Named types usable as type values or in struct construction (e.g. MAP 'Object', 'JSONPatch'). */
  types?: Record<string, CelType>;
}
