export const id = 268;
export const ids = [268,231,994];
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
    ...summary.STATUS_LABEL,
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
    await (0,summary.write)(markdown);
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
    if (body.length <= comment/* COMMENT_LIMIT */.W)
        return body;
    const plain = body.replace(/```mermaid\n[\s\S]*?\n```\n\n?/g, '');
    if (plain.length <= comment/* COMMENT_LIMIT */.W)
        return plain;
    const note = '\n\n… (cut to fit a comment; the whole table is in the step summary and aggregate.json)\n';
    return plain.slice(0, comment/* COMMENT_LIMIT */.W - note.length) + note;
}
async function sweepMode(options) {
    const api = new client/* RuntimeApi */.n(options.runtimeApi.url, options.runtimeApi.apiKey);
    const entries = await sweepRuntimes(api, { prefix: (0,naming/* sessionPrefix */.$c)(options.repository), olderThanMinutes: options.olderThanMinutes, dryRun: options.dryRun });
    await (0,summary.write)(renderSweep(entries, options.dryRun));
    const failed = entries.filter(entry => entry.action === 'failed').length;
    if (failed)
        (0,log/* fail */.fJ)(`Sweep: ${failed} runtime(s) could not be stopped.`);
}


/***/ }),

/***/ 54231:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   W: () => (/* binding */ COMMENT_LIMIT),
/* harmony export */   renderFinalComment: () => (/* binding */ renderFinalComment),
/* harmony export */   renderProgressComment: () => (/* binding */ renderProgressComment)
/* harmony export */ });
/* harmony import */ var _agent_server_describe_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(99482);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(25625);
/* harmony import */ var _run_details_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(85452);
/* harmony import */ var _sanitize_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(91211);
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(54285);





