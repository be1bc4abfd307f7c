// @vitest-environment happy-dom
/**
 * Text insertion into page fields (insertion.ts) and the field helpers it
 * relies on (fields.ts), in happy-dom. happy-dom has no
 * `document.execCommand`, so by default every insert takes the fallback path
 * (setRangeText / Range + Text node + a dispatched `input` event) — the path
 * a page that refuses execCommand gets. Tests that need a browser refusing
 * execCommand define one that returns false. The execCommand path itself is
 * covered end to end in real Chromium (e2e/generic.test.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { editingHost, fieldFromEvent, fieldId, focusedField } from './fields';
import { plainAccess } from './access';
import { StreamInserter, collapseSelectionToEnd, textBeforeCaret } from './insertion';

afterEach(() => {
  document.body.innerHTML = '';
  delete (document as { execCommand?: unknown }).execCommand;
});

function textarea(value: string): HTMLTextAreaElement {
  const el = document.createElement('textarea');
  el.value = value;
  document.body.append(el);
  el.focus();
  return el;
}

function editable(html: string): HTMLDivElement {
  const el = document.createElement('div');
  el.contentEditable = 'true';
  el.innerHTML = html;
  document.body.append(el);
  el.focus();
  return el;
}

/** Puts the document selection at (node, offset), or selects [start, end) inside one text node. */
function select(node: Node, start: number, end = start): void {
  const range = document.createRange();
  range.setStart(node, start);
  range.setEnd(node, end);
  const selection = document.getSelection()!;
  selection.removeAllRanges();
  selection.addRange(range);
}

function recordInput(el: HTMLElement): Array<{ data: string | null; inputType: string }> {
  const events: Array<{ data: string | null; inputType: string }> = [];
  el.addEventListener('input', (e) => events.push({ data: (e as InputEvent).data, inputType: (e as InputEvent).inputType }));
  return events;
}

const HOSTILE = '<b>x</b><img src=x onerror="window.pwned=1"><script>window.pwned=1</script>';

describe('StreamInserter in a textarea', () => {
  it('inserts at the caret, chunk after chunk, keeping the text on both sides', () => {
    const field = textarea('We propose. Results follow.');
    field.setSelectionRange(10, 10); // after "We propose"
    const inserter = new StreamInserter(field);
    inserter.insert(' a new');
    inserter.insert(' method');
    expect(field.value).toBe('We propose a new method. Results follow.');
    expect(inserter.methods).toEqual(['fallback', 'fallback']);
  });

  it('dispatches an input event per chunk (so framework state follows)', () => {
    const field = textarea('Abc');
    const events = recordInput(field);
    const inserter = new StreamInserter(field);
    inserter.insert(' d');
    inserter.insert(' e');
    expect(events).toEqual([
      { data: ' d', inputType: 'insertText' },
      { data: ' e', inputType: 'insertText' },
    ]);
  });

  it('a selection is collapsed to its end and never replaced', () => {
    const field = textarea('Alpha beta gamma');
    field.setSelectionRange(0, 5);
    collapseSelectionToEnd(field);
    expect([field.selectionStart, field.selectionEnd]).toEqual([5, 5]);
    const inserter = new StreamInserter(field);
    inserter.insert('!');
    expect(field.value).toBe('Alpha! beta gamma');
  });

  it('the constructor alone also protects a selection', () => {
    const field = textarea('Alpha beta gamma');
    field.setSelectionRange(6, 10);
    new StreamInserter(field).insert('X');
    expect(field.value).toBe('Alpha betaX gamma');
  });

  it('markup in the text stays literal text', () => {
    const field = textarea('Hi ');
    new StreamInserter(field).insert(HOSTILE);
    expect(field.value).toBe(`Hi ${HOSTILE}`);
    expect(document.querySelectorAll('b, img, script').length).toBe(0);
  });

  it('remembers the insertion point when the caret moves or focus leaves mid-stream', () => {
    const field = textarea('One two');
    const inserter = new StreamInserter(field);
    inserter.insert(' three');
    field.setSelectionRange(0, 0); // the user clicks at the start
    inserter.insert(' four');
    field.blur();
    inserter.insert(' five');
    expect(field.value).toBe('One two three four five');
  });

  it('falls back when the browser refuses execCommand, inserting exactly once', () => {
    const field = textarea('Refused');
    const execCommand = vi.fn(() => false);
    (document as { execCommand?: unknown }).execCommand = execCommand;
    const inserter = new StreamInserter(field);
    inserter.insert(' here');
    expect(execCommand).toHaveBeenCalledWith('insertText', false, ' here');
    expect(field.value).toBe('Refused here');
    expect(inserter.methods).toEqual(['fallback']);
  });

  it('marks its own edits: `inserting` is true exactly while an insert runs', () => {
    const field = textarea('Ours');
    const inserter = new StreamInserter(field);
    const seen: Array<[string, boolean]> = [];
    // A browser that sends beforeinput for execCommand (the spec's way), then refuses it.
    (document as { execCommand?: unknown }).execCommand = () => {
      field.dispatchEvent(new InputEvent('beforeinput', { inputType: 'insertText' }));
      return false;
    };
    field.addEventListener('beforeinput', () => seen.push(['beforeinput', inserter.inserting]));
    field.addEventListener('input', () => seen.push(['input', inserter.inserting]));
    expect(inserter.inserting).toBe(false);
    inserter.insert(' text');
    expect(seen).toEqual([
      ['beforeinput', true],
      ['input', true],
    ]);
    expect(inserter.inserting).toBe(false);
  });

  it('with focus, the caret follows the inserted text on the fallback path too', () => {
    const field = textarea('Start end');
    field.setSelectionRange(5, 5);
    new StreamInserter(field).insert(' middle');
    expect(field.value).toBe('Start middle end');
    expect([field.selectionStart, field.selectionEnd]).toEqual([12, 12]);
  });

  it('falls back when execCommand throws', () => {
    const field = textarea('Throws');
    (document as { execCommand?: unknown }).execCommand = () => {
      throw new Error('not allowed');
    };
    const inserter = new StreamInserter(field);
    inserter.insert(' ok');
    expect(field.value).toBe('Throws ok');
  });

  it('without focus, text goes at the end', () => {
    const field = textarea('Unfocused');
    field.setSelectionRange(2, 2);
    field.blur();
    new StreamInserter(field).insert(' end');
    expect(field.value).toBe('Unfocused end');
  });

  it('empty chunks change nothing and fire nothing', () => {
    const field = textarea('Same');
    const events = recordInput(field);
    const inserter = new StreamInserter(field);
    inserter.insert('');
    expect(field.value).toBe('Same');
    expect(events).toEqual([]);
    expect(inserter.methods).toEqual([]);
  });
});

