/** The overleaf kind: the codemirror kind with Overleaf's page hook (page-hook.ts) and its own wording. */
import type { CodeMirrorKindConfig } from '../codemirror/isolated-controller';

export const OVERLEAF_KIND: CodeMirrorKindConfig = {
  kind: 'overleaf',
  fieldId: 'overleaf-editor',
  source: 'overleaf',
  basicModeNotice:
    "Abstract Autocomplete couldn't reach Overleaf's editor; using basic mode (completions are inserted directly into the text).",
};