/** GitHub rejects comment bodies over 65 536 characters; keep a margin for the frame around the text. */
const COMMENT_LIMIT = 65_536;
const MESSAGE_PREVIEW_LINES = 15;
/** Room kept for the final message before the pictures are left out. */
const MIN_MESSAGE_ROOM = 8_000;
const MAX_ERROR = 5_000;
const TRUNCATED = '\n\n… (truncated; the whole message is in result.json)';
const TITLE = {
    finished: '✅ OpenHands agent finished',
    error: '❌ OpenHands agent run failed',
    stuck: '⚠️ OpenHands agent got stuck',
    timeout: '⏱️ OpenHands agent run timed out',
    budget_exceeded: '💸 OpenHands agent run stopped: budget exceeded',
    cancelled: '🚫 OpenHands agent run cancelled',
    skipped: '⏭️ OpenHands agent run skipped'
};
function renderProgressComment(marker, progress, links) {
    const lines = [marker];
    if (progress.phase === 'provisioning') {
        lines.push('### ⏳ OpenHands agent starting', '', `Provisioning the sandbox… (${(0,_log_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(progress.elapsedMs)})`);
    }
    else {
        lines.push('### ⏳ OpenHands agent running', '');
        const facts = [`**Steps:** ${progress.steps}`, `**Cost so far:** ${(0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_3__/* .formatCost */ .BD)(progress.cost)}`, `**Elapsed:** ${(0,_log_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(progress.elapsedMs)}`];
        lines.push(facts.join(' · '));
        if (progress.lastAction)
            lines.push('', `**Last action:** ${inlineCode((0,_sanitize_js__WEBPACK_IMPORTED_MODULE_2__/* .safeToPost */ .F$)(progress.lastAction))}`);
    }
    lines.push('', (0,_sanitize_js__WEBPACK_IMPORTED_MODULE_2__/* .safeToPost */ .F$)(footer(links)));
    // Text is made safe field by field: the numbers stay what they are even when a short secret matches them.
    return lines.join('\n');
}
function renderFinalComment(marker, result, links) {
    const head = [
        marker,
        `### ${TITLE[result.status]}`,
        '',
        '| Status | Cost | Tokens | Duration |',
        '|---|---|---|---|',
        `| \`${result.status}\` | ${(0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_3__/* .formatCost */ .BD)(result.cost)} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .count */ .U9)(result.prompt_tokens)} prompt · ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .count */ .U9)(result.completion_tokens)} completion · ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .count */ .U9)(result.cache_read_tokens)} cache read | ${(0,_log_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(result.duration_seconds * 1000)} |`,
        ''
    ];
    if (result.continued)
        head.push(`**${(0,_run_details_js__WEBPACK_IMPORTED_MODULE_1__/* .continuedLine */ .U4)(result)}**`, '');
    if (result.error)
        head.push(`**Error:** ${fenceIfMultiline((0,_markdown_js__WEBPACK_IMPORTED_MODULE_4__/* .clip */ .$Q)((0,_sanitize_js__WEBPACK_IMPORTED_MODULE_2__/* .safeToPost */ .F$)(result.error), MAX_ERROR))}`, '');
    if (result.status !== 'skipped')
        head.push((0,_run_details_js__WEBPACK_IMPORTED_MODULE_1__/* .renderChanges */ .O1)(result, { collapsed: true, line: true, clean: _sanitize_js__WEBPACK_IMPORTED_MODULE_2__/* .safeToPost */ .F$ }));
    const pictures = [(0,_run_details_js__WEBPACK_IMPORTED_MODULE_1__/* .renderTimeline */ .s8)(result), (0,_run_details_js__WEBPACK_IMPORTED_MODULE_1__/* .renderUsage */ .eY)(result)].join('');
    // Text is made safe field by field: the numbers stay what they are even when a short secret matches them.
    const bottom = (0,_sanitize_js__WEBPACK_IMPORTED_MODULE_2__/* .safeToPost */ .F$)(footer(links, result));
    let top = `${head.join('\n')}\n${pictures}\n`;
    // The pictures go first when room runs short: the tables and the message say the same in words.
    if (top.length + bottom.length > COMMENT_LIMIT - MIN_MESSAGE_ROOM)
        top = `${head.join('\n')}\n`;
    const message = result.final_message ? renderMessage((0,_sanitize_js__WEBPACK_IMPORTED_MODULE_2__/* .safeToPost */ .F$)(result.final_message), COMMENT_LIMIT - top.length - bottom.length) : '';
    return top + message + bottom;
}
/** The final message: short ones inline, long ones as a preview plus the whole text collapsed, cut to fit `room`. */
function renderMessage(text, room) {
    const lines = text.split('\n');
    if (lines.length <= MESSAGE_PREVIEW_LINES && text.length <= 1_500)
        return `**Final message**\n\n${quote(text)}\n\n`;
    const preview = quote(lines.slice(0, MESSAGE_PREVIEW_LINES).join('\n').slice(0, 1_500));
    const frame = `**Final message**\n\n${preview}\n\n<details><summary>Whole final message</summary>\n\n\n\n</details>\n\n`;
    return frame.replace('\n\n\n\n</details>', `\n\n${fit(text, room - frame.length)}\n\n</details>`);
}
function fit(text, room) {
    return text.length <= room ? text : `${text.slice(0, Math.max(room - TRUNCATED.length, 0))}${TRUNCATED}`;
}
function footer(links, result) {
    const parts = [links.runUrl && `[Run log](${links.runUrl})`, links.artifactUrl && `[Artifacts](${links.artifactUrl})`];
    if (result)
        parts.push(`model \`${result.llm_model}\``, `image \`${result.image}\``);
    return `<sub>${parts.filter(Boolean).join(' · ')}</sub>\n`;
}
function quote(text) {
    return text
        .split('\n')
        .map(line => `> ${line}`)
        .join('\n');
}
function inlineCode(text) {
    return `\`${text.replace(/`/g, "'").replace(/\n/g, ' ')}\``;
}
function fenceIfMultiline(text) {
    return text.includes('\n') ? `\n\n\`\`\`\n${text.replace(/```/g, "'''")}\n\`\`\`` : text;
}


/***/ }),

/***/ 39409:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   EU: () => (/* binding */ fence),
/* harmony export */   S9: () => (/* binding */ barChart),
/* harmony export */   VM: () => (/* binding */ gantt),
/* harmony export */   rL: () => (/* binding */ pie)
/* harmony export */ });
/* unused harmony exports MAX_DIAGRAM_CHARS, MAX_DIAGRAM_ITEMS */
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(54285);

/**
 * Mermaid diagrams for the step summary and comments, which GitHub renders. Each builder
 * returns undefined when the picture would be too large to read or to render (mermaid refuses
 * text over its maxTextSize, 50 000 characters): the table next to it then stands alone.
 */
