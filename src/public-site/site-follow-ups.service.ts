import { Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error.js';
import { normalizeReceipt } from '../crypto/receipts.js';
import type { CheckInResponseDto } from '../follow-ups/follow-ups.dto.js';
import { FollowUpMessageDto } from '../follow-ups/follow-ups.dto.js';
import { FollowUpsService } from '../follow-ups/follow-ups.service.js';
import { validateBody } from '../tips/attachments/multipart.js';
import { Uploads } from '../tips/attachments/uploads.js';
import { containsReceipt } from './receipt-words.js';
import { drainRefused, SiteFormChecks, type SubmitMode } from './site-form-checks.js';
import { SiteForm } from './site-form.js';
import { SitePages, type FieldError, type SitePage } from './site-pages.js';
import { SiteRenderer } from './site-renderer.js';

const MESSAGE_MAX = 20_000;

/** The follow-up pages over FollowUpsService: a thread found by its receipt, and messages sent to it. */
@Injectable()
export class SiteFollowUpsService {
  constructor(
    private readonly pages: SitePages,
    private readonly checks: SiteFormChecks,
    private readonly renderer: SiteRenderer,
    private readonly followUps: FollowUpsService,
    private readonly uploads: Uploads,
  ) {}

  /** The receipt, sent by POST only: the thread, or the form again. */
  async checkIn(request: FastifyRequest): Promise<SitePage> {
    const form = await SiteForm.read(request, this.uploads);
    await form.drain();
    const lang = this.pages.language(form.fields.lang, request);
    const receipt = (form.fields.receipt ?? '').trim();
    if (normalizeReceipt(receipt).split(' ').length < 8 || receipt.length > 200) {
      const key = receipt === '' ? 'followUp.receiptMissing' : 'followUp.notFound';
      const status = receipt === '' ? 400 : 404;
      return this.pages.followUpForm(status, lang, receipt, [
        { field: 'receipt', message: this.renderer.t(lang, key) },
      ]);
    }
    const checkIn = await this.findThread(receipt);
    if (!checkIn) {
      return this.pages.followUpForm(404, lang, receipt, [
        { field: 'receipt', message: this.renderer.t(lang, 'followUp.notFound') },
      ]);
    }
    return this.pages.thread(200, lang, receipt, checkIn, {}, [], false);
  }

  /** A message to the thread: the thread again, with the message or with what to fix. */
  async message(request: FastifyRequest, mode: SubmitMode): Promise<SitePage> {
    const form = await SiteForm.read(request, this.uploads);
    const lang = this.pages.language(form.fields.lang, request);
    const receipt = (form.fields.receipt ?? '').trim();
    const body = form.fields.body ?? '';
    const values = { body };
    const refusal = await this.checks.check(form, 'message', mode, lang);
    let errors: FieldError[] = refusal ? [refusal.error] : [];
    if (!refusal) {
      if (body.trim() === '') {
        errors.push({ field: 'body', message: this.renderer.t(lang, 'errors.body') });
      } else if (body.length > MESSAGE_MAX) {
        errors.push({
          field: 'body',
          message: this.renderer.t(lang, 'errors.tooLong', { max: MESSAGE_MAX }),
        });
      } else if (containsReceipt(body, receipt)) {
        errors.push({ field: 'body', message: this.renderer.t(lang, 'errors.bodyHasReceipt') });
      }
    }
    let status = refusal?.status ?? 400;
    if (errors.length === 0) {
      try {
        const dto = await validateBody({ receipt, body }, FollowUpMessageDto);
        await this.followUps.addMessage(
          dto,
          form.hasFileParts ? (recipients) => form.files(recipients) : undefined,
        );
      } catch (err) {
        const known = this.checks.uploadError(err, lang);
        if (!known) throw err;
        errors = [known.error];
        status = known.status;
      }
    }
    const closeConnection = errors.length > 0 && (await drainRefused(form));
    const checkIn = await this.findThread(receipt);
    if (!checkIn) {
      const notFound = this.renderer.t(lang, 'followUp.notFound');
      return {
        ...this.pages.followUpForm(404, lang, '', [{ field: 'receipt', message: notFound }]),
        closeConnection,
      };
    }
    if (errors.length > 0) {
      return {
        ...this.pages.thread(status, lang, receipt, checkIn, values, errors, false),
        closeConnection,
      };
    }
    return this.pages.thread(201, lang, receipt, checkIn, {}, [], true);
  }

  private async findThread(receipt: string): Promise<CheckInResponseDto | undefined> {
    try {
      return await this.followUps.checkIn(receipt);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return undefined;
      throw err;
    }
  }
}
