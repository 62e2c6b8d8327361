/** The id of a heading: its text in lower case, runs of anything but a-z and 0-9 as one "-". */
export function headingId(text: string): string;
/** The whole page for `markdown` (docs/runbook.md). */
export function renderRunbookHtml(markdown: string): string;