/** Well below mermaid's 50 000, and small enough that a comment keeps room for the rest. */
const MAX_DIAGRAM_CHARS = 8_000;
/** Bars or tasks past this are unreadable; the table says it better. */
const MAX_DIAGRAM_ITEMS = 40;
/** A timeline; times are milliseconds from the start, shown as minutes and seconds. */
function gantt(title, sections) {
    const tasks = sections.flatMap(s => s.tasks);
    if (!tasks.length || tasks.length > MAX_DIAGRAM_ITEMS)
        return undefined;
    const end = Math.max(...tasks.map(t => t.endMs));
    // Times count from 0 (1970 to mermaid): no "today" line, which would sit decades to the right.
    const lines = ['gantt', `  title ${text(title)}`, '  dateFormat x', `  axisFormat ${end >= 3_600_000 ? '%H:%M:%S' : '%M:%S'}`, '  todayMarker off'];
    for (const section of sections) {
        if (!section.tasks.length)
            continue;
        lines.push(`  section ${text(section.name)}`);
        for (const task of section.tasks) {
            const start = Math.max(0, Math.round(task.startMs));
            // A zero-length bar is invisible: give it one millisecond.
            const stop = Math.max(start + 1, Math.round(task.endMs));
            lines.push(`  ${taskLabel(task.label)} :${task.failed ? 'crit, ' : ''}${start}, ${stop}`);
        }
    }
    return fit(lines);
}
/** A bar chart (bars and lines over the same labels); horizontal, so long names stay legible. */
function barChart(title, labels, axis, series) {
    if (!labels.length || labels.length > MAX_DIAGRAM_ITEMS || !series.length)
        return undefined;
    const max = Math.max(...series.flatMap(s => s.values));
    const lines = [
        'xychart-beta horizontal',
        `  title "${quoted(title)}"`,
        `  x-axis [${labels.map(l => `"${quoted(l)}"`).join(', ')}]`,
        // An explicit range: with every value 0, mermaid's own range would be empty.
        `  y-axis "${quoted(axis)}" 0 --> ${number(max > 0 ? max * 1.1 : 1)}`,
        ...series.map(s => `  ${s.kind} [${s.values.map(number).join(', ')}]`)
    ];
    return fit(lines);
}
/** A pie of the positive slices; undefined when fewer than two are left. */
function pie(title, slices) {
    const shown = slices.filter(s => s.value > 0);
    if (shown.length < 2 || shown.length > MAX_DIAGRAM_ITEMS)
        return undefined;
    return fit([`pie title ${text(title)}`, ...shown.map(s => `  "${quoted(s.label)}" : ${number(s.value)}`)]);
}
/** A ```mermaid block, or nothing for a diagram that was left out. */
function fence(diagram) {
    return diagram ? `\`\`\`mermaid\n${diagram}\n\`\`\`\n\n` : '';
}
function fit(lines) {
    const diagram = lines.join('\n');
    return diagram.length <= MAX_DIAGRAM_CHARS ? diagram : undefined;
}
/** Free text on a line of its own (titles, section names): one line, no comment or statement separators. */
function text(value) {
    return (value
        .replace(/[\r\n]+/g, ' ')
        .replace(/[#;%]/g, ' ')
        .replace(/\s+/g, ' ')
        .trim()
        .slice(0, 80) || '-');
}
/** Keywords that would start a gantt statement instead of a task. */
const GANTT_KEYWORDS = /^(title|section|dateformat|axisformat|tickinterval|todaymarker|excludes|includes|inclusiveenddates|topaxis|weekday|weekend|accTitle|accDescr|click)\b/i;
/** A task name: mermaid reads up to the first `:` as the name. */
function taskLabel(value) {
    const label = text(value.replace(/:/g, ' '));
    return GANTT_KEYWORDS.test(label) ? `· ${label}` : label;
}
/** Inside double quotes: no quote, no line break, no `%%` (mermaid cuts a comment out of any line). */
function quoted(value) {
    return (value
        .replace(/[\r\n%]+/g, ' ')
        .replace(/["\\]/g, "'")
        .trim()
        .slice(0, 60) || '-');
}
function number(n) {
    return Number.isFinite(n) ? String((0,_markdown_js__WEBPACK_IMPORTED_MODULE_0__/* .roundUsd */ .tE)(n)) : '0';
}


/***/ }),

/***/ 85452:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   O1: () => (/* binding */ renderChanges),
/* harmony export */   U4: () => (/* binding */ continuedLine),
/* harmony export */   a8: () => (/* binding */ changesLine),
/* harmony export */   eY: () => (/* binding */ renderUsage),
/* harmony export */   s8: () => (/* binding */ renderTimeline)
/* harmony export */ });
/* unused harmony export claimsMissingChanges */
/* harmony import */ var _agent_server_describe_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(99482);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(25625);
/* harmony import */ var _mermaid_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(39409);
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(54285);




