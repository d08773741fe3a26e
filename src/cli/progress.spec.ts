import { countBytes, startProgress } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 80, write: (s: string) => writes.push(s) > 0 };
  return { stream: stream as unknown as NodeJS.WriteStream, writes };
}

describe('progress on standard error', () => {
  it('draws one line in place on a terminal and removes it at the end', async () => {
    const { stream, writes } = fakeStream(true);
    const progress = startProgress((done, total) => `${done} of ${total}`, stream);
    const source = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new Uint8Array(3));
        c.enqueue(new Uint8Array(4));
        c.close();
      },
    });
    let received = 0;
    for await (const chunk of countBytes(source, progress, 7)) received += chunk.byteLength;
    progress.end();
    expect(received).toBe(7);
    // Redraws are throttled: the first update is drawn, the second (within 100 ms) is not.
    expect(writes).toEqual(['\r3 of 7\x1b[K', '\r\x1b[K']);
  });

  it('writes nothing when standard error is not a terminal', () => {
    const { stream, writes } = fakeStream(false);
    const progress = startProgress(() => 'never', stream);
    progress.update(1, 2);
    progress.end();
    expect(writes).toEqual([]);
  });
});
