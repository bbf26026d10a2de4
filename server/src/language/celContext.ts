/**
 * Where the CEL of a YAML document is, and in which environment each expression is typed: the
 * editor features' view of what the checks do. The environments come from the checks' own helpers
 * (policyTyping, webhookTyping, walkSchema/ruleEnvironmentFactory, the auth-config builders), so a
 * hover shows exactly the types the diagnostics were computed with.
 */
import { isMap, isScalar, type Scalar } from 'yaml';
import type { CheckContext, DocumentInput, WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { getIn, mapPairs, seqItems } from '../engine/yamlNav.js';
import { embeddedString } from '../engine/embeddedString.js';
import type { YamlCel } from '../checks/celInYaml.js';
import {
  authenticationEnvironment, authorizationEnvironment, vapEnvironment, type AuthenticationField, type BuiltEnvironment,
} from '../cel/environments.js';
import { policyTyping } from '../checks/validatingAdmissionPolicy.js';
import { webhookEnvironmentFactory, webhookTyping } from '../checks/webhookMatchConditions.js';
import {
  compilePass, vapEnvironmentFactory, type EnvironmentFactory, type PolicyExpression, type TypingPass,
} from '../checks/admission/policyExpressions.js';
import { mutatingPolicyTyping } from '../checks/mutatingAdmissionPolicy.js';
import { mapEnvironmentFactory } from '../checks/admission/mapSchemaTypes.js';
import { ruleEnvironmentFactory, selfTypeAt, walkSchema } from '../checks/crdValidationRules.js';
import { checkTargets } from '../engine/analyze.js';
import type { GroupVersionKind } from '../schemas/registry.js';
import type { CelType } from '../cel/api.js';

/** One CEL expression of a document with its typing context. */
export interface CelSite {
  cel: YamlCel;
  /** Where it is, e.g. `validations[0].expression`. */
  label: string;
  /** The environment it is typed in (lazy: VAP variables need the expressions before it). */
  env(): BuiltEnvironment;
  /** The kind `object` is typed as, when a schema-typed pass is used (for hover). */
  objectKind?: GroupVersionKind;
  /** CRD rules: the schema node `self` is, in the apiserver's path spelling (for hover). */
  selfPath?: string;
}

export interface CelContext {
  cel: YamlCel;
  env: BuiltEnvironment;
  label: string;
  objectKind?: GroupVersionKind;
  selfPath?: string;
}

/** A check context whose findings go nowhere: the features re-use the checks' collectors. */
function silentContext(input: DocumentInput, options: EngineOptions, workspace: WorkspaceIndex): CheckContext {
  return { ...input, options, workspace, report: () => {} };
}

function yamlCel(node: unknown, text: string): YamlCel | undefined {
  if (!isScalar(node) || typeof node.value !== 'string') return undefined;
  const source = embeddedString(node as Scalar, text);
  return source ? { node: node as Scalar, source } : undefined;
}

/**
 * Sites of an admission policy or webhook: typed with the first matched kind (the most useful
 * view for an editor), else the dyn pass; variables are typed in order as the apiserver does.
 */
function admissionSites(ctx: CheckContext, expressions: PolicyExpression[], apiPass: TypingPass, typedPasses: TypingPass[], envFor: EnvironmentFactory): CelSite[] {
  const pass = typedPasses[0] ?? apiPass;
  let envs: Map<PolicyExpression, BuiltEnvironment> | undefined;
  const envOf = (e: PolicyExpression): BuiltEnvironment => {
    if (!envs) {
      envs = new Map();
      for (const c of compilePass(ctx.options.kubernetesVersion, pass, expressions, envFor)) envs.set(c.expression, c.env);
    }
    return envs.get(e)!;
  };
  return expressions.map((e) => ({ cel: e.cel, label: e.label ?? e.field, env: () => envOf(e), objectKind: pass.gvk }));
}

function policySites(ctx: CheckContext): CelSite[] {
  const spec = getIn(ctx.doc.contents, ['spec']);
  if (!spec) return [];
  const { expressions, apiPass, typedPasses } = policyTyping(ctx, spec);
  return admissionSites(ctx, expressions, apiPass, typedPasses, vapEnvironmentFactory);
}

function mutatingPolicySites(ctx: CheckContext): CelSite[] {
  const spec = getIn(ctx.doc.contents, ['spec']);
  if (!spec) return [];
  const { expressions, apiPass, typedPasses } = mutatingPolicyTyping(ctx, spec);
  return admissionSites(ctx, expressions, apiPass, typedPasses, mapEnvironmentFactory);
}

function webhookSites(ctx: CheckContext): CelSite[] {
  return seqItems(getIn(ctx.doc.contents, ['webhooks'])).flatMap((webhook, i) => {
    const { expressions, apiPass, typedPasses } = webhookTyping(ctx, webhook, i);
    return admissionSites(ctx, expressions, apiPass, typedPasses, webhookEnvironmentFactory);
  });
}

function crdSites(ctx: CheckContext): CelSite[] {
  const out: CelSite[] = [];
  for (const [i, v] of seqItems(getIn(ctx.doc.contents, ['spec', 'versions'])).entries()) {
    const root = getIn(v, ['schema', 'openAPIV3Schema']);
    if (!isMap(root)) continue;
    for (const pos of walkSchema({ node: root, path: `spec.versions[${i}].schema.openAPIV3Schema`, isResourceRoot: true, cardinality: 1 })) {
      const rules = seqItems(getIn(pos.node, ['x-kubernetes-validations']));
      if (rules.length === 0) continue;
      // self's type is built once per schema node, and only when a feature asks for it.
      let selfType: { t: CelType | undefined } | undefined;
      const selfOf = () => (selfType ??= { t: selfTypeAt(pos) }).t;
      rules.forEach((ruleNode, j) => {
        for (const field of ['rule', 'messageExpression'] as const) {
          const cel = yamlCel(getIn(ruleNode, [field]), ctx.text);
          if (!cel) continue;
          out.push({
            cel,
            label: `x-kubernetes-validations[${j}].${field}`,
            selfPath: pos.path,
            // The rule's own optionalOldSelf decides how oldSelf is declared.
            env: () => ruleEnvironmentFactory(ctx.options.kubernetesVersion, pos, ruleNode, selfOf())(field),
          });
        }
      });
    }
  }
  return out;
}

function authenticationSites(ctx: CheckContext): CelSite[] {
  const version = ctx.options.kubernetesVersion;
  const out: CelSite[] = [];
  const add = (node: unknown, label: string, field: AuthenticationField) => {
    const cel = yamlCel(node, ctx.text);
    if (cel) out.push({ cel, label, env: () => authenticationEnvironment({ version, field }) });
  };
  for (const [i, jwt] of seqItems(getIn(ctx.doc.contents, ['jwt'])).entries()) {
    for (const [j, rule] of seqItems(getIn(jwt, ['claimValidationRules'])).entries()) {
      add(getIn(rule, ['expression']), `jwt[${i}].claimValidationRules[${j}].expression`, 'claimValidationRule');
    }
    const mappings = getIn(jwt, ['claimMappings']);
    for (const { key, value } of mapPairs(mappings)) {
      if (key === 'extra') {
        for (const [k, extra] of seqItems(value).entries()) {
          add(getIn(extra, ['valueExpression']), `jwt[${i}].claimMappings.extra[${k}].valueExpression`, 'extraValue');
        }
      } else {
        add(getIn(value, ['expression']), `jwt[${i}].claimMappings.${key}.expression`, 'claimMapping');
      }
    }
    for (const [j, rule] of seqItems(getIn(jwt, ['userValidationRules'])).entries()) {
      add(getIn(rule, ['expression']), `jwt[${i}].userValidationRules[${j}].expression`, 'userValidationRule');
    }
  }
  return out;
}

function authorizationSites(ctx: CheckContext): CelSite[] {
  const version = ctx.options.kubernetesVersion;
  const out: CelSite[] = [];
  for (const [i, authorizer] of seqItems(getIn(ctx.doc.contents, ['authorizers'])).entries()) {
    for (const [j, mc] of seqItems(getIn(authorizer, ['webhook', 'matchConditions'])).entries()) {
      const cel = yamlCel(getIn(mc, ['expression']), ctx.text);
      if (cel) out.push({ cel, label: `authorizers[${i}].webhook.matchConditions[${j}].expression`, env: () => authorizationEnvironment({ version }) });
    }
  }
  return out;
}

const APISERVER_CONFIG = 'apiserver.config.k8s.io/';

function sitesOfObject(ctx: CheckContext): CelSite[] {
  const apiVersion = ctx.apiVersion ?? '';
  switch (ctx.kind) {
    case 'ValidatingAdmissionPolicy':
      return apiVersion.startsWith('admissionregistration.k8s.io/') ? policySites(ctx) : [];
    case 'MutatingAdmissionPolicy':
      return apiVersion.startsWith('admissionregistration.k8s.io/') ? mutatingPolicySites(ctx) : [];
    case 'ValidatingWebhookConfiguration':
    case 'MutatingWebhookConfiguration':
      return apiVersion.startsWith('admissionregistration.k8s.io/') ? webhookSites(ctx) : [];
    case 'CustomResourceDefinition':
      return apiVersion.startsWith('apiextensions.k8s.io/') ? crdSites(ctx) : [];
    case 'AuthenticationConfiguration':
      return apiVersion.startsWith(APISERVER_CONFIG) ? authenticationSites(ctx) : [];
    case 'AuthorizationConfiguration':
      return apiVersion.startsWith(APISERVER_CONFIG) ? authorizationSites(ctx) : [];
    default:
      return [];
  }
}

/** Every CEL expression of one YAML document (items of a `v1 List` included), in document order. */
export function celSites(input: DocumentInput, options: EngineOptions, workspace: WorkspaceIndex): CelSite[] {
  const out: CelSite[] = [];
  for (const target of checkTargets(input)) {
    try {
      out.push(...sitesOfObject(silentContext(target, options, workspace)));
    } catch {
      // An editor feature must never fail on a half-typed document: no sites, no intelligence.
    }
  }
  return out.sort((a, b) => a.cel.node.range![0] - b.cel.node.range![0]);
}

/** The site whose scalar holds `offsetInDoc` (the scalar's end counts, see celContextAt). */
export function siteAt(sites: readonly CelSite[], offsetInDoc: number): CelSite | undefined {
  return sites.find((site) => {
    const range = site.cel.node.range;
    return !!range && offsetInDoc >= range[0] && offsetInDoc <= range[1];
  });
}

/** A site's typing context, built now; undefined when its environment cannot be built. */
export function contextOf(site: CelSite): CelContext | undefined {
  try {
    return { cel: site.cel, env: site.env(), label: site.label, objectKind: site.objectKind, selfPath: site.selfPath };
  } catch {
    return undefined;
  }
}

/**
 * The CEL expression around `offsetInDoc` (an offset into the document's text; the scalar's end
 * counts, so a cursor just after the last character is inside) and its typing context.
 */
export function celContextAt(input: DocumentInput, offsetInDoc: number, options: EngineOptions, workspace: WorkspaceIndex): CelContext | undefined {
  const site = siteAt(celSites(input, options, workspace), offsetInDoc);
  return site && contextOf(site);
}