/**
 * The parts of a run's report that both the step summary and the final comment show: the
 * changes, the timeline, and cost and tokens per turn and per LLM. Markdown, not yet sanitized.
 */
const MAX_LISTED_FILES = 100;
/** Words with which a final message says it changed something ("I fixed the parser"). */
const CLAIMS_A_CHANGE = /\b(fixed|changed|updated|modified|edited|added|created|wrote|written|implemented|removed|deleted|renamed|refactored|patched|applied|committed)\b/i;
/** ... unless the same sentence denies it ("No files were changed", "I did not modify anything"). */
const DENIES = /\b(no|not|nothing|never|none|without|didn't|haven't|wasn't|weren't)\b/i;
/** True when the final message reads as if files were changed, while the run brought back none. */
function claimsMissingChanges(result) {
    if (result.changes === null || result.changes.files.length)
        return false;
    return result.final_message.split(/[.!?\n]+/).some(sentence => CLAIMS_A_CHANGE.test(sentence) && !DENIES.test(sentence));
}
/** One line: `2 files, +12 −3`, `none`, or why they are not known. */
function changesLine(result) {
    const { changes } = result;
    if (!changes)
        return 'not collected (the run ended before they were brought back)';
    if (!changes.files.length)
        return 'none: the agent changed no files';
    const files = changes.files.length === 1 ? '1 file' : `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(changes.files.length)} files`;
    return `${files}, +${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(changes.additions)} −${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(changes.deletions)}`;
}
/** The changes: a line (unless the caller shows it), a warning when the final message claims changes that are not there, and the files. */
function renderChanges(result, options) {
    const lines = options.line ? [`**Changes:** ${changesLine(result)}`, ''] : [];
    if (claimsMissingChanges(result)) {
        lines.push("> [!WARNING]\n> The agent's final message describes changes, but the run brought back no changed files.", '');
    }
    const files = result.changes?.files ?? [];
    if (!files.length)
        return lines.join('\n');
    const rows = files
        .slice(0, MAX_LISTED_FILES)
        .map(f => `| ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .tableCell */ .xR)((0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .code */ .aY)((0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .clip */ .$Q)(options.clean(f.path), 300)))} | ${f.additions === null ? 'binary' : `+${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(f.additions)}`} | ${f.deletions === null ? '' : `−${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(f.deletions)}`} |`);
    if (files.length > MAX_LISTED_FILES)
        rows.push(`| … and ${files.length - MAX_LISTED_FILES} more | | |`);
    const table = ['| File | Added | Removed |', '|---|---:|---:|', ...rows, ''];
    if (options.collapsed)
        lines.push(`<details><summary>Changed files (${files.length})</summary>`, '', ...table, '</details>', '');
    else
        lines.push(...table);
    return lines.join('\n');
}
/** A gantt of the run's phases and, below them, the agent's turns; nothing when no phase was timed. */
function renderTimeline(result) {
    if (!result.phases.length)
        return '';
    const origin = Date.parse(result.started_at);
    const at = (iso) => Date.parse(iso) - origin;
    const phases = result.phases.map(p => ({
        label: `${p.name} (${(0,_log_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(p.duration_seconds * 1000)})`,
        startMs: at(p.started_at),
        endMs: at(p.started_at) + p.duration_seconds * 1000
    }));
    const turns = result.turns.map(t => ({
        label: `Turn ${t.turn} (${(0,_log_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(t.duration_seconds * 1000)}, ${(0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_2__/* .formatCost */ .BD)(t.cost)})`,
        startMs: at(t.started_at),
        endMs: at(t.started_at) + t.duration_seconds * 1000,
        failed: t.status !== 'finished'
    }));
    const diagram = (0,_mermaid_js__WEBPACK_IMPORTED_MODULE_3__/* .gantt */ .VM)(`Run timeline, ${(0,_log_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(result.duration_seconds * 1000)} in all`, [
        { name: 'Run', tasks: phases },
        { name: 'Agent turns', tasks: turns }
    ]);
    return diagram ? `**Timeline**\n\n${(0,_mermaid_js__WEBPACK_IMPORTED_MODULE_3__/* .fence */ .EU)(diagram)}` : '';
}
/** Cost and tokens per turn (with more than one turn) and per LLM usage id (with more than one), each a table and a chart. */
function renderUsage(result) {
    const parts = [];
    if (result.turns.length > 1) {
        parts.push('**Per turn**', '', '| Turn | Status | Cost | Prompt tokens | Completion tokens | Duration |', '|---:|---|---:|---:|---:|---:|', ...result.turns.map(t => `| ${t.turn} | \`${t.status}\` | ${(0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_2__/* .formatCost */ .BD)(t.cost)} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(t.prompt_tokens)} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(t.completion_tokens)} | ${(0,_log_js__WEBPACK_IMPORTED_MODULE_0__/* .formatDuration */ .a3)(t.duration_seconds * 1000)} |`), '', (0,_mermaid_js__WEBPACK_IMPORTED_MODULE_3__/* .fence */ .EU)((0,_mermaid_js__WEBPACK_IMPORTED_MODULE_3__/* .barChart */ .S9)('Cost per turn (USD)', result.turns.map(t => `Turn ${t.turn}`), 'USD', [{ kind: 'bar', values: result.turns.map(t => t.cost) }])));
    }
    if (result.usage.length > 1) {
        parts.push('**Per LLM**', '', '| LLM | Model | Cost | Prompt tokens | Completion tokens | Cache read |', '|---|---|---:|---:|---:|---:|', ...result.usage.map(u => `| ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .tableCell */ .xR)((0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .code */ .aY)(u.usage_id))} | ${u.model ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .tableCell */ .xR)((0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .code */ .aY)(u.model)) : '—'} | ${(0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_2__/* .formatCost */ .BD)(u.cost)} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(u.prompt_tokens)} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(u.completion_tokens)} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(u.cache_read_tokens)} |`), '', (0,_mermaid_js__WEBPACK_IMPORTED_MODULE_3__/* .fence */ .EU)((0,_mermaid_js__WEBPACK_IMPORTED_MODULE_3__/* .pie */ .rL)('Cost per LLM', result.usage.map(u => ({ label: u.usage_id, value: u.cost })))));
    }
    return parts.join('\n');
}
/** `Continued from attempt 1 · conversation $0.0123, 20,600 prompt + 410 completion tokens in all`, or '' for a new conversation. */
function continuedLine(result) {
    const c = result.continued;
    if (!c)
        return '';
    const from = c.from_attempt === null ? 'Continued conversation' : `Continued from attempt ${c.from_attempt}`;
    return `${from} · conversation ${(0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_2__/* .formatCost */ .BD)(c.conversation_cost)}, ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(c.conversation_prompt_tokens)} prompt + ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_1__/* .count */ .U9)(c.conversation_completion_tokens)} completion tokens in all (this run: ${(0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_2__/* .formatCost */ .BD)(result.cost)})`;
}