describe('StreamInserter in a contenteditable', () => {
  it('inserts at the caret inside the text, keeping the text after it', () => {
    const field = editable('Graph networks');
    select(field.firstChild!, 5); // after "Graph"
    const inserter = new StreamInserter(field);
    inserter.insert(' neural');
    inserter.insert(' message-passing');
    expect(field.textContent).toBe('Graph neural message-passing networks');
    expect(inserter.methods).toEqual(['fallback', 'fallback']);
  });

  it('inserts at a caret inside nested markup', () => {
    const field = editable('<p>First <em>second</em></p><p>third</p>');
    select(field.querySelector('em')!.firstChild!, 6); // end of "second"
    new StreamInserter(field).insert(' more');
    expect(field.innerHTML).toBe('<p>First <em>second more</em></p><p>third</p>');
  });

  it('a selection is collapsed to its end and never replaced', () => {
    const field = editable('Alpha beta gamma');
    select(field.firstChild!, 0, 5);
    collapseSelectionToEnd(field);
    const selection = document.getSelection()!;
    expect(selection.isCollapsed).toBe(true);
    new StreamInserter(field).insert('!');
    expect(field.textContent).toBe('Alpha! beta gamma');
  });

  it('markup in the text is inserted as a Text node, never parsed', () => {
    const field = editable('Safe ');
    const before = field.querySelectorAll('*').length;
    new StreamInserter(field).insert(HOSTILE);
    expect(field.querySelectorAll('*').length).toBe(before);
    expect(field.textContent).toBe(`Safe ${HOSTILE}`);
    expect((window as { pwned?: number }).pwned).toBeUndefined();
  });

  it('dispatches an input event per chunk', () => {
    const field = editable('Abc');
    const events = recordInput(field);
    const inserter = new StreamInserter(field);
    inserter.insert(' d');
    inserter.insert(' e');
    expect(events.map((e) => e.data)).toEqual([' d', ' e']);
  });

  it('remembers the insertion point when the selection moves mid-stream', () => {
    const field = editable('One two');
    select(field.firstChild!, 3); // after "One"
    const inserter = new StreamInserter(field);
    inserter.insert(' and a half');
    select(field.firstChild!, 0); // the user clicks at the start
    inserter.insert(',');
    expect(field.textContent).toBe('One and a half, two');
  });

  it('with focus, the caret follows the inserted text on the fallback path too', () => {
    const field = editable('Start end');
    select(field.firstChild!, 5);
    new StreamInserter(field).insert(' middle');
    const caret = document.createRange();
    caret.selectNodeContents(field);
    caret.setEnd(document.getSelection()!.getRangeAt(0).endContainer, document.getSelection()!.getRangeAt(0).endOffset);
    expect(document.getSelection()!.isCollapsed).toBe(true);
    expect(caret.toString()).toBe('Start middle');
  });

  it('falls back when the browser refuses execCommand', () => {
    const field = editable('Refused');
    select(field.firstChild!, 7);
    const execCommand = vi.fn(() => false);
    (document as { execCommand?: unknown }).execCommand = execCommand;
    new StreamInserter(field).insert(' here');
    expect(execCommand).toHaveBeenCalledWith('insertText', false, ' here');
    expect(field.textContent).toBe('Refused here');
  });

  it('with no caret in the field, text goes at the end', () => {
    const field = editable('<p>One</p><p>Two</p>');
    const other = document.createElement('p');
    other.textContent = 'elsewhere';
    document.body.append(other);
    select(other.firstChild!, 2);
    new StreamInserter(field).insert(' end');
    expect(field.textContent).toBe('OneTwo end');
    expect(other.textContent).toBe('elsewhere');
  });
});

