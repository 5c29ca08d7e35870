// glibc keeps what a process freed in its arenas for the next allocation, so after a peak (a large request's
// strings and tensors, a session's memory arena) the process's resident memory stays where the peak left it.
// malloc_trim(0) hands the free pages of every arena back to the system. Measured after one lac request of
// 1,024 texts x 1,000 characters: 317 MB resident without it, 264 MB with it, 225-233 MB with the sessions
// renewed first (src/process/memory-return.ts); the idle server holds 170-180 MB.

type Trim = () => void;

let trim: Promise<Trim | null> | undefined;

/** libc's malloc_trim through koffi; null where the C library is not glibc (musl has no malloc_trim) or koffi cannot load. */
async function loadTrim(): Promise<Trim | null> {
  if (process.platform !== 'linux') return null;
  try {
    const { default: koffi } = await import('koffi');
    const mallocTrim = koffi.load('libc.so.6').func('int malloc_trim(size_t pad)');
    return () => void mallocTrim(0);
  } catch {
    return null;
  }
}

/** Gives the C library's free pages back to the system; answers whether it could (false off glibc). */
export async function returnFreedPages(): Promise<boolean> {
  trim ??= loadTrim();
  const fn = await trim;
  if (!fn) return false;
  fn();
  return true;
}
