import { Body, Post } from '@nestjs/common';
import type { StaffActor } from '../../common/auth/actor.js';
import { Actor } from '../../common/auth/access.decorators.js';
import { StaffRoute } from '../../common/route.decorator.js';
import { StaffController } from '../../common/staff-controller.decorator.js';
import { UuidParam } from '../../common/uuid-param.decorator.js';
import { RecordTipExport } from './record-export.use-case.js';
import { TIP_ID } from './tip-id.param.js';
import { RecordTipExportDto, TipExportRecordDto } from './tip-export.dto.js';

/** A malformed id is simply not found, as on every tip route. */
@StaffController('triage', 'v1/triage/tips')
export class TipExportsController {
  constructor(private readonly recordExport: RecordTipExport) {}

  @StaffRoute({
    roles: ['analyst', 'lead'],
    summary: 'Record an export of a tip',
    description:
      "Exports (STIX, MISP, TheHive) are made by `tipctl` on the analyst's machine after local " +
      'decryption; it records each one here first. Audited (format, target, destination host, ' +
      'whether the narrative is included; never content). A push of a TLP:RED tip is refused.',
    params: [TIP_ID],
    body: {
      type: RecordTipExportDto,
      examples: {
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
      },
    },
    created: { type: TipExportRecordDto, description: 'Recorded in the audit trail.' },
    errors: [
      {
        status: 409,
        description: 'A push of a TLP:RED tip (`export_refused`).',
        example: {
          code: 'export_refused',
          message:
            'A TLP:RED tip is not pushed to another system; lower its TLP first if it may be shared.',
        },
      },
    ],
  })
  @Post(':id/exports')
  record(
    @UuidParam(TIP_ID) id: string,
    @Body() body: RecordTipExportDto,
    @Actor() by: StaffActor,
  ): Promise<TipExportRecordDto> {
    return this.recordExport.execute(id, body, by);
  }
}
