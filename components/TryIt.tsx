/** "Try it": type, Generate, and watch the completion stream in — no page needed. */
import { useRef, useState } from 'react';
import { doneMessage, startGeneration, type GenerationHandle } from '@/lib/extension/generation-client';

export function TryIt() {
  const [text, setText] = useState('We propose a');
  const [completion, setCompletion] = useState('');
  const [message, setMessage] = useState('');
  const [tokens, setTokens] = useState<number | undefined>();
  const handle = useRef<GenerationHandle | null>(null);
  const [running, setRunning] = useState(false);

  function generate() {
    if (handle.current?.active) {
      handle.current.cancel();
      setRunning(false);
      setMessage('Stopped.');
      return;
    }
    setCompletion('');
    setTokens(undefined);
    setMessage('');
    setRunning(true);
    handle.current = startGeneration(
      { fieldId: 'popup-try-it', prompt: text, source: 'popup' },
      {
        onLoading: () => setMessage('Loading the model…'),
        onDelta: (delta) => {
          setMessage('');
          setCompletion((c) => c + delta);
        },
        onDone: (result) => {
          setRunning(false);
          setTokens(result.tokens);
          setMessage(doneMessage(result));
        },
        onError: (error) => {
          setRunning(false);
          setMessage(error.message);
        },
      },
    );
  }

  return (
    <section className="try-it" aria-label="Try it">
      <label htmlFor="try-it-input">Try it</label>
      <textarea id="try-it-input" rows={3} value={text} onChange={(e) => setText(e.target.value)} />
      <button type="button" onClick={generate} aria-label={running ? 'Stop generating' : 'Generate'}>
        {running ? 'Stop' : 'Generate'}
      </button>
      <p className="completion" data-testid="try-it-output" data-tokens={tokens}>
        <span className="prompt">{text}</span>
        <span className="generated">{completion}</span>
      </p>
      <p role="status">{message}</p>
    </section>
  );
}
