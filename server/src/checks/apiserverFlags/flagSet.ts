import type { TextEdit } from '../../engine/findings.js';

export interface Span {
  start: number;
  end: number;
}

/** One kube-apiserver flag as written in some file format. Offsets are relative to the checked document. */
export interface FlagUse {
  /** Flag name without leading dashes, e.g. `oidc-issuer-url`. */
  name: string;
  /** The value as kube-apiserver receives it; undefined when none was given (a bare boolean flag). */
  value: string | undefined;
  /** What findings about this flag cover: the flag's name as written (list item, map key…). */
  at: Span;
  /** Edits that delete the flag and its value; empty when the text cannot be edited safely. */
  remove: TextEdit[];
  /** Edits that turn this flag into `--name=value` in place; empty when not possible. */
  replaceWith(name: string, value: string): TextEdit[];
}

export type FlagFormat = 'pod' | 'kubeadm' | 'k3s';

/** The flags one kube-apiserver gets from one place (a static Pod container, a kubeadm config…). */
export interface FlagSet {
  format: FlagFormat;
  /** In argv order; for a string flag the last occurrence wins. */
  flags: FlagUse[];
  /** Where to report a finding about a flag that is missing altogether (e.g. the `kube-apiserver` item). */
  anchor: Span;
  /**
   * Whether the same flag may legitimately appear twice with the second one overriding the first
   * without any doubt (kind merges patches, so a later patch replacing a key is intended).
   */
  overridesAreIntended?: boolean;
  /** How a new config file reaches kube-apiserver in this setup (for migrated files' comments). */
  deployHint: string;
}

/** Flag names whose repeated occurrences append or merge instead of overriding (pflag slices, maps, arrays). */
export const REPEATABLE_FLAGS = new Set([
  'authorization-mode', 'oidc-signing-algs', 'oidc-required-claim', 'feature-gates', 'runtime-config',
  'enable-admission-plugins', 'disable-admission-plugins', 'admission-control', 'service-account-issuer',
  'service-account-key-file', 'api-audiences', 'tls-cipher-suites', 'tls-sni-cert-key', 'cors-allowed-origins',
  'etcd-servers', 'etcd-servers-overrides', 'requestheader-allowed-names', 'requestheader-extra-headers-prefix',
  'requestheader-group-headers', 'requestheader-username-headers', 'requestheader-uid-headers', 'watch-cache-sizes',
  'vmodule', 'allow-metric-labels', 'disabled-metrics',
]);

/** kube-apiserver flags that take no separate value argument (`--name` alone means true). */
export const BOOLEAN_FLAGS = new Set([
  'allow-privileged', 'anonymous-auth', 'enable-bootstrap-token-auth', 'enable-aggregator-routing',
  'enable-garbage-collector', 'enable-priority-and-fairness', 'enable-logs-handler', 'profiling',
  'contention-profiling', 'audit-log-compress', 'audit-log-truncate-enabled', 'audit-webhook-truncate-enabled',
  'service-account-lookup', 'service-account-extend-token-expiration', 'watch-cache', 'logtostderr',
  'alsologtostderr', 'add-dir-header', 'skip-headers', 'skip-log-headers', 'one-output', 'help', 'version',
  'disable-http2-serving', 'permit-port-sharing', 'permit-address-sharing',
]);

export function lastUse(set: { flags: FlagUse[] }, name: string): FlagUse | undefined {
  for (let i = set.flags.length - 1; i >= 0; i--) if (set.flags[i].name === name) return set.flags[i];
  return undefined;
}

export function usesOf(set: { flags: FlagUse[] }, name: string): FlagUse[] {
  return set.flags.filter((f) => f.name === name);
}

/** Strips the leading dashes a flag may be written with (`--x`, `-x`, `x`). */
export function bareName(name: string): string {
  return name.replace(/^-+/, '');
}
