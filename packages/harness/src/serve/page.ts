/**
 * The live page `prunebench serve` sends: plain HTML and a script that follows the server's
 * `snapshot` events (EventSource) and draws each study — state and counts, every run's status,
 * the loss curve of each run in flight, the results table per budget and Figure 2 — with
 * vega-embed for the charts (served from the installed packages, nothing from the internet).
 */
export const LIVE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>prunebench — live</title>
<script src="/vendor/vega.min.js"></script>
<script src="/vendor/vega-lite.min.js"></script>
<script src="/vendor/vega-embed.min.js"></script>
<style>
body{font-family:system-ui,sans-serif;margin:1.5rem auto;max-width:84rem;padding:0 1rem;color:#222}
h1{font-size:1.4rem}h2{font-size:1.15rem;margin-top:2rem}
section{border-top:1px solid #ddd;padding-top:.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:right;vertical-align:middle}
td:first-child,th:first-child{text-align:left}
.state{display:inline-block;padding:0 .5rem;border-radius:.6rem;font-size:.85rem;margin-left:.5rem}
.state-running{background:#dbeafe}.state-done{background:#dcfce7}.state-stopped{background:#fef3c7}
.status-running{color:#1d4ed8;font-weight:600}.status-failed,.status-diverged{color:#b91c1c}.status-waiting{color:#888}
.muted{color:#666}#connection{float:right;font-size:.85rem}
</style>
</head>
<body>
<span id="connection" class="muted">connecting…</span>
<h1>prunebench — live</h1>
<p id="folders" class="muted"></p>
<p id="queue" class="muted"></p>
<div id="studies"><p class="muted">Looking for studies…</p></div>
<script>
const pct = (v) => (100 * v).toFixed(2);
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function lossSpec(run) {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json', width: 180, height: 40, background: 'transparent',
    data: { values: run.loss.map(([step, loss]) => ({ step, loss })) },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: { x: { field: 'step', type: 'quantitative', axis: null }, y: { field: 'loss', type: 'quantitative', axis: null, scale: { zero: false } }, tooltip: [{ field: 'step' }, { field: 'loss', format: '.3f' }] },
  };
}

function resultsTables(study) {
  const budgets = [...new Set(study.cells.map((c) => c.budget))].sort((a, b) => a - b);
  const schedules = [...new Set(study.cells.map((c) => c.schedule))];
  const pruners = [...new Set(study.cells.map((c) => c.pruner))];
  return budgets.map((budget) => {
    const rows = pruners.map((p) => '<tr><td>' + esc(p) + '</td>' + schedules.map((s) => {
      const c = study.cells.find((x) => x.pruner === p && x.schedule === s && x.budget === budget);
      return '<td>' + (c ? pct(c.mean) + (c.n > 1 ? ' ± ' + pct(c.std) : '') + ' <span class="muted">(n=' + c.n + ')</span>' : '–') + '</td>';
    }).join('') + '</tr>').join('');
    return '<table data-results="' + budget + '"><caption>' + budget + '-epoch budget: test top-1 %, mean ± std over seeds</caption><thead><tr><th>pruner</th>' +
      schedules.map((s) => '<th>' + esc(s) + '</th>').join('') + '</tr></thead><tbody>' + rows + '</tbody></table>';
  }).join('');
}

function studyHtml(study, i) {
  const c = study.counts;
  const queue = study.queue ? '<p data-queue>queue: ' + study.queue.queued + ' queued, ' + study.queue.running + ' running, ' + study.queue.done + ' done, ' + study.queue.failed + ' failed</p>' : '';
  const runs = study.runs.map((r, k) => {
    const progress = r.status === 'running' && r.totalSteps ? 'step ' + r.step + '/' + r.totalSteps + ' (' + Math.round(100 * r.step / r.totalSteps) + '%), epoch ' + r.epoch : r.top1 !== undefined ? 'test top-1 ' + pct(r.top1) + '%' : '';
    const curve = r.status === 'running' && r.loss && r.loss.length > 1 ? '<div id="loss-' + i + '-' + k + '"></div>' : '';
    return '<tr data-run="' + esc(r.id) + '"><td>' + esc(r.label) + '</td><td class="status-' + esc(r.status) + '" data-status="' + esc(r.status) + '">' + esc(r.status) + '</td><td>' + progress + '</td><td>' + curve + '</td></tr>';
  }).join('');
  return '<section data-study="' + esc(study.key) + '" data-state="' + study.state + '">' +
    '<h2>' + esc(study.key) + ' <span class="muted">(' + esc(study.title) + ')</span><span class="state state-' + study.state + '">' + study.state + '</span></h2>' +
    '<p data-counts data-ended="' + c.ended + '" data-total="' + c.total + '">' + c.ended + ' of ' + c.total + ' runs ended (' + c.finished + ' finished, ' + c.failed + ' failed or not run), ' + c.running + ' running, ' + c.waiting + ' waiting' + (study.phase ? ' — ' + esc(study.phase) : '') + '</p>' +
    queue +
    (study.cells.length ? '<h3>Results</h3>' + resultsTables(study) : '<p class="muted">No retraining result yet.</p>') +
    (study.figure ? '<div id="figure-' + i + '"></div>' : '') +
    '<details open><summary>Runs</summary><table><thead><tr><th>run</th><th>status</th><th>progress</th><th>loss</th></tr></thead><tbody>' + runs + '</tbody></table></details>' +
    '</section>';
}

function embed(id, spec) {
  const el = document.getElementById(id);
  if (!el) return;
  vegaEmbed(el, spec, { actions: false, renderer: 'svg' }).catch((e) => { el.textContent = 'figure: ' + e.message; });
}

function render(snapshot) {
  document.getElementById('folders').textContent = 'Folders: ' + snapshot.folders.join(', ');
  document.getElementById('queue').textContent = snapshot.queue ? 'Queue ' + snapshot.queue.url + (snapshot.queue.error ? ': ' + snapshot.queue.error : '') : '';
  const root = document.getElementById('studies');
  if (!snapshot.studies.length) { root.innerHTML = '<p class="muted">No study under these folders yet (a study is a folder with a study.json: start one with prunebench run --out DIR).</p>'; return; }
  root.innerHTML = snapshot.studies.map(studyHtml).join('');
  snapshot.studies.forEach((study, i) => {
    if (study.figure) embed('figure-' + i, study.figure);
    study.runs.forEach((r, k) => { if (r.status === 'running' && r.loss && r.loss.length > 1) embed('loss-' + i + '-' + k, lossSpec(r)); });
  });
  document.body.dataset.updated = String(Date.now());
}

const events = new EventSource('/api/events');
events.addEventListener('snapshot', (e) => { document.getElementById('connection').textContent = 'live'; render(JSON.parse(e.data)); });
events.onerror = () => { document.getElementById('connection').textContent = 'reconnecting…'; };
</script>
</body>
</html>
`;
