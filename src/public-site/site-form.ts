import type { Multipart, MultipartFile } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error.js';
import type { RecipientKey } from '../crypto/openpgp.js';
import type { StagedFile } from '../tips/attachments/attachment-writer.js';
import { MAX_FILES } from '../tips/attachments/multipart.js';
import type { Uploads } from '../tips/attachments/uploads.js';

/** Bytes read and thrown away after a refused form before the connection is closed instead. */
const DRAIN_LIMIT = 8 * 1024 * 1024;
/** ...and the time spent at it. */
const DRAIN_MS = 5_000;

/** More files than a form may carry. */
export class TooManyFilesError extends AppError {
  constructor() {
    super('payload_too_large', 413, `At most ${MAX_FILES} files. Nothing was stored.`);
  }
}

/**
 * An HTML form sent as multipart/form-data: its text fields (which the pages
 * place before the file input, so they arrive first), then the files, which
 * are staged as they arrive (no transaction open) for the use case to adopt.
 */
export class SiteForm {
  private drained = 0;
  /** The file being written when an error stopped the writer: drained first. */
  private current: MultipartFile | undefined;

  private constructor(
    readonly fields: Readonly<Record<string, string>>,
    private pending: MultipartFile | undefined,
    private readonly parts: AsyncIterableIterator<Multipart>,
    private readonly uploads: Uploads,
    private readonly request: FastifyRequest,
  ) {}

  static async read(request: FastifyRequest, uploads: Uploads): Promise<SiteForm> {
    if (!request.isMultipart()) {
      throw new AppError('unsupported_media_type', 415, 'Send the form as multipart/form-data.');
    }
    const budget = uploads.writer.budget();
    const parts = request.parts({
      limits: {
        fileSize: budget.perFile + 1,
        files: MAX_FILES + 1,
        fields: 30,
        fieldSize: 1024 * 1024,
        parts: MAX_FILES + 31,
        headerPairs: 100,
      },
    });
    const fields: Record<string, string> = {};
    let pending: MultipartFile | undefined;
    for (;;) {
      const next = await parts.next();
      if (next.done) break;
      const part = next.value;
      if (part.type === 'file') {
        pending = part;
        break;
      }
      if (typeof part.value === 'string' && !Object.hasOwn(fields, part.fieldname)) {
        fields[part.fieldname] = part.value;
      }
    }
    return new SiteForm(fields, pending, parts, uploads, request);
  }

  /** Whether the form carried a file part at all (an empty file input sends one, unnamed). */
  get hasFileParts(): boolean {
    return this.pending !== undefined;
  }

  /**
   * Stages the files as they arrive (an unnamed, empty file input is skipped),
   * holding one of the instance's upload slots meanwhile; what was staged is
   * removed if anything fails. The use case adopts the staged files.
   */
  async files(recipients: readonly RecipientKey[]): Promise<StagedFile[]> {
    const budget = this.uploads.writer.budget();
    const stagedIds: string[] = [];
    const written: StagedFile[] = [];
    let release: (() => void) | undefined;
    try {
      for (
        let part = this.takePending() ?? (await this.nextPart());
        part;
        part = await this.nextPart()
      ) {
        if (part.type !== 'file') {
          throw new AppError('bad_request', 400, 'Only files may follow the text fields.');
        }
        if (part.filename === '') {
          await this.discard(part);
          continue;
        }
        if (written.length >= MAX_FILES) {
          throw new TooManyFilesError();
        }
        if (!release) {
          release = this.uploads.slots.acquire();
          this.request.raw.once('close', release);
        }
        this.current = part;
        written.push(
          await this.uploads.writer.write(
            { stream: part.file, name: part.filename, type: part.mimetype },
            recipients,
            budget,
            stagedIds,
          ),
        );
        this.current = undefined;
        if (part.file.truncated) {
          throw new AppError('payload_too_large', 413, 'A file is too large. Nothing was stored.');
        }
      }
      return written;
    } catch (err) {
      await this.uploads.staged.discard(stagedIds).catch(() => undefined);
      throw err;
    } finally {
      release?.();
    }
  }

  /**
   * Reads and drops what is left of a refused form, so the browser gets the
   * answer instead of a reset connection; false when too much was left (the
   * caller then closes the connection).
   */
  async drain(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), DRAIN_MS);
    });
    try {
      return await Promise.race([this.drainParts(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async drainParts(): Promise<boolean> {
    try {
      const current = this.current;
      this.current = undefined;
      if (current && !(await this.discard(current))) return false;
      for (
        let part = this.takePending() ?? (await this.nextPart());
        part;
        part = await this.nextPart()
      ) {
        if (part.type === 'file' && !(await this.discard(part))) return false;
      }
      return true;
    } catch {
      return false;
    }
  }

  private takePending(): MultipartFile | undefined {
    const part = this.pending;
    this.pending = undefined;
    return part;
  }

  private async nextPart(): Promise<Multipart | undefined> {
    const next = await this.parts.next();
    return next.done ? undefined : next.value;
  }

  private async discard(part: MultipartFile): Promise<boolean> {
    for await (const chunk of part.file) {
      this.drained += (chunk as Buffer).length;
      if (this.drained > DRAIN_LIMIT) {
        part.file.destroy();
        return false;
      }
    }
    return true;
  }
}