/***/ }),

/***/ 91211:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   F$: () => (/* binding */ safeToPost)
/* harmony export */ });
/* unused harmony exports redactTokenFormats, neutralizeMentions */
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(27194);

/** Well-known credential formats, removed from anything posted even when the action never saw the value. */
const TOKEN_FORMATS = [
    /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g,
    /\bgithub_pat_[A-Za-z0-9_]{60,}\b/g,
    /\bsk-(?:ant-|proj-)?[A-Za-z0-9_-]{20,}/g,
    /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g,
    /\bxox[abposr]-[A-Za-z0-9-]{10,}/g,
    /\bAIza[0-9A-Za-z_-]{35}\b/g,
    /\beyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}/g,
    /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g
];
function redactTokenFormats(text) {
    return TOKEN_FORMATS.reduce((out, pattern) => out.replace(pattern, '***'), text);
}
/**
 * `@name` becomes `@\u200Dname`: it reads the same but mentions nobody, so a comment cannot
 * page people or re-trigger a workflow listening for a mention (as the OpenHands SDK does).
 */
function neutralizeMentions(text) {
    return text.replace(/@(?=[A-Za-z0-9])/g, '@\u200D');
}
/** Text from the agent or the run, made safe to post: known secrets, token formats, mentions. */
function safeToPost(text) {
    return neutralizeMentions(redactTokenFormats((0,_secrets_js__WEBPACK_IMPORTED_MODULE_0__/* .redact */ .E$)(text)));
}


/***/ }),

/***/ 57994:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

__webpack_require__.r(__webpack_exports__);
/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   STATUS_LABEL: () => (/* binding */ STATUS_LABEL),
/* harmony export */   renderSummary: () => (/* binding */ renderSummary),
/* harmony export */   write: () => (/* binding */ write),
/* harmony export */   writeInputErrorSummary: () => (/* binding */ writeInputErrorSummary),
/* harmony export */   writeStepSummary: () => (/* binding */ writeStepSummary)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77094);
/* harmony import */ var _agent_server_describe_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(99482);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(25625);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(27194);
/* harmony import */ var _run_details_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(85452);
/* harmony import */ var _markdown_js__WEBPACK_IMPORTED_MODULE_5__ = __webpack_require__(54285);






