import { createRequire } from 'node:module';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import type Pretty from 'pino-pretty';

// Operational logs on stderr (stdout carries the human start-up lines). HUB_LOG_LEVEL sets the level (default
// info). One JSON object per line with an ISO timestamp and the level by name, for log collectors; on a
// terminal the same records are printed readably by pino-pretty instead.

/** Bytes of log lines gathered before a write: under load, one write carries many lines instead of one each. */
const LOG_BATCH_BYTES = 4096;
/** Longest a line waits for companions before it is written anyway. */
const LOG_FLUSH_MS = 100;

export interface LogSetup {
  level?: string;
  /** Readable lines instead of JSON; default: when stderr is a terminal. */
  pretty?: boolean;
  /** Where lines go; default: stderr (fd 2). */
  destination?: DestinationStream;
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    // A stack trace belongs here and nowhere else: the error serializer keeps type, message, stack and cause.
    serializers: { err: pino.stdSerializers.errWithCause },
  };
}

export function createLogger(setup: LogSetup = {}): Logger {
  const level = setup.level ?? process.env.HUB_LOG_LEVEL ?? 'info';
  const readable = setup.pretty ?? Boolean(process.stderr.isTTY);
  if (readable && !setup.destination) {
    // Synchronous and in this thread: no transport worker, so nothing is lost when the process exits. Loaded
    // here only: a server under a supervisor logs JSON and never needs it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof Pretty;
    const stream = pretty({ destination: 2, sync: true, colorize: true, singleLine: true, translateTime: 'SYS:yyyy-mm-dd HH:MM:ss.l', ignore: 'pid,hostname' });
    return pino(loggerOptions(level), stream);
  }
  // Written asynchronously (an access line per request must not cost a blocking write) and in batches: lines
  // gather up to LOG_BATCH_BYTES before one write, and what is pending is written every LOG_FLUSH_MS and when
  // the process exits (pino flushes it then), so a quiet server's lines still appear at once.
  return pino(loggerOptions(level), setup.destination ?? batchedStderr());
}

/**
 * stderr through pino's own destination (which also writes what is pending when the process exits), in its
 * buffer mode, fed each line as a Buffer. In its default text mode it measures the pending text again at every
 * line (the byte length of a string that grows to kilobytes): about 2 us of each request's access line.
 */
function batchedStderr(): DestinationStream {
  const stream = pino.destination({ dest: 2, sync: false, minLength: LOG_BATCH_BYTES, periodicFlush: LOG_FLUSH_MS, contentMode: 'buffer' });
  return {
    write: (line: string) => stream.write(Buffer.from(line) as unknown as string),
    // logger.flush() reaches the destination through this.
    flush: (done?: (error?: Error) => void) => stream.flush(done),
  } as DestinationStream;
}
