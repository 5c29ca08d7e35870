// What the CLI tells a person: plain lines on stdout, problems on stderr. Kept in one place so tests and
// docs can rely on the wording.

// A reader that went away (`hub list | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

export const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export const warn = (line: string): void => {
  process.stderr.write(`warning: ${line}\n`);
};

export const fail = (line: string): void => {
  process.stderr.write(`error: ${line}\n`);
};
