import { Body, Controller, Get, Headers, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AppError } from '../common/app-error.js';
import { CurrentPartner, PartnerScope } from '../common/auth/access.decorators.js';
import type { PartnerPrincipal } from '../common/auth/roles.js';
import { EX } from '../common/openapi/examples.js';
import {
  ApiErrorResponses,
  JSON_BODY_ERRORS,
  PARTNER_RATE_LIMIT_HEADERS,
} from '../common/openapi/error-responses.js';
import { ApiJsonBody } from '../common/openapi/request-bodies.js';
import { PartnerTipStatus } from './partner-tip-status.query.js';
import { PartnerUsage } from './partner-usage.js';
import {
  PartnerTipDto,
  PartnerTipListDto,
  PartnerUsageDto,
  SUBMIT_PARTNER_TIP_EXAMPLES,
  SubmitPartnerTipDto,
} from './partner-tip.dto.js';
import { SubmitPartnerTip } from './submit-partner-tip.use-case.js';
import { PartnerSourceRefQuery } from './partner-query.dto.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';
import { ApiUuidParam, UuidParam, type UuidPath } from '../common/uuid-param.decorator.js';

/** Another partner's tip, or a malformed id, answers exactly like an absent one. */
const TIP_ID: UuidPath = {
  name: 'id',
  description: 'The tip `id` returned at submission.',
  notFound: 'No such tip.',
};

@ApiTags('partner')
@ServedOn('partner')
@Controller('v1/partner')
export class PartnerTipsController {
  constructor(
    private readonly submitTip: SubmitPartnerTip,
    private readonly status: PartnerTipStatus,
    private readonly usage: PartnerUsage,
  ) {}

