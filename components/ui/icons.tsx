/**
 * The popup's icons, drawn as inline SVG in `currentColor` rather than taken
 * from font glyphs (− + ⓘ), whose look and presence depend on the machine's
 * fonts. Decorative: the control around each one carries the name.
 */
const common = { viewBox: '0 0 16 16', width: 14, height: 14, 'aria-hidden': true, focusable: false } as const;

export function MinusIcon() {
  return (
    <svg {...common}>
      <path d="M3.5 8h9" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}

export function PlusIcon() {
  return (
    <svg {...common}>
      <path d="M3.5 8h9M8 3.5v9" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}

export function HelpIcon() {
  return (
    <svg {...common}>
      <circle cx="8" cy="8" r="7" fill="none" stroke="currentColor" strokeWidth="1.5" />
      <circle cx="8" cy="4.8" r="1" fill="currentColor" />
      <path d="M8 7.2v4.6" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}
