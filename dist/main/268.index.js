export const id = 268;
export const ids = [268];
export const modules = {

/***/ 33268:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  aggregateMode: () => (/* binding */ aggregateMode),
  fitComment: () => (/* binding */ fitComment),
  sweepMode: () => (/* binding */ sweepMode)
});

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(73024);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(76760);
// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 13 modules
var core = __webpack_require__(77094);
// EXTERNAL MODULE: ./src/agent-server/describe.ts
var describe = __webpack_require__(99482);
// EXTERNAL MODULE: ./src/github/sticky-comment.ts
var sticky_comment = __webpack_require__(7648);
// EXTERNAL MODULE: ./src/naming.ts
var naming = __webpack_require__(28499);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(25625);
// EXTERNAL MODULE: ./src/report/artifacts.ts
var artifacts = __webpack_require__(5825);
// EXTERNAL MODULE: ./src/report/comment.ts
var comment = __webpack_require__(54231);
// EXTERNAL MODULE: ./src/report/outputs.ts
var outputs = __webpack_require__(65468);
// EXTERNAL MODULE: ./src/report/summary.ts
var summary = __webpack_require__(57994);
// EXTERNAL MODULE: ./src/runtime/client.ts
var client = __webpack_require__(53153);
// EXTERNAL MODULE: ./src/timing.ts
var timing = __webpack_require__(18117);
// EXTERNAL MODULE: external "node:fs/promises"
var promises_ = __webpack_require__(51455);
// EXTERNAL MODULE: ./node_modules/@actions/glob/lib/glob.js + 17 modules
var glob = __webpack_require__(43324);
// EXTERNAL MODULE: ./src/conversation/outcome.ts
var outcome = __webpack_require__(14231);
// EXTERNAL MODULE: ./src/report/result.ts
var result = __webpack_require__(65781);
// EXTERNAL MODULE: ./src/report/sanitize.ts
var sanitize = __webpack_require__(91211);
// EXTERNAL MODULE: ./src/report/mermaid.ts
var mermaid = __webpack_require__(39409);
;// CONCATENATED MODULE: ./src/modes/aggregate-charts.ts

/**
 * The matrix as pictures, next to its table: cost per cell, and each cell's run time as a bar,
 * red when the cell did not finish. Left out (the table alone) when there are too many cells.
 */
function renderAggregateCharts(aggregate) {
    const { cells } = aggregate;
    if (!cells.length)
        return '';
    const cost = (0,mermaid/* barChart */.S9)('Cost per cell (USD)', cells.map(c => c.cell), 'USD', [{ kind: 'bar', values: cells.map(c => c.cost) }]);
    const outcome = (0,mermaid/* gantt */.VM)('Cells: run time, red when not finished', [
        {
            name: `${aggregate.totals.finished} of ${aggregate.totals.cells} finished`,
            tasks: cells.map(c => ({ label: `${c.cell} (${c.status})`, startMs: 0, endMs: c.durationSeconds * 1000, failed: c.status !== 'finished' }))
        }
    ]);
    return (0,mermaid/* fence */.EU)(cost) + (0,mermaid/* fence */.EU)(outcome);
}

;// CONCATENATED MODULE: ./src/modes/aggregate-types.ts
/** The shapes of aggregate.json: the matrix's cells and, against a baseline, what changed. */
/** Bumped on any incompatible change to aggregate.json (2: `comparison`); JSON Schema in schemas/aggregate.schema.json. */
const AGGREGATE_SCHEMA_VERSION = 2;

// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(54285);
;// CONCATENATED MODULE: ./src/modes/aggregate.ts













