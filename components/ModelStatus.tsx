/** Model status line: loading / ready (name, size, threads) / error. Warms the model when the popup opens. */
import { useEffect, useState } from 'react';
import { getEngineStatus, warmEngine } from '@/lib/extension/generation-client';
import type { EngineStatus } from '@/lib/extension/protocol';

function describe(status: EngineStatus | undefined): string {
  if (!status) return 'Model: starting…';
  switch (status.state) {
    case 'ready': {
      const mb = status.modelBytes ? `${(status.modelBytes / 1e6).toFixed(1)} MB` : 'size unknown';
      return `Model ready: ${status.name ?? 'model'}, ${mb}, ${status.threads ?? 1} thread${status.threads === 1 ? '' : 's'}`;
    }
    case 'loading':
      return 'Model: loading…';
    case 'unloaded':
      return 'Model: not loaded (loads on first use)';
    case 'error':
      return `Model failed to load: ${status.error ?? 'unknown error'}`;
  }
}

/**
 * Warms the model when the popup opens and polls its status every second.
 * One poller for the popup: the status line shows it and the settings form
 * validates against the loaded model's limits from it.
 */
export function useEngineStatus(): EngineStatus | undefined {
  const [status, setStatus] = useState<EngineStatus | undefined>();
  useEffect(() => {
    let alive = true;
    const refresh = () => void getEngineStatus().then((s) => alive && setStatus(s));
    void warmEngine().then(refresh);
    refresh();
    const timer = setInterval(refresh, 1000);
    return () => {
      alive = false;
      clearInterval(timer);
    };
  }, []);
  return status;
}

export function ModelStatus({ status }: { status: EngineStatus | undefined }) {
  return (
    <p className="model-status" role="status" data-state={status?.state ?? 'unknown'} data-threads={status?.threads}>
      {describe(status)}
    </p>
  );
}
