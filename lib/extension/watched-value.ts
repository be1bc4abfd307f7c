/**
 * A stored value read once and then kept in memory until storage says it
 * changed: the background reads both settings items for every typing pause,
 * and a change made in the popup must still apply to the very next request.
 * The service worker may be stopped at any time; a new one starts empty and
 * reads again, so nothing stale outlives it.
 */
export interface WatchedValue<T> {
  /** The current value: the kept one, or a fresh read. */
  get(): Promise<T>;
  /** Stops watching. */
  dispose(): void;
}

/**
 * @param load reads and validates the value.
 * @param watch subscribes to changes of what `load` reads (e.g. a WXT storage item's `watch`); returns an unsubscribe.
 */
export function watchedValue<T>(load: () => Promise<T>, watch: (onChange: () => void) => () => void): WatchedValue<T> {
  let kept: Promise<T> | undefined;
  // A change while a read is under way drops that read too: it may have seen the old value.
  const unwatch = watch(() => {
    kept = undefined;
  });
  return {
    get() {
      if (!kept) {
        const read = load();
        kept = read;
        // A failed read is not kept: the next request tries again.
        read.catch(() => {
          if (kept === read) kept = undefined;
        });
      }
      return kept;
    },
    dispose: unwatch,
  };
}
