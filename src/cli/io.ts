/** The streams a gradc command reads and writes; tests pass their own. */
export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Standard input, read to its end (for `-` as the file). Without it, the process's standard input. */
  readStdin?(): Promise<string>;
}

export const processIo: Io = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: readProcessStdin,
};

async function readProcessStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin)
    chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  // Decoded once at the end, as readFileSync does, so a character split across chunks survives.
  return Buffer.concat(chunks).toString('utf8');
}

/** Standard input through `io`, or the process's when `io` has no reader. */
export function readStdin(io: Io): Promise<string> {
  return (io.readStdin ?? readProcessStdin)();
}
