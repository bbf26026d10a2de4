import type { Severity } from '../engine/findings.js';
import { DEFAULT_VERSION, isBundledVersion, type EngineOptions } from '../engine/options.js';

/** The `kubeCelGuard` configuration section, validated. */
export interface ServerSettings {
  engine: EngineOptions;
  /** Files or folders with CRDs, as the user wrote them (relative ones resolve per workspace folder). */
  crdPaths: string[];
  cluster: ClusterSettings;
}

/** `kubeCelGuard.cluster.*`: read schemas from a cluster (the only network access; off by default). */
export interface ClusterSettings {
  enabled: boolean;
  /** A kubeconfig file instead of $KUBECONFIG / ~/.kube/config. */
  kubeconfig?: string;
  /** A context instead of the kubeconfig's current-context. */
  context?: string;
}

export const SETTINGS_SECTION = 'kubeCelGuard';

const SEVERITY_VALUES = new Set(['error', 'warning', 'info', 'hint', 'off']);

export function defaultSettings(): ServerSettings {
  return { engine: { kubernetesVersion: DEFAULT_VERSION }, crdPaths: [], cluster: { enabled: false } };
}

/**
 * Turns whatever the client sent into settings. Settings come from user JSON, so every field is
 * checked and a bad value falls back to its default instead of failing validation of every file.
 */
export function parseSettings(raw: unknown): ServerSettings {
  const settings = defaultSettings();
  if (!isRecord(raw)) return settings;

  if (typeof raw.kubernetesVersion === 'string' && isBundledVersion(raw.kubernetesVersion)) {
    settings.engine.kubernetesVersion = raw.kubernetesVersion;
  }

  if (isRecord(raw.severity)) {
    const severity: Record<string, Severity | 'off'> = {};
    for (const [code, level] of Object.entries(raw.severity)) {
      if (typeof level === 'string' && SEVERITY_VALUES.has(level)) severity[code] = level as Severity | 'off';
    }
    if (Object.keys(severity).length > 0) settings.engine.severity = severity;
  }

  if (Array.isArray(raw.crdPaths)) {
    settings.crdPaths = raw.crdPaths.filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  }

  // VS Code sends `{cluster: {enabled: true}}`; clients that push flat settings may send
  // `{"cluster.enabled": true}`. Only a real `true` turns the network on.
  const cluster = isRecord(raw.cluster) ? raw.cluster : {};
  const pick = (key: string): unknown => (Object.hasOwn(cluster, key) ? cluster[key] : raw[`cluster.${key}`]);
  settings.cluster.enabled = pick('enabled') === true;
  const kubeconfig = pick('kubeconfig');
  if (typeof kubeconfig === 'string' && kubeconfig.trim() !== '') settings.cluster.kubeconfig = kubeconfig.trim();
  const context = pick('context');
  if (typeof context === 'string' && context.trim() !== '') settings.cluster.context = context.trim();
  return settings;
}

export function sameCrdPaths(a: ServerSettings, b: ServerSettings): boolean {
  return a.crdPaths.length === b.crdPaths.length && a.crdPaths.every((p, i) => p === b.crdPaths[i]);
}

export function sameCluster(a: ClusterSettings, b: ClusterSettings): boolean {
  return a.enabled === b.enabled && a.kubeconfig === b.kubeconfig && a.context === b.context;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
