/** The codemirror kind: any CodeMirror 6 editor on a page the user enabled. */
import type { CodeMirrorKindConfig } from './isolated-controller';

export const CODEMIRROR_KIND: CodeMirrorKindConfig = {
  kind: 'codemirror',
  fieldId: 'codemirror-editor',
  source: 'codemirror',
  basicModeNotice:
    "Abstract Autocomplete couldn't reach this page's editor; using basic mode (completions are inserted directly into the text).",
};
