import type { AppState } from '../app.js';

// The one answer of /readyz, on the serving port and on the health port alike.

export interface ReadinessAnswer {
  code: 200 | 503;
  body: { status: 'ready' | 'loading' | 'draining' | 'stalled'; modules: string[] };
}

export function readinessAnswer(state: AppState, modules: string[]): ReadinessAnswer {
  const ready = state.ready && !state.draining;
  return { code: ready ? 200 : 503, body: { status: ready ? 'ready' : state.draining ? 'draining' : 'loading', modules } };
}
