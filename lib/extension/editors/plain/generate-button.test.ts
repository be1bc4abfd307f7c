// @vitest-environment happy-dom
/**
 * The button a page must not be able to press. happy-dom makes every event it
 * is given untrusted, like a page script's; real trusted clicks (mouse, Enter,
 * Space) are covered in Chromium by e2e/generic.test.ts.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GenerateButton } from './generate-button';

afterEach(() => {
  document.body.innerHTML = '';
});

describe('GenerateButton', () => {
  it('keeps its shadow root closed, so page scripts cannot reach the button', () => {
    const ui = new GenerateButton(document, { onActivate: vi.fn() });
    expect(ui.host.shadowRoot).toBeNull();
    expect(ui.host.querySelector('button')).toBeNull();
  });

  it('ignores synthetic clicks on the button and on its host', () => {
    const onActivate = vi.fn();
    const ui = new GenerateButton(document, { onActivate });
    ui.button.click();
    ui.button.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    ui.host.click();
    ui.host.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true }));
    expect(onActivate).not.toHaveBeenCalled();
  });

  it('knows when it has keyboard focus despite the closed root', () => {
    const ui = new GenerateButton(document, { onActivate: vi.fn() });
    expect(ui.hasFocus()).toBe(false);
    ui.button.focus();
    expect(ui.hasFocus()).toBe(true);
  });
});