const STATUSES = new Set(outcome/* RUN_STATUSES */.LV);
const ATTEMPT_SUFFIX = /-attempt-(\d+)$/;
/** Reads every result.json that `patterns` (globs, relative to `cwd`) match; never throws on a bad file. */
async function aggregateResults(options) {
    const files = await findFiles(options.patterns, options.cwd);
    const found = await Promise.all(nameCells(files, options.cwd).map(({ cell, file }) => readCell(cell, file)));
    const latest = new Map();
    for (const result of found) {
        const attempt = Number(ATTEMPT_SUFFIX.exec(result.cell)?.[1] ?? 1);
        const cell = result.cell.replace(ATTEMPT_SUFFIX, '');
        const seen = latest.get(cell);
        if (!seen || attempt > seen.attempt)
            latest.set(cell, { attempt, result: { ...result, cell } });
    }
    const cells = [...latest.values()].map(({ result }) => result);
    for (const name of new Set(options.expectedCells.map(c => c.trim()).filter(Boolean))) {
        if (!latest.has(name))
            cells.push(missingCell(name));
    }
    cells.sort((a, b) => a.cell.localeCompare(b.cell, 'en', { numeric: true }));
    return summarise(cells);
}
/** Markdown for the step summary or a comment: a heading, one table, a totals line. */
function renderAggregate(aggregate) {
    const { totals } = aggregate;
    const lines = [
        '## OpenHands matrix results',
        '',
        '| Cell | Status | Cost | Prompt tokens | Completion tokens | Duration | Error |',
        '|---|---|---:|---:|---:|---:|---|'
    ];
    for (const c of aggregate.cells) {
        const missing = c.status === 'missing';
        const row = [
            (0,markdown/* code */.aY)(c.cell),
            label(c.status),
            missing ? '—' : (0,describe/* formatCost */.BD)(c.cost),
            missing ? '—' : count(c.promptTokens),
            missing ? '—' : count(c.completionTokens),
            missing ? '—' : (0,log/* formatDuration */.a3)(c.durationSeconds * 1000),
            c.error ? (0,markdown/* escapeHtml */.ZD)((0,markdown/* clip */.$Q)(c.error, 200)) : ''
        ];
        lines.push(`| ${row.map(markdown/* tableCell */.xR).join(' | ')} |`);
    }
    if (!aggregate.cells.length)
        lines.push('| _no result.json found_ | | | | | | |');
    const failed = totals.missing ? `${totals.failed} failed (${totals.missing} missing)` : `${totals.failed} failed`;
    const perSuccess = aggregate.cost_per_success === null ? '—' : (0,describe/* formatCost */.BD)(aggregate.cost_per_success);
    lines.push('', `**${totals.cells} cells:** ${totals.finished} finished, ${failed} · **success rate** ${(aggregate.success_rate * 100).toFixed(1)}% · ` +
        `**cost** ${(0,describe/* formatCost */.BD)(totals.cost)} (${perSuccess} per success) · **tokens** ${count(totals.prompt_tokens)} prompt, ${count(totals.completion_tokens)} completion · ` +
        `**run time** ${(0,log/* formatDuration */.a3)(totals.duration_seconds * 1000)} summed over cells`, '', renderAggregateCharts(aggregate));
    return (0,sanitize/* safeToPost */.F$)(lines.join('\n'));
}
function writeAggregate(aggregate, file) {
    (0,external_node_fs_.writeFileSync)(file, `${JSON.stringify(aggregate, null, 2)}\n`);
}
async function findFiles(patterns, cwd) {
    // @actions/glob resolves relative patterns against process.cwd(); anchor them at cwd instead.
    const anchored = patterns
        .map(p => p.trim())
        .filter(Boolean)
        .map(p => {
        const negated = /^!+/.exec(p)?.[0] ?? '';
        const rest = p.slice(negated.length);
        return (0,external_node_path_.isAbsolute)(rest) ? p : `${negated}${globEscape((0,external_node_path_.resolve)(cwd))}/${rest}`;
    });
    if (!anchored.length)
        return [];
    const globber = await glob/* create */.v(anchored.join('\n'), { matchDirectories: false, implicitDescendants: false });
    return (await globber.glob()).sort();
}
function globEscape(path) {
    return path.replace(/\[/g, '[[]').replace(/\?/g, '[?]').replace(/\*/g, '[*]');
}
function nameCells(files, cwd) {
    const named = files.map(file => ({ cell: (0,external_node_path_.basename)((0,external_node_path_.dirname)(file)), file }));
    const taken = new Map();
    for (const { cell } of named)
        taken.set(cell, (taken.get(cell) ?? 0) + 1);
    return named.map(({ cell, file }) => {
        if (taken.get(cell) === 1)
            return { cell, file };
        const path = (0,external_node_path_.relative)(cwd, file).split('\\').join('/');
        return { cell: path.replace(/\/result\.json$/, '') || path, file };
    });
}
async function readCell(cell, file) {
    let data;
    try {
        data = JSON.parse(await (0,promises_.readFile)(file, 'utf8'));
    }
    catch (err) {
        const reason = err instanceof SyntaxError ? `not JSON (${err.message})` : `cannot be read (${err.code ?? err.message})`;
        return invalidCell(cell, file, `result.json ${reason}`);
    }
    const problem = resultProblem(data);
    if (problem)
        return invalidCell(cell, file, `result.json ${problem}`);
    const result = data;
    return {
        cell,
        file,
        status: result.status,
        cost: result.cost,
        promptTokens: result.prompt_tokens,
        completionTokens: result.completion_tokens,
        durationSeconds: result.duration_seconds,
        error: result.status === 'finished' ? null : typeof result.error === 'string' && result.error ? result.error : `status ${result.status}`
    };
}
/** What makes a document unusable as a result.json; the fields the table needs, not the whole schema. */
function resultProblem(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data))
        return 'is not a JSON object';
    const r = data;
    // Version 2 only added fields: cells of an older action version still count.
    if (r.schema_version !== 1 && r.schema_version !== result/* RESULT_SCHEMA_VERSION */.tS)
        return `has schema_version ${JSON.stringify(r.schema_version) ?? 'missing'}, expected 1 or ${result/* RESULT_SCHEMA_VERSION */.tS}`;
    if (typeof r.status !== 'string' || !STATUSES.has(r.status))
        return `has an unknown status ${JSON.stringify(r.status) ?? '(none)'}`;
    for (const field of ['cost', 'prompt_tokens', 'completion_tokens', 'duration_seconds']) {
        const value = r[field];
        if (typeof value !== 'number' || !Number.isFinite(value) || value < 0)
            return `has no valid ${field} (${JSON.stringify(value) ?? 'missing'})`;
    }
    return undefined;
}
function invalidCell(cell, file, error) {
    return { cell, file, status: 'invalid', cost: 0, promptTokens: 0, completionTokens: 0, durationSeconds: 0, error };
}
function missingCell(cell) {
    return {
        cell,
        file: null,
        status: 'missing',
        cost: 0,
        promptTokens: 0,
        completionTokens: 0,
        durationSeconds: 0,
        error: 'no result.json: the cell never reported'
    };
}
function summarise(cells) {
    const sum = (pick) => cells.reduce((total, c) => total + pick(c), 0);
    const finished = cells.filter(c => c.status === 'finished').length;
    const cost = round(sum(c => c.cost), 6);
    return {
        schema_version: AGGREGATE_SCHEMA_VERSION,
        cells,
        totals: {
            cells: cells.length,
            finished,
            failed: cells.length - finished,
            missing: cells.filter(c => c.status === 'missing').length,
            cost,
            prompt_tokens: sum(c => c.promptTokens),
            completion_tokens: sum(c => c.completionTokens),
            duration_seconds: round(sum(c => c.durationSeconds), 1)
        },
        success_rate: cells.length ? round(finished / cells.length, 4) : 0,
        cost_per_success: finished ? round(cost / finished, 6) : null,
        comparison: null
    };
}
const round = (n, digits) => Number(n.toFixed(digits));
const LABEL = {
    ...summary/* STATUS_LABEL */._P,
    missing: '❓ missing',
    invalid: '❌ invalid result'
};
const label = (status) => LABEL[status] ?? status;
const count = (n) => n.toLocaleString('en-US');

