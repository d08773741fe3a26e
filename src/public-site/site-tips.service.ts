import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../common/app-error.js';
import { SERVER_SECRET } from '../config/server-secret.js';
import { normalizeReceipt } from '../crypto/receipts.js';
import { validateBody } from '../tips/attachments/multipart.js';
import { Uploads } from '../tips/attachments/uploads.js';
import { SubmitPublicTipDto } from '../tips/intake/submit-tip.dto.js';
import { SubmitTip } from '../tips/intake/submit-tip.use-case.js';
import { SUBMITTER_URGENCIES, TIP_CATEGORIES } from '../tips/tip.entity.js';
import type { Lang } from './messages.js';
import { receiptSealMatches } from './receipt-seal.js';
import { drainRefused, SiteFormChecks, type SubmitMode } from './site-form-checks.js';
import { SiteForm } from './site-form.js';
import { SitePages, TEXT_FIELDS, type FieldError, type SitePage } from './site-pages.js';
import { SiteRenderer } from './site-renderer.js';

/** The tip form over SubmitTip, and the receipt page's confirmation. */
@Injectable()
export class SiteTipsService {
  constructor(
    private readonly pages: SitePages,
    private readonly checks: SiteFormChecks,
    private readonly renderer: SiteRenderer,
    private readonly submitTip: SubmitTip,
    private readonly uploads: Uploads,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  /** A sent tip form: the receipt page, or the form again with what to fix. */
  async submit(request: FastifyRequest, mode: SubmitMode): Promise<SitePage> {
    const form = await SiteForm.read(request, this.uploads);
    const lang = this.pages.language(form.fields.lang, request);
    const values = form.fields;
    const refused = async (status: number, errors: FieldError[]): Promise<SitePage> => {
      const closeConnection = await drainRefused(form);
      return { ...this.pages.form(status, lang, values, errors), closeConnection };
    };
    const refusal = await this.checks.check(form, 'tip', mode, lang);
    if (refusal) return refused(refusal.status, [refusal.error]);
    const { dto, errors } = await this.readTip(values, lang);
    if (!dto) return refused(400, errors);
    let result;
    try {
      result = form.hasFileParts
        ? await this.submitTip.execute(dto, (recipients) => form.files(recipients))
        : await this.submitTip.execute(dto);
    } catch (err) {
      const known = this.checks.uploadError(err, lang);
      if (!known) throw err;
      return refused(known.status, [known.error]);
    }
    return this.pages.receipt(201, lang, result.reference, result.receipt, []);
  }

  /** The receipt page's confirmation: the fourth word, checked against the sealed receipt. */
  async confirmReceipt(request: FastifyRequest): Promise<SitePage> {
    const form = await SiteForm.read(request, this.uploads);
    await form.drain();
    const lang = this.pages.language(form.fields.lang, request);
    const { reference = '', receipt = '', seal = '', word = '' } = form.fields;
    if (!receiptSealMatches(this.secret, reference, receipt, seal)) {
      throw new AppError('bad_request', 400, 'This receipt page could not be checked.');
    }
    const fourth = normalizeReceipt(receipt).split(' ')[3];
    if (normalizeReceipt(word) !== fourth) {
      const message = this.renderer.t(lang, 'receipt.confirm.wrong');
      return this.pages.receipt(400, lang, reference, receipt, [{ field: 'word', message }]);
    }
    return this.pages.done(lang);
  }

  private async readTip(
    values: Readonly<Record<string, string>>,
    lang: Lang,
  ): Promise<{ dto?: SubmitPublicTipDto; errors: FieldError[] }> {
    const t = (key: string, v?: Record<string, number>) => this.renderer.t(lang, key, v);
    const errors: FieldError[] = [];
    const category = values.category ?? '';
    const urgency = values.submitterUrgency ?? '';
    if (!(TIP_CATEGORIES as readonly string[]).includes(category)) {
      errors.push({ field: 'category', message: t('errors.category') });
    }
    if (!(SUBMITTER_URGENCIES as readonly string[]).includes(urgency)) {
      errors.push({ field: 'submitterUrgency', message: t('errors.submitterUrgency') });
    }
    const body: Record<string, unknown> = { category, submitterUrgency: urgency };
    for (const field of TEXT_FIELDS) {
      const value = values[field.name] ?? '';
      if (value.trim() === '') {
        if (field.required) errors.push({ field: field.name, message: t('errors.narrative') });
        continue;
      }
      if (value.length > field.max) {
        errors.push({ field: field.name, message: t('errors.tooLong', { max: field.max }) });
        continue;
      }
      body[field.name] = value;
    }
    if (values.allowReplies !== 'yes' && values.allowReplies !== 'no') {
      errors.push({ field: 'allowReplies', message: t('errors.allowReplies') });
    }
    body.allowReplies = values.allowReplies !== 'no';
    if (errors.length > 0) return { errors };
    // The API's own validation has the last word.
    try {
      return { dto: await validateBody(body, SubmitPublicTipDto), errors };
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      return {
        errors: (err.details ?? [{ problem: '' }]).map((d) => ({
          field: d.field,
          message: t('errors.refused'),
        })),
      };
    }
  }
}
