import type { Document } from 'yaml';
import type { Finding } from '../engine/findings.js';
import type { EngineOptions } from '../engine/options.js';

/**
 * One YAML document of a file, as the checks see it. `doc` is the `yaml` AST of this document
 * alone: its node ranges are offsets into `text` (the document's own slice of the file); the
 * engine adds `offset` when it turns findings into file findings.
 */
export interface DocumentInput {
  doc: Document.Parsed;
  text: string;
  offset: number;
  apiVersion?: string;
  kind?: string;
}

/** Facts gathered from every file in the workspace (CRDs and policies), read-only for checks. */
export interface WorkspaceIndex {
  /** CRD schemas by `group/version/Kind`, and by `group/version/plural` for matchConstraints. */
  crdSchema(group: string, version: string, kind: string): unknown | undefined;
  crdKindsForResource(group: string, version: string, resource: string): string[];
  /**
   * The admission policies of the workspace with this kind and metadata.name (more than one when
   * several files define it). Absent when the host does not index policies: then a binding's
   * policy cannot be looked up and the binding checks stay silent about it.
   */
  policies?(kind: AdmissionPolicyKind, name: string): AdmissionPolicyInfo[];
}

export type AdmissionPolicyKind = 'ValidatingAdmissionPolicy' | 'MutatingAdmissionPolicy';

/** What bindings and go-to-definition need to know about a policy. */
export interface AdmissionPolicyInfo {
  kind: AdmissionPolicyKind;
  name: string;
  /** spec.paramKind as written (absent: the policy takes no params). */
  paramKind?: { apiVersion?: string; kind?: string };
  /** The file (as the index was given it) and the range of metadata.name's value in that file. */
  path?: string;
  offset: number;
  end: number;
}

export interface CheckContext extends DocumentInput {
  options: EngineOptions;
  workspace: WorkspaceIndex;
  /** Offsets are relative to `text` (the document), not the file. */
  report(finding: Finding): void;
}

/** A check: decides from apiVersion/kind whether it applies; reports findings. Must never throw. */
export interface Check {
  name: string;
  appliesTo(input: DocumentInput): boolean;
  run(ctx: CheckContext): void;
}
