/**
 * Many logical Ports (jobs) over the one ENGINE_PORT link between the
 * offscreen document and the background (protocol.ts, ENGINE_PORT explains
 * why there is one link and who opens it). Each job behaves like a
 * chrome.runtime.Port: messages in order, `disconnect()` fires the other
 * end's onDisconnect and never one's own, posting on a closed job throws. When
 * the link goes (the worker was killed, the document closed), every job's
 * onDisconnect fires at once, which is how both sides notice promptly.
 */
import { EngineLinkMessage, parseMessage } from './protocol';
import type { PortLike } from './ports';

type Control = Extract<EngineLinkMessage, { type: 'restart-document' }>;

export interface PortMuxHandlers {
  /** The other side opened a job (the offscreen side serves generations here). */
  onOpen?(port: PortLike): void;
  onControl?(message: Control): void;
  /** The link itself went away. */
  onClose?(): void;
}

export interface PortMux {
  /** Opens a job; the other side's onOpen receives its end. */
  open(name: string): PortLike;
  /** Sends a frame that is not part of any job. Throws if the link is closed. */
  control(message: Control): void;
  readonly closed: boolean;
}

interface Job extends PortLike {
  deliver(message: unknown): void;
  remoteClosed(): void;
}

export function portMux(link: PortLike, handlers: PortMuxHandlers = {}): PortMux {
  const jobs = new Map<string, Job>();
  let closed = false;
  let next = 0;

  const send = (frame: EngineLinkMessage) => link.postMessage(frame);

  const makeJob = (id: string, name: string): Job => {
    const onMessage: Array<(m: unknown) => void> = [];
    const onDisconnect: Array<() => void> = [];
    let open = true;
    return {
      name,
      sender: link.sender,
      postMessage(message) {
        if (!open || closed) throw new Error('Attempting to use a disconnected port object');
        send({ type: 'job', job: id, message });
      },
      disconnect() {
        if (!open) return;
        open = false;
        jobs.delete(id);
        if (!closed) {
          try {
            send({ type: 'job-closed', job: id });
          } catch {
            // The link went at the same moment; the other side hears that instead.
          }
        }
      },
      onMessage: { addListener: (fn) => void onMessage.push(fn) },
      onDisconnect: { addListener: (fn) => void onDisconnect.push(fn) },
      deliver(message) {
        if (open) for (const fn of onMessage) fn(message);
      },
      remoteClosed() {
        if (!open) return;
        open = false;
        jobs.delete(id);
        for (const fn of onDisconnect) fn();
      },
    };
  };

  link.onMessage.addListener((raw) => {
    const parsed = parseMessage(EngineLinkMessage, raw);
    // Only our own two contexts share this link; a frame we cannot read is a bug, not an attack.
    if (!parsed.ok) return;
    const frame = parsed.data;
    switch (frame.type) {
      case 'job-open': {
        if (jobs.has(frame.job) || !handlers.onOpen) return;
        const job = makeJob(frame.job, link.name);
        jobs.set(frame.job, job);
        handlers.onOpen(job);
        return;
      }
      case 'job':
        // A message for a job one side already closed is late, not a new job.
        jobs.get(frame.job)?.deliver(frame.message);
        return;
      case 'job-closed':
        jobs.get(frame.job)?.remoteClosed();
        return;
      default:
        handlers.onControl?.(frame);
    }
  });

  link.onDisconnect.addListener(() => {
    closed = true;
    for (const job of [...jobs.values()]) job.remoteClosed();
    handlers.onClose?.();
  });

  return {
    open(name) {
      if (closed) throw new Error('Attempting to use a disconnected port object');
      const id = `j${++next}`;
      const job = makeJob(id, name);
      jobs.set(id, job);
      send({ type: 'job-open', job: id });
      return job;
    },
    control(message) {
      if (closed) throw new Error('Attempting to use a disconnected port object');
      send(message);
    },
    get closed() {
      return closed;
    },
  };
}
