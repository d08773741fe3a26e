import {
  Controller,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { AppError } from '../common/app-error.js';
import { Public } from '../common/auth/access.decorators.js';
import type { CounterStore } from '../common/rate-limit/counter-store.js';
import { LimitPerAddress } from '../common/rate-limit/public-rate-limit.guard.js';
import { COUNTER_STORE } from '../common/rate-limit/rate-limit.module.js';
import { APP_CONFIG } from '../config/app-config.token.js';
import type { AppConfig } from '../config/environment.js';
import { SERVER_SECRET } from '../config/server-secret.js';
import { normalizeReceipt } from '../crypto/receipts.js';
import type { CheckInResponseDto } from '../follow-ups/follow-ups.dto.js';
import { FollowUpMessageDto } from '../follow-ups/follow-ups.dto.js';
import { FollowUps } from '../follow-ups/follow-ups.service.js';
import { RECEIPT_ATTEMPTS } from '../follow-ups/receipt-lookup.js';
import { ProofOfWork } from '../proof-of-work/proof-of-work.service.js';
import { Uploads } from '../tips/attachments/uploads.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';
import { MAX_FILES, validateBody } from '../tips/attachments/multipart.js';
import { SubmitPublicTipDto } from '../tips/intake/submit-tip.dto.js';
import { SubmitTip } from '../tips/intake/submit-tip.use-case.js';
import { SUBMITTER_URGENCIES, TIP_CATEGORIES } from '../tips/tip.entity.js';
import { issueFormToken, verifyFormToken, type FormPurpose } from './form-token.js';
import { chooseLanguage, type Lang } from './messages.js';
import { NoJsLimitGuard } from './no-js-limit.guard.js';
import { containsReceipt } from './receipt-words.js';
import { SiteExceptionFilter, siteErrorMessage } from './site-exception.filter.js';
import { SiteForm, TooManyFilesError } from './site-form.js';
import { SiteRenderer } from './site-renderer.js';

/** The optional and required text fields of the tip form, in page order, with their limits. */
const TEXT_FIELDS = [
  { name: 'narrative', required: true, multiline: true, rows: 10, max: 100_000 },
  { name: 'location', required: false, multiline: false, rows: 1, max: 2_000 },
  { name: 'occurredAt', required: false, multiline: false, rows: 1, max: 200 },
  { name: 'peopleInvolved', required: false, multiline: true, rows: 3, max: 10_000 },
  { name: 'organisationsInvolved', required: false, multiline: true, rows: 3, max: 10_000 },
  { name: 'contact', required: false, multiline: false, rows: 1, max: 2_000 },
] as const;

const MESSAGE_MAX = 20_000;
const MIB = 1024 * 1024;

interface FieldError {
  field?: string;
  message: string;
}

type Mode = 'no-js' | 'proof';

/**
 * The public web site: server-rendered pages over the same use cases as the
 * API (SubmitTip, FollowUps, ProofOfWork). Works as plain HTML forms; with
 * JavaScript the proof of work is solved in a Web Worker and the form goes to
 * the `with-proof` route. The receipt travels only in response and request
 * bodies, never in a URL, a log or the database.
 */
@ApiExcludeController()
@ServedOn('public')
@UseFilters(SiteExceptionFilter)
@Controller()
export class SiteController {
  constructor(
    private readonly renderer: SiteRenderer,
    private readonly submitTip: SubmitTip,
    private readonly followUps: FollowUps,
    private readonly pow: ProofOfWork,
    private readonly uploads: Uploads,
    @Inject(COUNTER_STORE) private readonly counters: CounterStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SERVER_SECRET) private readonly secret: Buffer,
  ) {}

  @Public()
  @Get()
  form(@Query('lang') lang: unknown, @Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    this.sendForm(reply, 200, this.language(lang, request), {}, []);
  }

  @Public()
  @UseGuards(NoJsLimitGuard)
  @Post()
  async submitWithoutScript(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.submit(request, reply, 'no-js');
  }

  @Public()
  @Post('tip/with-proof')
  async submitWithProof(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.submit(request, reply, 'proof');
  }

  /** The receipt page's confirmation: the fourth word, checked against the sealed receipt. */
  @Public()
  @Post('receipt')
  @HttpCode(200)
  async confirmReceipt(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const form = await SiteForm.read(request, this.uploads);
    await form.drain();
    const lang = this.language(form.fields.lang, request);
    const { reference = '', receipt = '', seal = '', word = '' } = form.fields;
    if (!this.sealMatches(reference, receipt, seal)) {
      throw new AppError('bad_request', 400, 'This receipt page could not be checked.');
    }
    const fourth = normalizeReceipt(receipt).split(' ')[3];
    if (normalizeReceipt(word) !== fourth) {
      const message = this.renderer.t(lang, 'receipt.confirm.wrong');
      this.sendReceipt(reply, 400, lang, reference, receipt, [{ field: 'word', message }]);
      return;
    }
    this.renderer.send(reply, 200, 'done', {
      lang,
      path: null,
      title: this.renderer.t(lang, 'done.heading'),
    });
  }

  @Public()
  @Get('follow-up')
  followUpForm(
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    this.sendFollowUpForm(reply, 200, this.language(lang, request), '', []);
  }

  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @Post('follow-up')
  async checkIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    const form = await SiteForm.read(request, this.uploads);
    await form.drain();
    const lang = this.language(form.fields.lang, request);
    const receipt = (form.fields.receipt ?? '').trim();
    if (normalizeReceipt(receipt).split(' ').length < 8 || receipt.length > 200) {
      const key = receipt === '' ? 'followUp.receiptMissing' : 'followUp.notFound';
      const status = receipt === '' ? 400 : 404;
      this.sendFollowUpForm(reply, status, lang, receipt, [
        { field: 'receipt', message: this.renderer.t(lang, key) },
      ]);
      return;
    }
    const checkIn = await this.findThread(receipt);
    if (!checkIn) {
      this.sendFollowUpForm(reply, 404, lang, receipt, [
        { field: 'receipt', message: this.renderer.t(lang, 'followUp.notFound') },
      ]);
      return;
    }
    this.sendThread(reply, 200, lang, receipt, checkIn, {}, [], false);
  }

  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @UseGuards(NoJsLimitGuard)
  @Post('follow-up/message')
  async messageWithoutScript(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.message(request, reply, 'no-js');
  }

  @Public()
  @LimitPerAddress(RECEIPT_ATTEMPTS)
  @Post('follow-up/message/with-proof')
  async messageWithProof(@Req() request: FastifyRequest, @Res() reply: FastifyReply) {
    await this.message(request, reply, 'proof');
  }

  @Public()
  @Get('protect')
  protect(
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const chosen = this.language(lang, request);
    this.renderer.send(reply, 200, 'protect', {
      lang: chosen,
      path: '/protect',
      title: this.renderer.t(chosen, 'protect.heading'),
    });
  }

  /** Content-hashed names: the only responses that may be cached, for a year. */
  @Public()
  @Get('assets/:name')
  asset(@Param('name') name: string, @Res() reply: FastifyReply) {
    const asset = this.renderer.assets.find(name);
    if (!asset) throw new AppError('not_found', 404, 'No such file.');
    void reply
      .header('Cache-Control', 'public, max-age=31536000, immutable')
      .type(asset.type)
      .send(asset.body);
  }

  // --- the tip form ---------------------------------------------------------

  private async submit(request: FastifyRequest, reply: FastifyReply, mode: Mode): Promise<void> {
    const form = await SiteForm.read(request, this.uploads);
    const lang = this.language(form.fields.lang, request);
    const values = form.fields;
    const refusal = await this.checkForm(form, 'tip', mode, lang);
    if (refusal) {
      await this.refuse(form, reply);
      this.sendForm(reply, refusal.status, lang, values, [refusal.error]);
      return;
    }
    const { dto, errors } = await this.readTip(values, lang);
    if (!dto) {
      await this.refuse(form, reply);
      this.sendForm(reply, 400, lang, values, errors);
      return;
    }
    let result;
    try {
      result = form.hasFileParts
        ? await this.submitTip.execute(dto, (recipients) => form.files(recipients))
        : await this.submitTip.execute(dto);
    } catch (err) {
      const known = this.uploadError(err, lang);
      if (!known) throw err;
      await this.refuse(form, reply);
      this.sendForm(reply, known.status, lang, values, [known.error]);
      return;
    }
    this.sendReceipt(reply, 201, lang, result.reference, result.receipt, []);
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

  // --- follow-up messages -----------------------------------------------------

  private async message(request: FastifyRequest, reply: FastifyReply, mode: Mode): Promise<void> {
    const form = await SiteForm.read(request, this.uploads);
    const lang = this.language(form.fields.lang, request);
    const receipt = (form.fields.receipt ?? '').trim();
    const body = form.fields.body ?? '';
    const values = { body };
    const refusal = await this.checkForm(form, 'message', mode, lang);
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
        const known = this.uploadError(err, lang);
        if (!known) throw err;
        errors = [known.error];
        status = known.status;
      }
    }
    if (errors.length > 0) await this.refuse(form, reply);
    const checkIn = await this.findThread(receipt);
    if (!checkIn) {
      this.sendFollowUpForm(reply, 404, lang, '', [
        { field: 'receipt', message: this.renderer.t(lang, 'followUp.notFound') },
      ]);
      return;
    }
    if (errors.length > 0) {
      this.sendThread(reply, status, lang, receipt, checkIn, values, errors, false);
      return;
    }
    this.sendThread(reply, 201, lang, receipt, checkIn, {}, [], true);
  }

  private async findThread(receipt: string): Promise<CheckInResponseDto | undefined> {
    try {
      return await this.followUps.checkIn(receipt);
    } catch (err) {
      if (err instanceof AppError && err.code === 'not_found') return undefined;
      throw err;
    }
  }

  // --- what both forms check ----------------------------------------------------

  /**
   * Honeypot, signed single-use token (rendered here, at least SITE_MIN_SECONDS
   * ago, at most SITE_FORM_TOKEN_HOURS), and on the `with-proof` route the
   * proof of work, spent exactly as the API spends it.
   */
  private async checkForm(
    form: SiteForm,
    purpose: FormPurpose,
    mode: Mode,
    lang: Lang,
  ): Promise<{ status: number; error: FieldError } | undefined> {
    const t = (key: string) => this.renderer.t(lang, key);
    if ((form.fields.website ?? '') !== '') {
      return { status: 400, error: { message: t('errors.refused') } };
    }
    const verdict = verifyFormToken(this.secret, form.fields.token, purpose, {
      minMs: this.config.publicSite.minSubmitMs,
      maxAgeMs: this.config.publicSite.formTokenMs,
    });
    if (!verdict.ok) {
      const key =
        verdict.reason === 'too_fast'
          ? 'errors.form.too_fast'
          : verdict.reason === 'expired'
            ? 'errors.form.expired'
            : 'errors.form.invalid';
      return { status: 400, error: { message: t(key) } };
    }
    if (mode === 'proof' && this.pow.enabled) {
      try {
        await this.pow.spend(form.fields.pow || undefined);
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        return { status: err.status, error: { message: t('errors.form.invalid') } };
      }
    }
    const fresh = await this.counters.claimOnce(
      `site-form:${verdict.nonce}`,
      Math.max(1000, verdict.expiresAt - Date.now()),
    );
    if (!fresh) return { status: 409, error: { message: t('errors.form.used') } };
    return undefined;
  }

  /** Upload and intake errors the form can explain next to the files; others go to the filter. */
  private uploadError(err: unknown, lang: Lang): { status: number; error: FieldError } | undefined {
    if (typeof err !== 'object' || err === null) return undefined;
    const { status, statusCode, code } = err as {
      status?: unknown;
      statusCode?: unknown;
      code?: unknown;
    };
    if ((status ?? statusCode) === 413) {
      const tooMany = err instanceof TooManyFilesError || code === 'FST_FILES_LIMIT';
      return {
        status: 413,
        error: {
          field: 'files',
          message: tooMany
            ? this.renderer.t(lang, 'errors.tooMany', { count: MAX_FILES })
            : this.renderer.t(lang, 'errors.tooLarge'),
        },
      };
    }
    if (err instanceof AppError && err.status === 503) {
      return { status: 503, error: { message: siteErrorMessage(this.renderer, lang, 503) } };
    }
    return undefined;
  }

  /** Drops what is left of a refused body; closes the connection when that is too much. */
  private async refuse(form: SiteForm, reply: FastifyReply): Promise<void> {
    if (!(await form.drain())) reply.header('Connection', 'close');
  }

  // --- pages ------------------------------------------------------------------------

  private language(explicit: unknown, request: FastifyRequest): Lang {
    return chooseLanguage(explicit, request.headers['accept-language']);
  }

  private limits() {
    return {
      count: MAX_FILES,
      perFile: Math.floor(this.config.attachmentMaxBytes / MIB),
      total: Math.floor(this.config.uploadMaxBytes / MIB),
    };
  }

  private powData() {
    if (!this.pow.enabled) return undefined;
    const c = this.pow.issue();
    return { challenge: c.challenge, difficulty: c.difficulty, expiresAt: c.expiresAt };
  }

  private fieldErrors(errors: FieldError[]): Record<string, string> {
    const out: Record<string, string> = {};
    for (const e of errors) if (e.field && !(e.field in out)) out[e.field] = e.message;
    return out;
  }

  private sendForm(
    reply: FastifyReply,
    status: number,
    lang: Lang,
    values: Readonly<Record<string, string>>,
    errors: FieldError[],
  ): void {
    this.renderer.send(reply, status, 'form', {
      lang,
      path: '/',
      title: this.renderer.t(lang, errors.length ? 'errors.heading' : 'form.heading'),
      script: true,
      emergency:
        this.config.publicSite.emergencyNotice[lang] ?? this.renderer.t(lang, 'emergency.default'),
      token: issueFormToken(this.secret, 'tip'),
      pow: this.powData(),
      categories: TIP_CATEGORIES,
      urgencies: SUBMITTER_URGENCIES,
      textFields: TEXT_FIELDS,
      limits: this.limits(),
      values,
      errors,
      fieldErrors: this.fieldErrors(errors),
    });
  }

  private seal(reference: string, receipt: string): string {
    return createHmac('sha256', this.secret)
      .update(`site-receipt:${reference}\n${normalizeReceipt(receipt)}`)
      .digest('base64url');
  }

  private sealMatches(reference: string, receipt: string, seal: string): boolean {
    const expected = Buffer.from(this.seal(reference, receipt));
    const given = Buffer.from(seal);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }

  private sendReceipt(
    reply: FastifyReply,
    status: number,
    lang: Lang,
    reference: string,
    receipt: string,
    errors: FieldError[],
  ): void {
    this.renderer.send(reply, status, 'receipt', {
      lang,
      // No language links: leaving this page by a link would lose the receipt.
      path: null,
      title: this.renderer.t(lang, 'receipt.heading'),
      reference,
      receipt,
      seal: this.seal(reference, receipt),
      errors,
      fieldErrors: this.fieldErrors(errors),
    });
  }

  private sendFollowUpForm(
    reply: FastifyReply,
    status: number,
    lang: Lang,
    receipt: string,
    errors: FieldError[],
  ): void {
    this.renderer.send(reply, status, 'follow-up', {
      lang,
      path: '/follow-up',
      title: this.renderer.t(lang, errors.length ? 'errors.heading' : 'followUp.heading'),
      values: { receipt },
      errors,
      fieldErrors: this.fieldErrors(errors),
    });
  }

  private sendThread(
    reply: FastifyReply,
    status: number,
    lang: Lang,
    receipt: string,
    checkIn: CheckInResponseDto,
    values: Record<string, string>,
    errors: FieldError[],
    sent: boolean,
  ): void {
    this.renderer.send(reply, status, 'thread', {
      lang,
      path: '/follow-up',
      title: this.renderer.t(lang, errors.length ? 'errors.heading' : 'followUp.heading'),
      script: checkIn.status !== 'closed',
      receipt,
      checkIn,
      sent,
      token: issueFormToken(this.secret, 'message'),
      pow: this.powData(),
      limits: this.limits(),
      values,
      errors,
      fieldErrors: this.fieldErrors(errors),
    });
  }
}