/** How each status reads in tables, summaries and comments. */
const STATUS_LABEL = {
    finished: '✅ finished',
    error: '❌ error',
    stuck: '⚠️ stuck',
    timeout: '⏱️ timeout',
    budget_exceeded: '💸 budget exceeded',
    cancelled: '🚫 cancelled',
    skipped: '⏭️ skipped'
};
/** The run as a markdown table, with the error and the final message below it. */
function renderSummary(result) {
    const rows = [
        ['Status', STATUS_LABEL[result.status]],
        ['Cost', (0,_agent_server_describe_js__WEBPACK_IMPORTED_MODULE_4__/* .formatCost */ .BD)(result.cost)],
        ['Tokens', `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .count */ .U9)(result.prompt_tokens)} prompt, ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .count */ .U9)(result.completion_tokens)} completion, ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .count */ .U9)(result.cache_read_tokens)} cache read`],
        ['Duration', (0,_log_js__WEBPACK_IMPORTED_MODULE_1__/* .formatDuration */ .a3)(result.duration_seconds * 1000)],
        ['Changes', result.status === 'skipped' ? '—' : (0,_run_details_js__WEBPACK_IMPORTED_MODULE_3__/* .changesLine */ .a8)(result)],
        ['Events', String(result.event_count)],
        ['Image', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(result.image))],
        ['Model', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(result.llm_model))],
        ['Runtime', result.runtime_id ? `${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(result.runtime_id))} (session ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(result.session_id))})` : '—'],
        ['Conversation', result.conversation_id ? (0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .code */ .aY)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(result.conversation_id)) : '—']
    ];
    // Text is redacted field by field: the numbers stay what they are even when a short secret matches them.
    const lines = ['## OpenHands agent run', '', '| | |', '|---|---|', ...rows.map(([k, v]) => `| ${k} | ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .tableCell */ .xR)(v)} |`), ''];
    if (result.continued)
        lines.push(`**${(0,_run_details_js__WEBPACK_IMPORTED_MODULE_3__/* .continuedLine */ .U4)(result)}**`, '');
    if (result.error)
        lines.push(`**Error:** ${(0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .escapeHtml */ .ZD)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(result.error))}`, '');
    // The changes, timeline and charts are built from the action's own values and escaped file names, not from the agent's prose.
    if (result.status !== 'skipped')
        lines.push((0,_run_details_js__WEBPACK_IMPORTED_MODULE_3__/* .renderChanges */ .O1)(result, { collapsed: false, line: false, clean: _secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$ }), (0,_run_details_js__WEBPACK_IMPORTED_MODULE_3__/* .renderTimeline */ .s8)(result), (0,_run_details_js__WEBPACK_IMPORTED_MODULE_3__/* .renderUsage */ .eY)(result));
    if (result.final_message) {
        lines.push('<details><summary>Final message</summary>', '', (0,_markdown_js__WEBPACK_IMPORTED_MODULE_5__/* .escapeHtml */ .ZD)((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(result.final_message)), '', '</details>', '');
    }
    return lines.join('\n');
}
/** Writes the summary to the job's step summary; skipped quietly outside a runner. */
async function writeStepSummary(result) {
    await write(renderSummary(result));
}
/** The summary of a run that never started: invalid inputs, or a fork pull request. */
async function writeInputErrorSummary(message) {
    const headline = message.startsWith('Not running:') ? '⏭️ Not started.' : '❌ Not started: the inputs are invalid.';
    await write((0,_secrets_js__WEBPACK_IMPORTED_MODULE_2__/* .redact */ .E$)(`## OpenHands agent run\n\n${headline}\n\n\`\`\`\n${message}\n\`\`\`\n`));
}
/** Appends markdown (already redacted) to the job's step summary; skipped quietly outside a runner. */
async function write(markdown) {
    if (!process.env.GITHUB_STEP_SUMMARY)
        return;
    try {
        await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.addRaw(markdown, true).write();
    }
    catch (err) {
        (0,_log_js__WEBPACK_IMPORTED_MODULE_1__/* .warning */ .$e)(`Could not write the step summary: ${err.message}`);
    }
    finally {
        _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .summary */ .z.emptyBuffer();
    }
}


/***/ })

};
