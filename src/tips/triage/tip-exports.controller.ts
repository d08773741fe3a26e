import { Body, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import type { StaffActor } from '../../common/auth/actor.js';
import { Actor, Roles } from '../../common/auth/access.decorators.js';
import { EX } from '../../common/openapi/examples.js';
import { ApiErrorResponses, JSON_BODY_ERRORS } from '../../common/openapi/error-responses.js';
import { ApiJsonBody } from '../../common/openapi/request-bodies.js';
import { RecordTipExport } from './record-export.use-case.js';
import { RecordTipExportDto, TipExportRecordDto } from './tip-export.dto.js';
import { StaffController } from '../../common/staff-controller.decorator.js';
import { UuidParam } from '../../common/uuid-param.decorator.js';

/** A malformed id is simply not found, as on every tip route. */
@StaffController('triage', 'v1/triage/tips')
export class TipExportsController {
  constructor(private readonly recordExport: RecordTipExport) {}

  @ApiOperation({
    summary: 'Record an export of a tip',
    description:
      "Exports (STIX, MISP, TheHive) are made by `tipctl` on the analyst's machine after local " +
      'decryption; it records each one here first. Audited (format, target, destination host, ' +
      'whether the narrative is included; never content). A push of a TLP:RED tip is refused.',
  })
  @ApiParam({
    name: 'id',
    format: 'uuid',
    description: "The tip's id (not its reference); anything else is `404`.",
    example: EX.uuid,
  })
  @ApiJsonBody(RecordTipExportDto, {
    file: {
      summary: 'A STIX bundle written to a file',
      value: { format: 'stix', target: 'file', includesNarrative: false },
    },
    push: {
      summary: 'A push to TheHive',
      value: {
        format: 'thehive',
        target: 'thehive',
        destination: 'thehive.example.org',
        includesNarrative: true,
      },
    },
  })
  @ApiCreatedResponse({ type: TipExportRecordDto, description: 'Recorded in the audit trail.' })
  @ApiErrorResponses(
    ...JSON_BODY_ERRORS,
    {
      status: 404,
      description: 'No such tip (`not_found`).',
      example: { code: 'not_found', message: 'No such tip.' },
    },
    {
      status: 409,
      description: 'A push of a TLP:RED tip (`export_refused`).',
      example: {
        code: 'export_refused',
        message:
          'A TLP:RED tip is not pushed to another system; lower its TLP first if it may be shared.',
      },
    },
  )
  @Roles('analyst', 'lead')
  @Post(':id/exports')
  @HttpCode(201)
  record(
    @UuidParam('id', 'No such tip.') id: string,
    @Body() body: RecordTipExportDto,
    @Actor() by: StaffActor,
  ): Promise<TipExportRecordDto> {
    return this.recordExport.execute(id, body, by);
  }
}
