import type { PortLike } from '../ports';
import type { EngineStatus } from '../protocol';

/** What the background needs from wherever the engine is hosted (engine-host.ts). */
export interface EnginePlatform {
  /** A job Port to the engine (ENGINE_PORT protocol), starting the engine's host if needed. */
  connect(): Promise<PortLike>;
  /** Loads the model ahead of the first request. */
  warm(idleUnloadMinutes: number): Promise<EngineStatus>;
  /** The engine's state, without starting its host. */
  status(): Promise<EngineStatus>;
  /**
   * Offered every runtime Port named ENGINE_PORT: accepted only from our own
   * engine page; any other is disconnected.
   */
  acceptEnginePort(port: PortLike): void;
}

export type CreateEnginePlatform = () => EnginePlatform;
