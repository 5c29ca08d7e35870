import { pino, type Logger } from 'pino';

/** Operational logs: JSON lines on stderr (stdout carries the human start-up lines). HUB_LOG_LEVEL sets the level. */
export function createLogger(): Logger {
  return pino({ level: process.env.HUB_LOG_LEVEL ?? 'info', base: { pid: process.pid } }, pino.destination(2));
}