  @ApiOperation({
    summary: 'Submit a tip',
    description:
      "The public tip's fields plus `sourceRef`, `indicators`, `classification` and an optional " +
      '`signature`. Everything but the triage metadata (category, urgency, TLP, priority, ' +
      'confidence) is encrypted on arrival. `201` only after the encrypted tip is committed.\n\n' +
      '**Idempotency** (IETF draft "The Idempotency-Key HTTP Header Field"): the first answer ' +
      'is kept 24 h. A retry with the same key and body gets the same status and body with ' +
      '`Idempotent-Replayed: true` (an error answer too, except 429 and 5xx); the same key ' +
      'with another body is `422 idempotency_key_reused`; a retry while the first request ' +
      'runs is `409 idempotency_in_flight` (a retry that reaches another instance at that ' +
      'moment waits for the first and gets its answer). Retry on 409, 429 and 5xx with the ' +
      'same key.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: true,
    description:
      'A unique key per submission (a UUID is fine), 1 to 255 characters, reused unchanged ' +
      'on every retry of that submission. Keys are per partner.',
    schema: { type: 'string', minLength: 1, maxLength: 255, example: EX.otherUuid },
  })
  @ApiJsonBody(
    SubmitPartnerTipDto,
    SUBMIT_PARTNER_TIP_EXAMPLES,
    'The tip (at most 1 MiB, unknown fields refused).',
  )
  @ApiCreatedResponse({
    type: PartnerTipDto,
    description:
      'Stored, encrypted (or, with `Idempotent-Replayed: true`, the stored first answer).',
    headers: {
      'Idempotent-Replayed': {
        description: '`true` when this is the stored answer to an earlier request with this key.',
        schema: { type: 'string', enum: ['true'] },
      },
      ...PARTNER_RATE_LIMIT_HEADERS,
    },
  })
  @ApiErrorResponses(
    ...JSON_BODY_ERRORS,
    {
      status: 400,
      description:
        'Bad request: `validation_failed` (`details` names each field, e.g. ' +
        '`indicators.0.value`), `malformed_json`, or `idempotency_key_required` (no ' +
        '`Idempotency-Key` of 1 to 255 characters).',
      example: {
        code: 'validation_failed',
        message: 'The request body is invalid.',
        details: [{ field: 'indicators.0.value', problem: 'value is not a valid ipv4' }],
      },
    },
    {
      status: 409,
      description:
        'Conflict: `source_ref_conflict` (this `sourceRef` was already submitted; `details` ' +
        'names the tip) or `idempotency_in_flight` (the first request with this key is still ' +
        'running: retry after `Retry-After` seconds).',
      example: {
        code: 'source_ref_conflict',
        message: `sourceRef was already submitted as ${EX.reference} (id ${EX.uuid}).`,
        details: [{ field: 'sourceRef', problem: `already used by tip ${EX.uuid}` }],
      },
    },
    {
      status: 422,
      description:
        'Unprocessable: `idempotency_key_reused` (this key was used with a different body) or ' +
        '`signature_invalid` (the signature does not verify against your registered keys, or ' +
        'your account requires one). Nothing was stored.',
      example: { code: 'signature_invalid', message: 'This partner must sign its submissions.' },
    },
    {
      status: 503,
      description: 'No valid intake key is loaded (`intake_unavailable`). Nothing was stored.',
      example: {
        code: 'intake_unavailable',
        message:
          'Tips cannot be accepted right now: no valid intake key is loaded. Nothing was stored.',
      },
    },
  )
  @PartnerScope('tips:submit')
  @Post('tips')
  async submit(
    @CurrentPartner() partner: PartnerPrincipal,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Body() body: SubmitPartnerTipDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<unknown> {
    if (idempotencyKey === undefined || idempotencyKey.length < 1 || idempotencyKey.length > 255) {
      throw new AppError(
        'idempotency_key_required',
        400,
        'An Idempotency-Key header of 1 to 255 characters is required.',
      );
    }
    const result = await this.submitTip.execute(partner, idempotencyKey, body);
    void reply.status(result.status);
    if (result.replayed) void reply.header('Idempotent-Replayed', 'true');
    return result.body;
  }

  @ApiOperation({
    summary: 'Find a tip by sourceRef',
    description: 'Your own tips only. An empty list when none has this `sourceRef`.',
  })
  @ApiOkResponse({
    type: PartnerTipListDto,
    description: 'At most one tip.',
    headers: PARTNER_RATE_LIMIT_HEADERS,
  })
  @ApiErrorResponses(400)
  @PartnerScope('tips:read')
  @Get('tips')
  async findBySourceRef(
    @CurrentPartner() partner: PartnerPrincipal,
    @Query() query: PartnerSourceRefQuery,
  ): Promise<PartnerTipListDto> {
    return this.status.bySourceRef(partner.partnerId, query.sourceRef);
  }

  @ApiOperation({
    summary: 'Get a tip',
    description:
      "Your own tips only: another partner's tip answers exactly like an absent one (`404`).",
  })
  @ApiUuidParam(TIP_ID)
  @ApiOkResponse({
    type: PartnerTipDto,
    description: "The tip's public status.",
    headers: PARTNER_RATE_LIMIT_HEADERS,
  })
  @ApiErrorResponses({
    status: 404,
    description: 'No such tip of yours (`not_found`).',
    example: { code: 'not_found', message: 'No such tip.' },
  })
  @PartnerScope('tips:read')
  @Get('tips/:id')
  async findOne(
    @CurrentPartner() partner: PartnerPrincipal,
    @UuidParam(TIP_ID) id: string,
  ): Promise<PartnerTipDto> {
    return this.status.byId(partner.partnerId, id, TIP_ID.notFound);
  }

  @ApiOperation({
    operationId: 'PartnerTips_usage',
    summary: 'Limits and usage',
    description:
      "This key's requests this minute and the partner's tips today (UTC), with the limits.",
  })
  @ApiOkResponse({
    type: PartnerUsageDto,
    description: 'Usage and limits.',
    headers: PARTNER_RATE_LIMIT_HEADERS,
  })
  @PartnerScope('tips:read')
  @Get('usage')
  show(@CurrentPartner() partner: PartnerPrincipal): Promise<PartnerUsageDto> {
    return this.usage.of(partner);
  }
}
