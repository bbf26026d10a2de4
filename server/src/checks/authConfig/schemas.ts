/**
 * The hand-written JSON Schemas of schemas/apiserver/, imported as JSON so that they are compiled
 * into out/ by tsc and inlined by esbuild into dist/*.cjs: the server never reads them from disk.
 */
import authzV1alpha1 from '../../../../schemas/apiserver/authorizationconfiguration-v1alpha1.json' with { type: 'json' };
import authzV1beta1 from '../../../../schemas/apiserver/authorizationconfiguration-v1beta1.json' with { type: 'json' };
import authzV1 from '../../../../schemas/apiserver/authorizationconfiguration-v1.json' with { type: 'json' };
import authnV1alpha1 from '../../../../schemas/apiserver/authenticationconfiguration-v1alpha1.json' with { type: 'json' };
import authnV1beta1 from '../../../../schemas/apiserver/authenticationconfiguration-v1beta1.json' with { type: 'json' };
import authnV1 from '../../../../schemas/apiserver/authenticationconfiguration-v1.json' with { type: 'json' };

export const APISERVER_CONFIG_GROUP = 'apiserver.config.k8s.io';

export type AuthConfigKind = 'AuthorizationConfiguration' | 'AuthenticationConfiguration';

export interface ServedVersion {
  version: 'v1alpha1' | 'v1beta1' | 'v1';
  /** First Kubernetes minor that decodes this version (section 4.1 of the research notes). */
  sinceMinor: number;
  schema: object;
}

export const SERVED_VERSIONS: Record<AuthConfigKind, ServedVersion[]> = {
  AuthorizationConfiguration: [
    { version: 'v1alpha1', sinceMinor: 29, schema: authzV1alpha1 },
    { version: 'v1beta1', sinceMinor: 30, schema: authzV1beta1 },
    { version: 'v1', sinceMinor: 32, schema: authzV1 },
  ],
  AuthenticationConfiguration: [
    { version: 'v1alpha1', sinceMinor: 29, schema: authnV1alpha1 },
    { version: 'v1beta1', sinceMinor: 30, schema: authnV1beta1 },
    { version: 'v1', sinceMinor: 34, schema: authnV1 },
  ],
};

/** The served version named by `apiVersion` (e.g. apiserver.config.k8s.io/v1beta1), if any. */
export function servedVersion(kind: AuthConfigKind, apiVersion: string | undefined): ServedVersion | undefined {
  if (!apiVersion?.startsWith(`${APISERVER_CONFIG_GROUP}/`)) return undefined;
  const version = apiVersion.slice(APISERVER_CONFIG_GROUP.length + 1);
  return SERVED_VERSIONS[kind].find((v) => v.version === version);
}

/** The JSON Schema of a kind at a version, for hover and completion. */
export function authConfigSchema(kind: AuthConfigKind, apiVersion: string | undefined): object | undefined {
  return servedVersion(kind, apiVersion)?.schema;
}
