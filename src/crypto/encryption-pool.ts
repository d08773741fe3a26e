/**
 * A fixed set of encryption threads, each running several tasks at once (the
 * openpgp work awaits WebCrypto, so one task at a time leaves a thread idle).
 * A task goes to the thread with the fewest in flight; when every thread is
 * full it waits in a FIFO queue here, in memory, in front of the encryption
 * (never in front of the database: a tip is answered only after its commit).
 *
 * Piscina did this before. Its per-task bookkeeping (an AsyncResource per
 * task, an Atomics.notify wake-up and a port ref/unref per message, its
 * response-count polling) cost 8 to 11 % of the service's main thread at
 * saturation for tasks of 0.4 ms; this pool posts one message each way.
 * A thread that dies rejects what it was running and is replaced on its
 * next task.
 */
import { Worker } from 'node:worker_threads';
import type { EncryptTask, WorkerAnswer, WorkerRequest } from './encrypt.worker.js';

interface Pending {
  task: EncryptTask;
  resolve: (ciphertext: Uint8Array | null) => void;
  reject: (err: Error) => void;
}

interface Slot {
  worker: Worker | null;
  running: Map<number, Pending>;
}

export class EncryptionPoolClosedError extends Error {
  constructor() {
    super('the encryption pool is shut down');
    this.name = 'EncryptionPoolClosedError';
  }
}

export class EncryptionPool {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;

  constructor(
    private readonly file: string,
    threads: number,
    private readonly tasksPerThread: number,
  ) {
    if (!(threads >= 1) || !(tasksPerThread >= 1)) {
      throw new Error('EncryptionPool: threads and tasks per thread must be at least 1');
    }
    this.slots = Array.from({ length: threads }, () => ({ worker: null, running: new Map() }));
    // Started now, so their start-up (openpgp's import) is not paid by the first tip.
    for (const slot of this.slots) this.start(slot);
  }

  /** The ciphertext, or `null` when the thread lacks a key the task names only by fingerprint. */
  run(task: EncryptTask): Promise<Uint8Array | null> {
    if (this.closed) return Promise.reject(new EncryptionPoolClosedError());
    return new Promise((resolve, reject) => {
      const pending: Pending = { task, resolve, reject };
      const slot = this.leastBusy();
      if (slot.running.size < this.tasksPerThread) this.send(slot, pending);
      else this.queue.push(pending);
    });
  }

  /** Tasks waiting for a free place on a thread. */
  get queued(): number {
    return this.queue.length;
  }

  /** Refuses new tasks, rejects the waiting and running ones, and stops every thread. */
  async destroy(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new EncryptionPoolClosedError());
    await Promise.all(
      this.slots.map(async (slot) => {
        const worker = slot.worker;
        slot.worker = null;
        this.fail(slot, new EncryptionPoolClosedError());
        if (worker) await worker.terminate();
      }),
    );
  }

  private leastBusy(): Slot {
    let best = this.slots[0]!;
    for (const slot of this.slots) if (slot.running.size < best.running.size) best = slot;
    return best;
  }

  private start(slot: Slot): Worker {
    const worker = new Worker(this.file, { workerData: { tiplineEncryptionWorker: true } });
    // Kept alive only while it runs something (ref'd in send), so an idle pool never holds the process open.
    worker.unref();
    slot.worker = worker;
    worker.on('message', (answer: WorkerAnswer) => this.answered(slot, answer));
    worker.on('error', (err: Error) => this.died(slot, worker, err));
    worker.on('exit', (code) => {
      this.died(slot, worker, new Error(`encryption thread exited with code ${code}`));
    });
    return worker;
  }

  private send(slot: Slot, pending: Pending): void {
    const worker = slot.worker ?? this.start(slot);
    const id = this.nextId++;
    if (slot.running.size === 0) worker.ref();
    slot.running.set(id, pending);
    const request: WorkerRequest = { id, task: pending.task };
    worker.postMessage(request);
  }

  private answered(slot: Slot, answer: WorkerAnswer): void {
    const pending = slot.running.get(answer.id);
    if (!pending) return;
    slot.running.delete(answer.id);
    if ('error' in answer) pending.reject(new Error(`encryption failed: ${answer.error}`));
    else pending.resolve(answer.ciphertext);
    const next = this.queue.shift();
    if (next) this.send(slot, next);
    else if (slot.running.size === 0) slot.worker?.unref();
  }

  /** A thread that failed or exited: what it ran is rejected; the next task starts another. */
  private died(slot: Slot, worker: Worker, err: Error): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    this.fail(slot, err);
    // The waiting tasks go to a fresh thread rather than wait for another task to start one.
    if (!this.closed) {
      while (this.queue.length > 0 && slot.running.size < this.tasksPerThread) {
        this.send(slot, this.queue.shift()!);
      }
    }
  }

  private fail(slot: Slot, err: Error): void {
    const running = [...slot.running.values()];
    slot.running.clear();
    for (const p of running) p.reject(err);
  }
}
