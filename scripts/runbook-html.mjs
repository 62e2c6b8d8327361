// docs/runbook.md as the page the sidecar serves at GET /runbook (assets/runbook.html), so every
// alert's runbook_url opens a section that exists (issue 50: they pointed at a package page on a CDN
// for a version never published, 404). Rendered at build time with marked (a devDependency): the
// sidecar serves a static file and ships no Markdown renderer. Each heading's id is its text in
// lower case, words joined by "-": `## SidetoneTrunkDown` is #sidetonetrunkdown, the anchor
// src/rules/render.ts adds to runbook_url.
import { Marked } from 'marked';

/** The id of a heading: its text in lower case, runs of anything but a-z and 0-9 as one "-". */
export const headingId = (text) =>
  text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** The whole page for `markdown` (docs/runbook.md). */
export function renderRunbookHtml(markdown) {
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth, text }) {
        return `<h${depth} id="${headingId(text)}">${this.parser.parseInline(tokens)}</h${depth}>\n`;
      },
    },
  });
  const body = marked.parse(markdown, { async: false });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sidetone runbook</title>
<style>
body { font: 16px/1.5 system-ui, sans-serif; max-width: 52rem; margin: 2rem auto; padding: 0 1rem; color: #1b1b1b; }
code, pre { font: 0.9em ui-monospace, monospace; background: #f3f3f3; }
pre { padding: 0.6rem; overflow-x: auto; }
h2 { border-top: 1px solid #ddd; padding-top: 1rem; }
h2:target { background: #fff4c2; }
</style>
</head>
<body>
<!-- Generated from docs/runbook.md by scripts/runbook-html.mjs (npm run gen-docs): do not edit. -->
${body}</body>
</html>
`;
}
