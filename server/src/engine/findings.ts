/**
 * The engine's one output shape. Offsets are UTF-16 code-unit offsets into the whole file text
 * (what JavaScript strings and LSP positions count); adapters turn them into line/column.
 */
export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Finding {
  start: number;
  end: number;
  severity: Severity;
  /** Stable code, documented in README (e.g. KCG1003). */
  code: string;
  message: string;
  /** What a quick-fix needs (kept opaque to adapters; code actions read it). */
  data?: unknown;
}

/** A text replacement; offsets are file offsets like Finding's. */
export interface TextEdit {
  start: number;
  end: number;
  newText: string;
}

/**
 * A quick-fix the engine computed. Adapters turn it into an LSP code action; the CLI lists titles.
 * `createFile` asks the editor to create a new file (path relative to the checked file's folder)
 * with the given content, e.g. an AuthenticationConfiguration migrated from --oidc-* flags.
 */
export interface Fix {
  title: string;
  edits: TextEdit[];
  isPreferred?: boolean;
  createFile?: { relativePath: string; content: string };
}

/** Finding.data as the engine fills it. */
export interface FindingData {
  fixes?: Fix[];
}
