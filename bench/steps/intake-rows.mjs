/** Every fixed-count intake run: rows added to `tip` equal the 201 answers. */

export async function intakeRows(ctx) {
  const { fmt, results, row, verdict, countTips } = ctx;
  const { intake } = ctx.state;
  // ---- intake row check (all runs) -------------------------------------------
  if (intake.rowChecks.length > 0) {
    const exact = intake.rowChecks.filter((c) => c.exact);
    const bad = exact.filter((c) => c.rows !== c.created201);
    const rowsSum = exact.reduce((a, c) => a + c.rows, 0);
    const okSum = exact.reduce((a, c) => a + c.created201, 0);
    const warm = intake.rowChecks.find((c) => !c.exact);
    results.steps.intakeRows = {
      checks: intake.rowChecks,
      totalRows: await countTips().catch(() => null),
    };
    row(
      '2 intake',
      'rows in tip vs 201 answers (fixed-count runs)',
      `${fmt(rowsSum)} rows = ${fmt(okSum)} x 201${warm ? `; warm-up (timed, stopped mid-flight) ${fmt(warm.rows)} rows / ${fmt(warm.created201)} x 201` : ''}`,
      'equal',
      verdict(bad.length === 0 && exact.length > 0),
    );
    if (bad.length > 0)
      results.errors.push({
        step: '2 intake',
        message: `row count differs from 201s: ${JSON.stringify(bad)}`,
      });
  }
}