;// CONCATENATED MODULE: ./src/modes/baseline.ts







/**
 * A night's aggregate against a baseline (typically last night's aggregate.json): which cells
 * regressed, got fixed, appeared or vanished, and whose cost moved past a threshold.
 */
/** aggregate.json versions a baseline may have: 2 only added `comparison` to 1. */
const READABLE_VERSIONS = new Set([1, 2]);
/** The baseline that `pattern` (a path or glob, relative to `cwd`) names; the newest file when several match. */
async function readBaseline(pattern, cwd) {
    const files = await findFiles([pattern], cwd);
    if (!files.length)
        return { problem: `no file matches baseline '${pattern}'`, found: false };
    const dated = await Promise.all(files.map(async (file) => ({ file, mtime: (await (0,promises_.stat)(file)).mtimeMs })));
    const { file } = dated.sort((a, b) => b.mtime - a.mtime)[0];
    let data;
    try {
        data = JSON.parse(await (0,promises_.readFile)(file, 'utf8'));
    }
    catch (err) {
        return { problem: `${file} cannot be read as JSON (${err.message})`, found: true };
    }
    const problem = baselineProblem(data);
    return problem ? { problem: `${file} ${problem}`, found: true } : { aggregate: data, file };
}
function baselineProblem(data) {
    if (!data || typeof data !== 'object' || Array.isArray(data))
        return 'is not a JSON object';
    const d = data;
    if (!READABLE_VERSIONS.has(d.schema_version)) {
        return `has schema_version ${JSON.stringify(d.schema_version) ?? '(none)'}; this action reads aggregate.json versions ${[...READABLE_VERSIONS].join(' and ')}`;
    }
    if (!Array.isArray(d.cells))
        return 'has no cells';
    for (const cell of d.cells) {
        const numbers = ['cost', 'promptTokens', 'completionTokens', 'durationSeconds'].every(k => typeof cell?.[k] === 'number');
        if (typeof cell?.cell !== 'string' || typeof cell.status !== 'string' || !numbers)
            return `has a cell that is not one of aggregate.json (${JSON.stringify(cell).slice(0, 80)})`;
    }
    return undefined;
}
/** Compares `now` with `then`, cell by cell (by name), in `now`'s order with vanished cells last. */
function compareAggregates(now, then, options) {
    const before = new Map(then.cells.map(c => [c.cell, c]));
    const tonight = new Set(now.cells.map(c => c.cell));
    const cells = [
        ...now.cells.map(c => compareCell(c.cell, before.get(c.cell), c, options.thresholdPercent)),
        ...then.cells.filter(c => !tonight.has(c.cell)).map(c => compareCell(c.cell, c, undefined, options.thresholdPercent))
    ];
    const named = (test) => cells.filter(test).map(c => c.cell);
    return {
        baseline_file: options.baselineFile,
        cost_change_threshold_percent: options.thresholdPercent,
        regressed: named(c => c.change === 'regressed'),
        fixed: named(c => c.change === 'fixed'),
        new_cells: named(c => c.change === 'new'),
        vanished: named(c => c.change === 'vanished'),
        cost_changes: named(c => c.cost_flagged),
        totals: { then: nightTotals(then), now: nightTotals(now) },
        cells
    };
}
function compareCell(cell, then, now, thresholdPercent) {
    const side = (c) => c ? { status: c.status, cost: c.cost, tokens: c.promptTokens + c.completionTokens, duration_seconds: c.durationSeconds } : null;
    const change = !then
        ? 'new'
        : !now
            ? 'vanished'
            : then.status === 'finished' && now.status !== 'finished'
                ? 'regressed'
                : then.status !== 'finished' && now.status === 'finished'
                    ? 'fixed'
                    : 'same';
    const costChange = then && now ? baseline_round(now.cost - then.cost, 6) : null;
    const percent = then && now && then.cost > 0 ? baseline_round(((now.cost - then.cost) / then.cost) * 100, 1) : null;
    return {
        cell,
        change,
        then: side(then),
        now: side(now),
        cost_change: costChange,
        cost_change_percent: percent,
        cost_flagged: percent !== null && Math.abs(percent) > thresholdPercent
    };
}
function nightTotals(aggregate) {
    const { cells, finished, cost } = aggregate.totals;
    return { cells, finished, success_rate: aggregate.success_rate, cost };
}
/** Markdown: what changed first (regressions, fixes, new, vanished, cost changes), the totals, a chart, then every cell. */
function renderComparison(comparison) {
    const { totals } = comparison;
    const byName = new Map(comparison.cells.map(c => [c.cell, c]));
    const lines = ['## OpenHands matrix: what changed since the baseline', '', `Baseline: ${(0,markdown/* code */.aY)(comparison.baseline_file)}`, ''];
    const list = (title, names, describe) => {
        if (!names.length)
            return;
        lines.push(`**${title} (${names.length})**`, '', ...names.map(name => `- ${(0,markdown/* code */.aY)(name)}: ${describe(byName.get(name))}`), '');
    };
    list('❌ Regressed', comparison.regressed, c => `${c.then.status} → ${c.now.status}`);
    list('✅ Fixed', comparison.fixed, c => `${c.then.status} → ${c.now.status}`);
    list('🆕 New', comparison.new_cells, c => `${c.now.status}, ${(0,describe/* formatCost */.BD)(c.now.cost)}`);
    list('👻 Vanished', comparison.vanished, c => `was ${c.then.status}, ${(0,describe/* formatCost */.BD)(c.then.cost)}`);
    list(`💸 Cost changed by more than ${comparison.cost_change_threshold_percent}%`, comparison.cost_changes, c => `${costThenNow(c)}`);
    if (![comparison.regressed, comparison.fixed, comparison.new_cells, comparison.vanished, comparison.cost_changes].some(l => l.length)) {
        lines.push('No cell regressed, got fixed, appeared, vanished or changed its cost beyond the threshold.', '');
    }
    lines.push(`**Success rate** ${percent(totals.then.success_rate)} → ${percent(totals.now.success_rate)} ` +
        `(${totals.then.finished} of ${totals.then.cells} → ${totals.now.finished} of ${totals.now.cells}) · ` +
        `**total cost** ${(0,describe/* formatCost */.BD)(totals.then.cost)} → ${(0,describe/* formatCost */.BD)(totals.now.cost)}${signedPercent(totals.then.cost, totals.now.cost)}`, '', renderComparisonCharts(comparison), '| Cell | Change | Status then → now | Cost then | Cost now | Cost change | Tokens then → now | Duration then → now |', '|---|---|---|---:|---:|---:|---:|---:|');
    for (const c of comparison.cells) {
        const row = [
            (0,markdown/* code */.aY)(c.cell),
            CHANGE_LABEL[c.change],
            `${c.then?.status ?? '—'} → ${c.now?.status ?? '—'}`,
            c.then ? (0,describe/* formatCost */.BD)(c.then.cost) : '—',
            c.now ? (0,describe/* formatCost */.BD)(c.now.cost) : '—',
            c.cost_change === null
                ? '—'
                : `${c.cost_change >= 0 ? '+' : '−'}${(0,describe/* formatCost */.BD)(Math.abs(c.cost_change))}${c.cost_change_percent === null ? '' : ` (${signed(c.cost_change_percent)}%)`}${c.cost_flagged ? ' 💸' : ''}`,
            `${c.then ? baseline_count(c.then.tokens) : '—'} → ${c.now ? baseline_count(c.now.tokens) : '—'}`,
            `${c.then ? (0,log/* formatDuration */.a3)(c.then.duration_seconds * 1000) : '—'} → ${c.now ? (0,log/* formatDuration */.a3)(c.now.duration_seconds * 1000) : '—'}`
        ];
        lines.push(`| ${row.map(cell => cell.replace(/\|/g, '\\|')).join(' | ')} |`);
    }
    // A blank line ends the table before whatever follows (the night's own table).
    lines.push('', '');
    return (0,sanitize/* safeToPost */.F$)(lines.join('\n'));
}
/** Cost per cell then (line) and now (bars), and each night's cells as bars, red when not finished. */
function renderComparisonCharts(comparison) {
    const cells = comparison.cells;
    const cost = (0,mermaid/* barChart */.S9)('Cost per cell, bars tonight, line the baseline (USD)', cells.map(c => c.cell), 'USD', [
        { kind: 'bar', values: cells.map(c => c.now?.cost ?? 0) },
        { kind: 'line', values: cells.map(c => c.then?.cost ?? 0) }
    ]);
    const night = (pick) => cells.flatMap(c => {
        const side = pick(c);
        return side ? [{ label: `${c.cell} (${side.status})`, startMs: 0, endMs: side.duration_seconds * 1000, failed: side.status !== 'finished' }] : [];
    });
    const success = (0,mermaid/* gantt */.VM)('Cells then and now: run time, red when not finished', [
        { name: 'Baseline', tasks: night(c => c.then) },
        { name: 'Tonight', tasks: night(c => c.now) }
    ]);
    return (0,mermaid/* fence */.EU)(cost) + (0,mermaid/* fence */.EU)(success);
}
const CHANGE_LABEL = {
    regressed: '❌ regressed',
    fixed: '✅ fixed',
    new: '🆕 new',
    vanished: '👻 vanished',
    same: ''
};
function costThenNow(c) {
    return `${(0,describe/* formatCost */.BD)(c.then.cost)} → ${(0,describe/* formatCost */.BD)(c.now.cost)} (${signed(c.cost_change_percent)}%)`;
}
function signedPercent(then, now) {
    return then > 0 ? ` (${signed(baseline_round(((now - then) / then) * 100, 1))}%)` : '';
}
const signed = (n) => (n > 0 ? `+${n}` : n < 0 ? `−${Math.abs(n)}` : '±0');
const percent = (rate) => `${(rate * 100).toFixed(1)}%`;
const baseline_round = (n, digits) => Number(n.toFixed(digits));
const baseline_count = (n) => n.toLocaleString('en-US');