describe('textBeforeCaret', () => {
  it('textarea: the text before the caret, or all of it without focus', () => {
    const field = textarea('Before|after');
    field.setSelectionRange(6, 6);
    expect(textBeforeCaret(field)).toBe('Before');
    field.blur();
    expect(textBeforeCaret(field)).toBe('Before|after');
  });

  it('contenteditable: the text before the caret across elements', () => {
    const field = editable('<p>First <em>second</em></p><p>third</p>');
    select(field.querySelector('em')!.firstChild!, 3);
    expect(textBeforeCaret(field)).toBe('First sec');
  });
});

describe('fields', () => {
  it('editingHost: textareas and the topmost contenteditable; not read-only, disabled or CodeMirror', () => {
    const outer = editable('<p><span>x</span></p>');
    expect(editingHost(outer.querySelector('span')!)).toBe(outer);
    const ro = textarea('');
    ro.readOnly = true;
    expect(editingHost(ro)).toBeNull();
    const disabled = textarea('');
    disabled.disabled = true;
    expect(editingHost(disabled)).toBeNull();
    const cm = document.createElement('div');
    cm.className = 'cm-editor';
    cm.innerHTML = '<div class="cm-content" contenteditable="true">x</div>';
    document.body.append(cm);
    expect(editingHost(cm.querySelector('.cm-content')!)).toBeNull();
    // An editor the Overleaf scripts took over, whatever its classes.
    const marked = document.createElement('div');
    marked.setAttribute('data-abstract-autocomplete', 'overleaf');
    marked.innerHTML = '<div contenteditable="true">x</div><textarea></textarea>';
    document.body.append(marked);
    expect(editingHost(marked.querySelector('[contenteditable]')!)).toBeNull();
    expect(editingHost(marked.querySelector('textarea')!)).toBeNull();
    expect(editingHost(document.createElement('div'))).toBeNull();
  });

  it('fieldFromEvent and focusedField look through open shadow roots', () => {
    const host = document.createElement('div');
    document.body.append(host);
    const inner = document.createElement('textarea');
    host.attachShadow({ mode: 'open' }).append(inner);
    let seen: unknown = 'none';
    inner.addEventListener('focus', (e) => (seen = fieldFromEvent(e)));
    inner.focus();
    expect(seen).toBe(inner);
    expect(focusedField(document)).toBe(inner);
  });

  it('fieldId is stable per field and distinct between fields', () => {
    const a = textarea('');
    const b = textarea('');
    expect(fieldId(a)).toBe(fieldId(a));
    expect(fieldId(a)).not.toBe(fieldId(b));
  });
});

describe('plain fields through the editor contract', () => {
  it('text before and after the caret, each capped at maxChars', () => {
    const field = textarea('Hello brave new world');
    field.setSelectionRange(11, 11);
    expect(plainAccess.textAround(field)).toEqual({ before: 'Hello brave', after: ' new world', caret: 11, selection: false });
    expect(plainAccess.textAround(field, 4)).toEqual({ before: 'rave', after: ' new', caret: 11, selection: false });
    field.setSelectionRange(6, 11);
    expect(plainAccess.textAround(field).selection).toBe(true);
  });

  it('finds the editing host, but not read-only fields or anything inside CodeMirror', () => {
    const field = textarea('x');
    expect(plainAccess.find(field)).toBe(field);
    field.readOnly = true;
    expect(plainAccess.find(field)).toBeNull();
    const cm = document.createElement('div');
    cm.className = 'cm-editor';
    const content = document.createElement('div');
    content.contentEditable = 'true';
    cm.append(content);
    document.body.append(cm);
    expect(plainAccess.find(content)).toBeNull();
    expect(plainAccess.find(null)).toBeNull();
  });

  it('ghost text is an overlay outside the field: showing it never changes the value', () => {
    const field = textarea('We propose');
    const ghost = plainAccess.ghost(field, () => undefined)!;
    ghost.show(10, ' a new method', false);
    expect(field.value).toBe('We propose');
    const host = document.querySelector('abstract-autocomplete-ghost');
    expect(host?.shadowRoot?.querySelector('.aa-ghost-text')?.textContent).toBe(' a new method');
    expect(field.contains(host)).toBe(false);
    ghost.clear();
    expect(document.querySelector('abstract-autocomplete-ghost')).toBeNull();
  });
});
