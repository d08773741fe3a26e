/**
 * A one-line progress display on standard error, redrawn in place, for long
 * work. Silent when standard error is not a terminal (scripts, pipes, logs),
 * so nothing but real messages reaches them.
 */
export interface Progress {
  /** `done` so far, of `total` when known. */
  update(done: number, total?: number): void;
  /** Removes the line. */
  end(): void;
}

const SILENT: Progress = { update: () => undefined, end: () => undefined };
const REDRAW_MS = 100;

export function mebibytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function startProgress(
  render: (done: number, total: number | undefined, elapsedMs: number) => string,
  stream: NodeJS.WriteStream = process.stderr,
): Progress {
  if (stream.isTTY !== true) return SILENT;
  const started = Date.now();
  let last = 0;
  let shown = false;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < REDRAW_MS) return;
      last = now;
      shown = true;
      const text = render(done, total, now - started).slice(0, (stream.columns || 80) - 1);
      stream.write(`\r${text}\x1b[K`);
    },
    end() {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

/** Bytes through a web stream, reported to a progress line. */
export function countBytes(
  source: ReadableStream<Uint8Array>,
  progress: Progress,
  total?: number,
): ReadableStream<Uint8Array> {
  let done = 0;
  return source.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        done += chunk.byteLength;
        progress.update(done, total);
        controller.enqueue(chunk);
      },
    }),
  );
}
