/** Basic-mode generation: prompt from the DOM caret, completion inserted once at the end (see basic-mode.ts). */
import { startGeneration, type GenerationHandle } from '../generation-client';
import { ensureCaretIn, insertAtDomCaret, textBeforeDomCaret } from './basic-mode';

export function basicModeGenerate(
  content: HTMLElement,
  fieldId: string,
  { onFinished }: { onFinished(error?: string): void },
): GenerationHandle {
  ensureCaretIn(content);
  const prompt = textBeforeDomCaret(content) ?? '';
  return startGeneration(
    { fieldId, prompt, source: 'overleaf' },
    {
      onDone: (result) => {
        if (result.text) insertAtDomCaret(content, result.text);
        onFinished();
      },
      onError: (error) => onFinished(error.message),
    },
  );
}
