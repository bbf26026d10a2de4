import { EMPTY_WORKSPACE } from '../engine/analyze.js';
import type { WorkspaceIndex } from '../checks/types.js';

export interface WorkspaceFile {
  path: string;
  text: string;
}

/**
 * The one place adapters build the CRD/policy index from file texts. Until the schemas module's
 * createWorkspaceIndex lands this returns the empty index, so switching is a one-line change here.
 */
export function buildWorkspaceIndex(files: Iterable<WorkspaceFile>): WorkspaceIndex {
  void files;
  return EMPTY_WORKSPACE;
}
