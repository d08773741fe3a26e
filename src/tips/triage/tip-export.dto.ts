import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { EX } from '../../common/openapi/examples.js';
import { TLP_LEVELS, type Tlp } from '../tip.entity.js';

export const EXPORT_FORMATS = ['stix', 'misp', 'thehive'] as const;
export type TipExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_TARGETS = ['file', 'stdout', 'misp', 'thehive'] as const;
export type TipExportTarget = (typeof EXPORT_TARGETS)[number];

/** Targets that send the tip to another system (refused for TLP:RED). */
export const PUSH_TARGETS: readonly TipExportTarget[] = ['misp', 'thehive'];

/** What `tipctl` is about to export, recorded before any plaintext leaves the analyst's machine. */
export class RecordTipExportDto {
  @ApiProperty({ enum: EXPORT_FORMATS, enumName: 'TipExportFormat', example: 'stix' })
  @IsIn(EXPORT_FORMATS)
  format: TipExportFormat;

  @ApiProperty({
    enum: EXPORT_TARGETS,
    enumName: 'TipExportTarget',
    description: '`file` or `stdout` on the analyst machine, or a push to `misp` or `thehive`.',
    example: 'file',
  })
  @IsIn(EXPORT_TARGETS)
  target: TipExportTarget;

  @ApiPropertyOptional({
    minLength: 1,
    maxLength: 253,
    description: 'Pushes: the host name (and port) of the receiving system, for the audit trail.',
    example: 'misp.example.org',
  })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  @Matches(/^[A-Za-z0-9.:[\]-]+$/, { message: 'destination must be a host name' })
  destination?: string;

  @ApiProperty({ description: 'Whether the narrative leaves with the export.', example: false })
  @IsBoolean()
  includesNarrative: boolean;
}

export class TipExportRecordDto {
  @ApiProperty({ format: 'uuid', example: EX.uuid })
  tipId: string;

  @ApiProperty({ example: EX.reference })
  reference: string;

  @ApiProperty({ enum: TLP_LEVELS, enumName: 'Tlp', example: 'amber' })
  tlp: Tlp;

  @ApiProperty({ format: 'date-time', example: EX.laterTime })
  recordedAt: string;
}
