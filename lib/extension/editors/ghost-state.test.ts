import { describe, expect, it } from 'vitest';
import { GhostState } from './ghost-state';

describe('GhostState', () => {
  it('typing what the ghost shows consumes it and keeps the rest; anything else is a mismatch', () => {
    const g = new GhostState([' novel method for ', ' new approach ']);
    expect(g.shown).toBe(' novel method for ');
    expect(g.type(' ')).toBe(true);
    expect(g.type('no')).toBe(true);
    expect(g.shown).toBe('vel method for ');
    expect(g.type('x')).toBe(false);
    expect(g.shown).toBe('vel method for ');
  });

  it('Ctrl+→ takes a word at a time, Tab the rest', () => {
    const g = new GhostState([' novel method for ']);
    expect(g.takeWord()).toBe(' novel');
    expect(g.shown).toBe(' method for ');
    expect(g.takeAll()).toBe(' method for ');
    expect(g.shown).toBe('');
  });

  it('cycles through the candidates both ways, only among those that agree with what was typed', () => {
    const g = new GhostState([' novel method ', ' new approach ', ' simple model ']);
    expect(g.cycle(1)).toBe(true);
    expect(g.shown).toBe(' new approach ');
    expect(g.cycle(1)).toBe(true);
    expect(g.shown).toBe(' simple model ');
    expect(g.cycle(1)).toBe(true);
    expect(g.shown).toBe(' novel method ');
    expect(g.cycle(-1)).toBe(true);
    expect(g.shown).toBe(' simple model ');
    g.cycle(1);
    g.cycle(1);
    expect(g.type(' n')).toBe(true);
    expect(g.count).toBe(2);
    expect(g.shown, 'typing keeps the candidate shown').toBe('ew approach ');
    expect(g.cycle(1)).toBe(true);
    expect(g.shown).toBe('ovel method ');
    g.cycle(1);
    expect(g.type('o')).toBe(false);
  });

  it('new candidates keep the one shown when still offered; duplicates and empties are dropped', () => {
    const g = new GhostState([' novel ']);
    g.setCandidates([' novel method ', ' novel method ', '']);
    expect(g.count).toBe(1);
    expect(g.shown).toBe(' novel method ');
    g.setCandidates([' new ', ' novel method ']);
    expect(g.shown).toBe(' novel method ');
    expect(new GhostState([]).cycle(1)).toBe(false);
  });

  it('a cycle asked for before the alternatives arrive keeps the ghost, and happens when they do', () => {
    const g = new GhostState([' novel method ']);
    expect(g.cycle(-1)).toBe(false);
    expect(g.shown, 'the ghost stays while the alternatives load').toBe(' novel method ');
    expect(g.type(' n')).toBe(true);
    g.setCandidates([' novel method ', ' new approach ', ' simple model ']);
    expect(g.shown, 'previous, among those that agree with what was typed').toBe('ew approach ');
    g.setCandidates([' novel method ', ' new approach ']);
    expect(g.shown, 'the cycle is done once, not at every update').toBe('ew approach ');
  });
});