;// CONCATENATED MODULE: ./src/modes/sweep.ts


async function sweepRuntimes(api, options) {
    const now = options.now ?? Date.now();
    const ours = (await api.list()).filter(runtime => runtime.sessionId.startsWith(options.prefix));
    (0,log/* info */.pq)(`${ours.length} runtime(s) with session prefix ${options.prefix}; stopping those older than ${options.olderThanMinutes} min${options.dryRun ? ' (dry run: nothing is stopped)' : ''}.`);
    const entries = [];
    // One at a time: the Runtime API is shared, and a sweep is never in a hurry.
    for (const runtime of ours) {
        const entry = await sweepOne(api, runtime, { ...options, now });
        (0,log/* info */.pq)(`${entry.runtimeId} (session ${entry.sessionId}, ${entry.status}, ${formatAge(entry.ageMinutes)}): ${entry.action}, ${entry.reason}`);
        if (entry.action === 'failed')
            (0,log/* warning */.$e)(`Could not stop runtime ${entry.runtimeId}: ${entry.reason}`);
        entries.push(entry);
    }
    return entries;
}
async function sweepOne(api, runtime, options) {
    const startedAt = parseTimestamp(runtime.createdAt);
    const ageMinutes = startedAt === null ? null : Math.max(0, Math.round((options.now - startedAt) / 6_000) / 10);
    const entry = { runtimeId: runtime.runtimeId, sessionId: runtime.sessionId, status: runtime.status, ageMinutes };
    if (runtime.status === 'stopped')
        return { ...entry, action: 'kept', reason: 'already stopped' };
    if (ageMinutes === null)
        return { ...entry, action: 'kept', reason: 'the list gives no creation time, so its age is unknown: never stopped' };
    if (ageMinutes <= options.olderThanMinutes)
        return { ...entry, action: 'kept', reason: `not older than ${options.olderThanMinutes} min` };
    const reason = `older than ${options.olderThanMinutes} min`;
    if (options.dryRun)
        return { ...entry, action: 'would stop', reason };
    try {
        const existed = await api.stop(runtime.runtimeId);
        return { ...entry, action: 'stopped', reason: existed ? reason : `${reason}; already gone (404)` };
    }
    catch (err) {
        return { ...entry, action: 'failed', reason: (0,log/* errorMessage */.gJ)(err) };
    }
}
/**
 * Epoch ms of a list entry's timestamp: an ISO date-time (one without a zone is UTC, as
 * Python's naive utcnow() gives), or epoch seconds as a number or a numeric string.
 */
