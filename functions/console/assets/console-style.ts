/**
 * The console's one stylesheet, `GET /console/app.css`: served from the
 * stack itself (no CDN, so the console works with no internet access), and
 * a file rather than inline styles, which the Content-Security-Policy
 * forbids. Status colours come with a text badge, never colour alone.
 *
 * @example
 * const answer = { statusCode: 200, headers: { 'content-type': 'text/css; charset=utf-8' }, body: consoleStyle };
 */
const consoleStyle = `:root { color-scheme: light; --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --line: #d0d7de; --muted: #57606a; --focus: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1f2328; background: #f6f8fa; }
header { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; padding: .6rem 1.2rem; background: #24292f; color: #fff; }
.brand { font-weight: 600; }
nav { display: flex; flex-wrap: wrap; gap: .25rem; flex: 1; }
nav a { color: #fff; text-decoration: none; padding: .3rem .6rem; border-radius: 6px; }
nav a[aria-current=page] { background: #57606a; }
nav a:hover { text-decoration: underline; }
main, #signin { max-width: 72rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
#signin { max-width: 28rem; }
#signin input { width: 100%; margin: .3rem 0 .8rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.15rem; margin: 1.5rem 0 .6rem; }
h3 { font-size: 1rem; margin: 0 0 .5rem; display: flex; justify-content: space-between; gap: .5rem; }
a { color: #0969da; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
button { font: inherit; padding: .35rem .8rem; border: 1px solid var(--line); border-radius: 6px; background: #fff; cursor: pointer; }
button:hover { background: #f3f4f6; }
button[disabled] { opacity: .6; cursor: wait; }
header button { background: transparent; color: #fff; border-color: #57606a; }
input, select, textarea { font: inherit; padding: .3rem .45rem; border: 1px solid #8c959f; border-radius: 6px; background: #fff; }
textarea { width: 100%; font-family: ui-monospace, monospace; font-size: .85rem; }
[aria-invalid=true] { border-color: var(--bad); outline: 1px solid var(--bad); }
.muted { color: var(--muted); }
.error { color: var(--bad); }
.error:empty { display: none; }
#notice { max-width: 72rem; margin: .5rem auto 0; padding: 0 1.2rem; font-weight: 500; }
#notice:empty { display: none; }
.badge { display: inline-block; padding: 0 .5rem; border-radius: 1rem; font-size: .8rem; font-weight: 600; border: 1px solid currentColor; color: var(--muted); }
.status-ok, .status-healthy, .status-resolved, .status-delivered, .status-applied { color: var(--ok); }
.status-warning, .status-degraded, .status-pending, .status-escalated { color: var(--warn); }
.status-error, .status-unhealthy, .status-failed, .status-rejected { color: var(--bad); }
.card .badge, .summary .badge { font-size: .85rem; }
.summary { background: #fff; border: 1px solid var(--line); border-left: 6px solid currentColor; border-radius: 8px; padding: .8rem 1rem; color: inherit; }
.summary.status-healthy { border-left-color: var(--ok); }
.summary.status-degraded { border-left-color: var(--warn); }
.summary.status-unhealthy { border-left-color: var(--bad); }
.overall { font-size: 1.2rem; margin: 0; }
.summary .figures { grid-template-columns: repeat(3, max-content minmax(5rem, 1fr)); }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(17rem, 1fr)); gap: .8rem; margin-bottom: 1rem; }
.card { background: #fff; border: 1px solid var(--line); border-top: 4px solid var(--line); border-radius: 8px; padding: .8rem; color: inherit; }
.card.status-ok { border-top-color: var(--ok); }
.card.status-warning { border-top-color: var(--warn); }
.card.status-error { border-top-color: var(--bad); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .15rem .8rem; margin: .4rem 0; }
dt { color: var(--muted); }
dd { margin: 0; }
.issues { margin: .4rem 0; padding-left: 1.2rem; color: var(--bad); }
.chart-box { margin: .4rem 0 0; }
.chart { display: block; max-width: 100%; height: auto; }
.bar-events, .key-events { fill: #8c959f; color: #57606a; }
.bar-errors, .key-errors { fill: var(--bad); color: var(--bad); }
.axis { stroke: var(--line); }
figcaption { font-size: .8rem; color: var(--muted); }
table { width: 100%; border-collapse: collapse; background: #fff; margin: .5rem 0 1rem; }
caption { text-align: left; font-weight: 600; padding: .3rem 0; }
th, td { text-align: left; vertical-align: top; padding: .35rem .5rem; border-bottom: 1px solid var(--line); overflow-wrap: anywhere; }
thead th { background: #f6f8fa; }
td.changed { background: #fff8c5; }
tr.overlap th { color: var(--warn); }
fieldset.choice { border: 0; margin: 0; padding: 0; display: flex; gap: .8rem; }
.actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.field { margin-bottom: .9rem; }
.field label { display: block; font-weight: 600; }
.field p { margin: .15rem 0; font-size: .85rem; }
form.inline { display: flex; flex-wrap: wrap; gap: .5rem; align-items: center; margin-bottom: 1rem; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
`;

export { consoleStyle };
