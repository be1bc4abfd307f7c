// @vitest-environment happy-dom
/**
 * The on-page UI draws its icons (inline SVG) instead of relying on font
 * glyphs such as ✨ or ⇥, which are empty boxes on machines without an emoji
 * font: the visible text is plain words, and each icon is an SVG element.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createGhostContent } from './codemirror/ghost-ui';
import { EditorUi, GENERATE_BUTTON_ATTR } from './codemirror/ui';

/** Printable ASCII and the ellipsis: anything else would come from whatever fonts the machine has. */
const FONT_SAFE = /^[\x20-\x7e…]*$/;

afterEach(() => {
  document.body.innerHTML = '';
});

describe('icons drawn by the product', () => {
  it('the editor Generate button: a drawn sparkle and the word, busy or not', () => {
    document.body.innerHTML = '<div class="cm-editor"><div class="cm-content" contenteditable="true"></div></div>';
    const ui = new EditorUi(document, 'codemirror', () => undefined);
    ui.watch();
    const button = document.querySelector<HTMLButtonElement>(`[${GENERATE_BUTTON_ATTR}]`)!;
    expect(button.textContent).toBe('Generate');
    const svg = button.querySelector('svg[data-abstract-autocomplete-icon="sparkle"]')!;
    expect(svg.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(svg.getAttribute('aria-hidden')).toBe('true');
    expect(svg.querySelectorAll('path').length).toBeGreaterThan(0);
    expect(button.getAttribute('aria-label')).toBe('Generate continuation');
    ui.setBusy(true);
    expect(button.textContent).toMatch(FONT_SAFE);
    ui.setBusy(false);
    expect(button.querySelectorAll('svg')).toHaveLength(1);
  });

  it('the ghost Accept button: the word and a drawn Tab key', () => {
    const { root } = createGhostContent(document, () => undefined);
    const accept = root.querySelector('button')!;
    expect(accept.textContent).toBe('Accept');
    expect(accept.textContent).toMatch(FONT_SAFE);
    expect(accept.querySelector('svg[data-abstract-autocomplete-icon="tab-key"]')?.namespaceURI).toBe('http://www.w3.org/2000/svg');
    expect(accept.getAttribute('aria-label')).toBe('Accept suggestion');
  });
});