function parseTimestamp(value) {
    if (value === undefined)
        return null;
    if (typeof value === 'number' || /^\s*\d+(\.\d+)?\s*$/.test(value)) {
        const n = Number(value);
        // Seconds, as the protocol's Python side gives; a value this large can only be milliseconds.
        return Number.isFinite(n) && n > 0 ? (n > 1e11 ? n : n * 1000) : null;
    }
    const naive = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value.trim());
    const ms = Date.parse(naive ? `${value.trim()}Z` : value);
    return Number.isFinite(ms) ? ms : null;
}
/** The sweep as a markdown table for the step summary. */
function renderSweep(entries, dryRun) {
    const lines = [`## OpenHands runtime sweep${dryRun ? ' (dry run)' : ''}`, ''];
    if (!entries.length)
        return [...lines, 'No runtimes of this repository are listed.', ''].join('\n');
    lines.push('| Runtime | Session | Status | Age | Action | Reason |', '|---|---|---|---:|---|---|');
    for (const e of entries) {
        const row = [(0,markdown/* code */.aY)(e.runtimeId), (0,markdown/* code */.aY)(e.sessionId), e.status, formatAge(e.ageMinutes), ACTION_LABEL[e.action], (0,markdown/* escapeHtml */.ZD)(e.reason)];
        lines.push(`| ${row.map(markdown/* tableCell */.xR).join(' | ')} |`);
    }
    const tally = (action) => entries.filter(e => e.action === action).length;
    const done = dryRun ? `${tally('would stop')} would be stopped` : `${tally('stopped')} stopped, ${tally('failed')} failed`;
    lines.push('', `**${entries.length} runtime(s):** ${done}, ${tally('kept')} kept.`);
    if (dryRun && tally('would stop'))
        lines.push('', 'Set `sweep-dry-run: false` to stop them.');
    lines.push('');
    return lines.join('\n');
}
const ACTION_LABEL = {
    stopped: '🛑 stopped',
    'would stop': '🔎 would stop',
    kept: 'kept',
    failed: '❌ failed'
};
function formatAge(minutes) {
    if (minutes === null)
        return 'age unknown';
    if (minutes < 120)
        return `${minutes.toFixed(1)} min`;
    return `${(minutes / 60).toFixed(1)} h`;
}

