/**
 * The editor kinds and the content scripts that implement each one. A site
 * (lib/extension/sites/) picks a kind; site-access.ts registers that kind's
 * scripts for the site's pages. The files are the built names of the
 * entrypoints (entrypoints/<name>.content.ts → content-scripts/<name>.js).
 *
 * - plain:      textareas and contenteditable fields (editors/plain/).
 * - codemirror: any CodeMirror 6 editor, found from its DOM (editors/codemirror/);
 *               a MAIN-world script reaches the EditorView, an ISOLATED one talks
 *               to the extension.
 * - overleaf:   the codemirror kind plus Overleaf's page hook (editors/overleaf/).
 */
export const EDITOR_KINDS = ['plain', 'codemirror', 'overleaf'] as const;
export type EditorKind = (typeof EDITOR_KINDS)[number];

export interface KindScript {
  /** Suffix of the registration id (`aa-<id>`). */
  id: string;
  file: string;
  world: 'ISOLATED' | 'MAIN';
  runAt: 'document_start' | 'document_idle';
  allFrames: boolean;
}

export const PLAIN_SCRIPT = 'content-scripts/content.js';

export const KIND_SCRIPTS: Record<EditorKind, KindScript[]> = {
  plain: [{ id: 'generic', file: PLAIN_SCRIPT, world: 'ISOLATED', runAt: 'document_idle', allFrames: true }],
  codemirror: [
    { id: 'codemirror-main', file: 'content-scripts/codemirror-main.js', world: 'MAIN', runAt: 'document_idle', allFrames: true },
    { id: 'codemirror', file: 'content-scripts/codemirror.js', world: 'ISOLATED', runAt: 'document_idle', allFrames: true },
  ],
  overleaf: [
    // document_start: Overleaf's extension event must have our listener before its editor exists.
    { id: 'overleaf-main', file: 'content-scripts/overleaf-main.js', world: 'MAIN', runAt: 'document_start', allFrames: false },
    { id: 'overleaf', file: 'content-scripts/overleaf.js', world: 'ISOLATED', runAt: 'document_idle', allFrames: false },
  ],
};

/**
 * Marks an editor container whose Generate button a CodeMirror-based script
 * owns, so the plain-field script (which skips CodeMirror anyway) also leaves
 * anything inside it alone.
 */
export const OWNED_EDITOR_ATTR = 'data-abstract-autocomplete';
export const OWNED_EDITOR_SELECTOR = `[${OWNED_EDITOR_ATTR}="overleaf"], [${OWNED_EDITOR_ATTR}="codemirror"]`;
