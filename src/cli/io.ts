import { readFile } from 'node:fs/promises';

export async function readInput(file: string | undefined): Promise<Buffer> {
  if (file !== undefined && file !== '-') return readFile(file);
  if (process.stdin.isTTY) {
    throw new Error('no input: give a FILE or pipe the message into standard input');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Writes and waits for the data to be flushed, so a pipe gets every byte before exit. */
export function writeStdout(data: string | Uint8Array): Promise<void> {
  return new Promise((resolve, reject) =>
    process.stdout.write(data, (err) => (err ? reject(err) : resolve())),
  );
}