;// CONCATENATED MODULE: ./src/modes/index.ts
















async function aggregateMode(options) {
    const { report, workspace } = options;
    const aggregate = await aggregateResults({ patterns: options.patterns, expectedCells: options.expectedCells, cwd: workspace });
    const baseline = options.baseline ? await compareWithBaseline(aggregate, { ...options, baseline: options.baseline }) : {};
    (0,external_node_fs_.mkdirSync)(report.outputDir, { recursive: true });
    const file = (0,external_node_path_.join)(report.outputDir, 'aggregate.json');
    writeAggregate(aggregate, file);
    core/* setOutput */.uH(outputs/* Output */.k.aggregateFile, file);
    const markdown = (aggregate.comparison ? renderComparison(aggregate.comparison) : '') + renderAggregate(aggregate);
    await (0,summary/* write */.M9)(markdown);
    const { totals } = aggregate;
    (0,log/* info */.pq)(`${totals.cells} cells: ${totals.finished} finished, ${totals.failed} failed (${totals.missing} missing); total cost ${(0,describe/* formatCost */.BD)(totals.cost)}. Written to ${file}.`);
    if (report.uploadArtifacts)
        await (0,artifacts/* uploadRunArtifact */.n)({ name: report.artifactName, files: [file], rootDirectory: report.outputDir, runUrl: report.runUrl });
    const { commentOn, repository, cellKey } = report;
    if (commentOn !== null) {
        const comment = new sticky_comment/* StickyComment */.H({ token: options.githubToken, repository, issueNumber: commentOn, marker: (0,naming/* commentMarker */.Ql)(`aggregate-${cellKey}`) });
        await (0,timing/* withDeadline */.NE)(comment.finish(fitComment(`${(0,naming/* commentMarker */.Ql)(`aggregate-${cellKey}`)}\n${markdown}`)), 30_000);
        if (comment.url)
            core/* setOutput */.uH(outputs/* Output */.k.commentUrl, comment.url);
    }
    if (baseline.failure)
        (0,log/* fail */.fJ)(baseline.failure);
}
/** Sets `aggregate.comparison`; returns the step's failure under fail-on-regression. A baseline that cannot be used only warns otherwise. */
async function compareWithBaseline(aggregate, options) {
    const { costChangeThreshold, failOnRegression } = options;
    const read = await readBaseline(options.baseline, options.workspace);
    if ('problem' in read) {
        // No baseline at all (the first night, an expired artifact) is no reason to fail; a broken one is, when asked.
        (0,log/* warning */.$e)(`Not compared with a baseline: ${read.problem}. The aggregate below is this run's alone.`);
        return read.found && failOnRegression ? { failure: `fail-on-regression: the baseline cannot be used (${read.problem}).` } : {};
    }
    const comparison = compareAggregates(aggregate, read.aggregate, { baselineFile: read.file, thresholdPercent: costChangeThreshold });
    aggregate.comparison = comparison;
    const { then, now } = comparison.totals;
    (0,log/* info */.pq)(`Compared with ${read.file}: ${comparison.regressed.length} regressed, ${comparison.fixed.length} fixed, ${comparison.new_cells.length} new, ` +
        `${comparison.vanished.length} vanished, ${comparison.cost_changes.length} cost changes over ${costChangeThreshold}%; ` +
        `success ${then.finished}/${then.cells} → ${now.finished}/${now.cells}, cost ${(0,describe/* formatCost */.BD)(then.cost)} → ${(0,describe/* formatCost */.BD)(now.cost)}.`);
    if (failOnRegression && comparison.regressed.length)
        return { failure: `Regressed against the baseline: ${comparison.regressed.join(', ')}.` };
    return {};
}
/** GitHub refuses comments over 65 536 characters: the pictures go first, then the table is cut. */
function fitComment(body) {
    if (body.length <= comment/* COMMENT_LIMIT */.W$)
        return body;
    const plain = body.replace(/```mermaid\n[\s\S]*?\n```\n\n?/g, '');
    if (plain.length <= comment/* COMMENT_LIMIT */.W$)
        return plain;
    const note = '\n\n… (cut to fit a comment; the whole table is in the step summary and aggregate.json)\n';
    return plain.slice(0, comment/* COMMENT_LIMIT */.W$ - note.length) + note;
}
async function sweepMode(options) {
    const api = new client/* RuntimeApi */.n(options.runtimeApi.url, options.runtimeApi.apiKey);
    const entries = await sweepRuntimes(api, { prefix: (0,naming/* sessionPrefix */.$c)(options.repository), olderThanMinutes: options.olderThanMinutes, dryRun: options.dryRun });
    await (0,summary/* write */.M9)(renderSweep(entries, options.dryRun));
    const failed = entries.filter(entry => entry.action === 'failed').length;
    if (failed)
        (0,log/* fail */.fJ)(`Sweep: ${failed} runtime(s) could not be stopped.`);
}


/***/ })

};
