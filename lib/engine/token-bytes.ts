/**
 * The UTF-8 bytes of every token, computed once at load. Decoding, streaming
 * and token healing all work on bytes: a GPT-2 token can hold half a
 * character, and prefix checks on bytes are exact where strings are not.
 */

/** The subset of the tokenizer we use, so tests can build a table from a real tokenizer.json. */
export interface TokenizerLike {
  id_to_token(id: number): string | undefined;
  decode(ids: number[], options?: { skip_special_tokens?: boolean; clean_up_tokenization_spaces?: boolean }): string;
}

export interface TokenBytes {
  readonly vocabSize: number;
  /** Bytes of token `id` (a view; empty for special tokens and ids past the tokenizer's vocabulary). */
  bytesOf(id: number): Uint8Array;
  isSpecial(id: number): boolean;
  /** Ids whose bytes start with byte `b` (an ascending list). */
  idsStartingWith(b: number): Int32Array;
}

/** GPT-2's reversible byte→printable-character map (bytes_to_unicode), inverted. */
function byteLevelDecoderMap(): Map<string, number> {
  const bs: number[] = [];
  for (let b = 33; b <= 126; b++) bs.push(b);
  for (let b = 161; b <= 172; b++) bs.push(b);
  for (let b = 174; b <= 255; b++) bs.push(b);
  const cs = [...bs];
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (!bs.includes(b)) {
      bs.push(b);
      cs.push(256 + n++);
    }
  }
  const map = new Map<string, number>();
  bs.forEach((b, i) => map.set(String.fromCodePoint(cs[i]), b));
  return map;
}

/** True when tokenizer.json decodes with ByteLevel, so token strings map straight to bytes. */
export function isByteLevel(tokenizerJson: any): boolean {
  const d = tokenizerJson?.decoder;
  if (!d) return false;
  if (d.type === 'ByteLevel') return true;
  return d.type === 'Sequence' && Array.isArray(d.decoders) && d.decoders.some((x: any) => x?.type === 'ByteLevel');
}

export function specialTokenIds(tokenizerJson: any): Set<number> {
  const ids = new Set<number>();
  for (const t of tokenizerJson?.added_tokens ?? []) if (t.special) ids.add(t.id);
  return ids;
}

export function buildTokenBytes(tokenizer: TokenizerLike, tokenizerJson: any, vocabSize: number): TokenBytes {
  const special = specialTokenIds(tokenizerJson);
  const byteLevel = isByteLevel(tokenizerJson);
  const map = byteLevel ? byteLevelDecoderMap() : null;
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = new Array(vocabSize);
  const empty = new Uint8Array(0);
  let total = 0;
  for (let id = 0; id < vocabSize; id++) {
    let bytes: Uint8Array = empty;
    const tok = special.has(id) ? undefined : tokenizer.id_to_token(id);
    if (tok !== undefined) {
      bytes = (map && stringToBytes(tok, map)) || encoder.encode(tokenizer.decode([id], { clean_up_tokenization_spaces: false }));
    }
    parts[id] = bytes;
    total += bytes.length;
  }
  // One flat buffer plus offsets, instead of V small arrays kept alive.
  const flat = new Uint8Array(total);
  const offsets = new Int32Array(vocabSize + 1);
  const firstByteCounts = new Int32Array(256);
  for (let id = 0, o = 0; id < vocabSize; id++) {
    flat.set(parts[id], o);
    offsets[id] = o;
    o += parts[id].length;
    offsets[id + 1] = o;
    if (parts[id].length > 0) firstByteCounts[parts[id][0]]++;
  }
  const byFirst: Int32Array[] = Array.from({ length: 256 }, (_, b) => new Int32Array(firstByteCounts[b]));
  const fill = new Int32Array(256);
  for (let id = 0; id < vocabSize; id++) {
    if (parts[id].length > 0) {
      const b = parts[id][0];
      byFirst[b][fill[b]++] = id;
    }
  }
  return {
    vocabSize,
    bytesOf: (id) => flat.subarray(offsets[id], offsets[id + 1]),
    isSpecial: (id) => special.has(id),
    idsStartingWith: (b) => byFirst[b],
  };
}

function stringToBytes(tok: string, map: Map<string, number>): Uint8Array | null {
  const out = new Uint8Array(tok.length);
  let n = 0;
  for (const ch of tok) {
    const b = map.get(ch);
    if (b === undefined) return null;
    out[n++] = b;
  }
  return out.subarray(0, n);
}

/** Concatenated bytes of `ids` (allocates; for whole-sequence use, not per step). */
export function bytesOfIds(table: TokenBytes, ids: ArrayLike<number>): Uint8Array {
  let total = 0;
  for (let i = 0; i < ids.length; i++) total += table.bytesOf(ids[i]).length;
  const out = new Uint8Array(total);
  for (let i = 0, o = 0; i < ids.length; i++) {
    const b = table.bytesOf(ids[i]);
    out.set(b, o);
    o += b.length;
  }
  return out;
}

/** 1 for the ids whose bytes start with whitespace (a word boundary before them). */
export function spaceStartMask(table: TokenBytes): Uint8Array {
  const mask = new Uint8Array(table.vocabSize);
  for (const b of [0x20, 0x0a, 0x09, 0x0d]) for (const id of table.idsStartingWith(b)) mask[id] = 1;
  return mask;
}
