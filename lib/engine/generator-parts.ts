/**
 * What the decoding loops (generator.ts, continuations.ts) share, built once
 * by loadEngine: the model, the tokenizer's views, reusable buffers and the
 * kept KV caches. Everything mutable lives here, per engine, never at module level.
 */
import type { Decoder } from './decoder';
import type { TokenSampler } from './sampler';
import type { TokenBytes } from './token-bytes';
import type { DraftTable } from './draft-table';
import type { PrefixCaches } from './prefix-cache';

export interface GeneratorParts {
  decoder: Decoder;
  encode: (text: string) => number[];
  table: TokenBytes;
  sampler: TokenSampler;
  /** Reused by token healing; as long as the largest first-byte bucket. */
  healingPool: Int32Array;
  /** 1 for the ids whose bytes start with whitespace (a word boundary before them). */
  spaceStarts: Uint8Array;
  eosTokenId: number;
  nPositions: number;
  /** Prefill run length, aligned to absolute positions (see DEFAULT_PREFILL_CHUNK). */
  prefillChunk: number;
  /** Earlier generations' KV caches, one per cache key, reused when the next context extends them (see PrefixCaches). */
  prefixes?: PrefixCaches;
  /** The model's n-gram draft table, consulted when prompt lookup finds nothing. */
  draftTable?: DraftTable;
}
