/**
 * The icons of the on-page UI, drawn by us as inline SVG: a glyph such as ✨
 * or ⇥ comes from whatever fonts the machine has, and without an emoji font
 * (Debian's Chromium, many Linux desktops) it is an empty box. Built with DOM
 * calls (never markup parsed from a string), sized in `em` so an icon follows
 * its button's font, drawn in `currentColor`, and hidden from assistive tech
 * (the button's label names the action).
 */
const SVG_NS = 'http://www.w3.org/2000/svg';

type Shape = ['path', string] | ['polyline', string];

function icon(doc: Document, name: string, shapes: Shape[], fill: boolean): SVGSVGElement {
  const svg = doc.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 16 16');
  svg.setAttribute('width', '1.15em');
  svg.setAttribute('height', '1.15em');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  svg.setAttribute('data-abstract-autocomplete-icon', name);
  svg.style.cssText = 'display:inline-block;vertical-align:-0.2em;flex:none;';
  for (const [tag, value] of shapes) {
    const shape = doc.createElementNS(SVG_NS, tag);
    shape.setAttribute(tag === 'path' ? 'd' : 'points', value);
    shape.setAttribute('fill', fill ? 'currentColor' : 'none');
    shape.setAttribute('stroke', fill ? 'none' : 'currentColor');
    shape.setAttribute('stroke-width', '1.6');
    shape.setAttribute('stroke-linecap', 'round');
    shape.setAttribute('stroke-linejoin', 'round');
    svg.append(shape);
  }
  return svg;
}

/** Generate: a large four-pointed star and a small one (the "sparkle" of AI writing tools). */
export function sparkleIcon(doc: Document): SVGSVGElement {
  return icon(
    doc,
    'sparkle',
    [
      ['path', 'M6.5 1.5 Q7.3 5.7 11.5 6.5 Q7.3 7.3 6.5 11.5 Q5.7 7.3 1.5 6.5 Q5.7 5.7 6.5 1.5 Z'],
      ['path', 'M12.5 9.5 Q12.9 11.6 15 12 Q12.9 12.4 12.5 14.5 Q12.1 12.4 10 12 Q12.1 11.6 12.5 9.5 Z'],
    ],
    true,
  );
}

/** The Tab key (accept): an arrow to a bar, as on the key itself. */
export function tabKeyIcon(doc: Document): SVGSVGElement {
  return icon(
    doc,
    'tab-key',
    [
      ['path', 'M2 8 H12'],
      ['polyline', '8.5,4.5 12,8 8.5,11.5'],
      ['path', 'M14 4 V12'],
    ],
    false,
  );
}
