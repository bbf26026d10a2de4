/**
 * LSP adapter for go to definition and find references: converts positions and paths, the
 * engine (language/definitions.ts) does the rest.
 */
import { pathToFileURL } from 'node:url';
import type { Location, Position } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { WorkspaceIndex } from '../checks/types.js';
import type { EngineOptions } from '../engine/options.js';
import { definitionAt, referencesAt, type SourceLocation } from '../language/definitions.js';

export interface DefinitionSources {
  options: EngineOptions;
  workspace: WorkspaceIndex;
  /** The text of a file the workspace index names (an open editor's first, else disk); undefined if unreadable. */
  textOf(path: string): string | undefined;
}

/** Index paths are file paths, or a URI for an untitled editor. */
function uriOf(path: string): string {
  return /^[a-zA-Z][\w+.-]+:/.test(path) ? path : pathToFileURL(path).href;
}

function toLocation(document: TextDocument, location: SourceLocation, sources?: DefinitionSources): Location | undefined {
  let target = document;
  if (location.path !== undefined) {
    const text = sources?.textOf(location.path);
    if (text === undefined) return undefined;
    target = TextDocument.create(uriOf(location.path), 'yaml', 0, text);
  }
  return { uri: target.uri, range: { start: target.positionAt(location.start), end: target.positionAt(location.end) } };
}

export function definitionLocations(document: TextDocument, position: Position, sources: DefinitionSources): Location[] {
  const found = definitionAt(document.getText(), document.offsetAt(position), sources.options, sources.workspace);
  return found.map((l) => toLocation(document, l, sources)).filter((l): l is Location => l !== undefined);
}

export function referenceLocations(document: TextDocument, position: Position, includeDeclaration: boolean, options: EngineOptions): Location[] {
  const found = referencesAt(document.getText(), document.offsetAt(position), options, includeDeclaration);
  return found.map((l) => toLocation(document, l)).filter((l): l is Location => l !== undefined);
}
