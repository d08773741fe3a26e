import { writeSync } from 'node:fs';

// Ends every run with one plain line, "tests: N passed, N failed, N skipped",
// that any CI can read whatever it knows of Jest. Written at exit so that it
// comes after Jest's own summary.
export default class SummaryReporter {
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    const line = `\ntests: ${results.numPassedTests} passed, ${failed} failed, ${skipped} skipped\n`;
    process.once('exit', () => writeSync(2, line));
  }
}
