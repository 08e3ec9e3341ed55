export const id = 994;
export const ids = [994];
export const modules = {

/***/ 20198:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  a8: () => (/* binding */ changesLine),
  U4: () => (/* binding */ continuedLine),
  O1: () => (/* binding */ renderChanges),
  s8: () => (/* binding */ renderTimeline),
  eY: () => (/* binding */ renderUsage)
});

// UNUSED EXPORTS: claimsMissingChanges

// EXTERNAL MODULE: ./src/agent-server/describe.ts
var describe = __webpack_require__(99482);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(25625);
// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(54285);
;// CONCATENATED MODULE: ./src/report/mermaid.ts

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
    const lines = ['gantt', `  title ${mermaid_text(title)}`, '  dateFormat x', `  axisFormat ${end >= 3_600_000 ? '%H:%M:%S' : '%M:%S'}`, '  todayMarker off'];
    for (const section of sections) {
        if (!section.tasks.length)
            continue;
        lines.push(`  section ${mermaid_text(section.name)}`);
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
    return fit([`pie title ${mermaid_text(title)}`, ...shown.map(s => `  "${quoted(s.label)}" : ${number(s.value)}`)]);
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
function mermaid_text(value) {
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
    const label = mermaid_text(value.replace(/:/g, ' '));
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
    return Number.isFinite(n) ? String((0,markdown/* roundUsd */.tE)(n)) : '0';
}

;// CONCATENATED MODULE: ./src/report/run-details.ts




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
    const files = changes.files.length === 1 ? '1 file' : `${(0,markdown/* count */.U9)(changes.files.length)} files`;
    return `${files}, +${(0,markdown/* count */.U9)(changes.additions)} −${(0,markdown/* count */.U9)(changes.deletions)}`;
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
        .map(f => `| ${(0,markdown/* tableCell */.xR)((0,markdown/* code */.aY)((0,markdown/* clip */.$Q)(options.clean(f.path), 300)))} | ${f.additions === null ? 'binary' : `+${(0,markdown/* count */.U9)(f.additions)}`} | ${f.deletions === null ? '' : `−${(0,markdown/* count */.U9)(f.deletions)}`} |`);
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
        label: `${p.name} (${(0,log/* formatDuration */.a3)(p.duration_seconds * 1000)})`,
        startMs: at(p.started_at),
        endMs: at(p.started_at) + p.duration_seconds * 1000
    }));
    const turns = result.turns.map(t => ({
        label: `Turn ${t.turn} (${(0,log/* formatDuration */.a3)(t.duration_seconds * 1000)}, ${(0,describe/* formatCost */.BD)(t.cost)})`,
        startMs: at(t.started_at),
        endMs: at(t.started_at) + t.duration_seconds * 1000,
        failed: t.status !== 'finished'
    }));
    const diagram = gantt(`Run timeline, ${(0,log/* formatDuration */.a3)(result.duration_seconds * 1000)} in all`, [
        { name: 'Run', tasks: phases },
        { name: 'Agent turns', tasks: turns }
    ]);
    return diagram ? `**Timeline**\n\n${fence(diagram)}` : '';
}
/** Cost and tokens per turn (with more than one turn) and per LLM usage id (with more than one), each a table and a chart. */
function renderUsage(result) {
    const parts = [];
    if (result.turns.length > 1) {
        parts.push('**Per turn**', '', '| Turn | Status | Cost | Prompt tokens | Completion tokens | Duration |', '|---:|---|---:|---:|---:|---:|', ...result.turns.map(t => `| ${t.turn} | \`${t.status}\` | ${(0,describe/* formatCost */.BD)(t.cost)} | ${(0,markdown/* count */.U9)(t.prompt_tokens)} | ${(0,markdown/* count */.U9)(t.completion_tokens)} | ${(0,log/* formatDuration */.a3)(t.duration_seconds * 1000)} |`), '', fence(barChart('Cost per turn (USD)', result.turns.map(t => `Turn ${t.turn}`), 'USD', [{ kind: 'bar', values: result.turns.map(t => t.cost) }])));
    }
    if (result.usage.length > 1) {
        parts.push('**Per LLM**', '', '| LLM | Model | Cost | Prompt tokens | Completion tokens | Cache read |', '|---|---|---:|---:|---:|---:|', ...result.usage.map(u => `| ${(0,markdown/* tableCell */.xR)((0,markdown/* code */.aY)(u.usage_id))} | ${u.model ? (0,markdown/* tableCell */.xR)((0,markdown/* code */.aY)(u.model)) : '—'} | ${(0,describe/* formatCost */.BD)(u.cost)} | ${(0,markdown/* count */.U9)(u.prompt_tokens)} | ${(0,markdown/* count */.U9)(u.completion_tokens)} | ${(0,markdown/* count */.U9)(u.cache_read_tokens)} |`), '', fence(pie('Cost per LLM', result.usage.map(u => ({ label: u.usage_id, value: u.cost })))));
    }
    return parts.join('\n');
}
/** `Continued from attempt 1 · conversation $0.0123, 20,600 prompt + 410 completion tokens in all`, or '' for a new conversation. */
function continuedLine(result) {
    const c = result.continued;
    if (!c)
        return '';
    const from = c.from_attempt === null ? 'Continued conversation' : `Continued from attempt ${c.from_attempt}`;
    return `${from} · conversation ${(0,describe/* formatCost */.BD)(c.conversation_cost)}, ${(0,markdown/* count */.U9)(c.conversation_prompt_tokens)} prompt + ${(0,markdown/* count */.U9)(c.conversation_completion_tokens)} completion tokens in all (this run: ${(0,describe/* formatCost */.BD)(result.cost)})`;
}


/***/ }),

/***/ 57994:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   writeStepSummary: () => (/* binding */ writeStepSummary)
/* harmony export */ });
/* unused harmony exports STATUS_LABEL, renderSummary, writeInputErrorSummary, write */
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(77094);
/* harmony import */ var _agent_server_describe_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(99482);
/* harmony import */ var _log_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(25625);
/* harmony import */ var _secrets_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(27194);
/* harmony import */ var _run_details_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(20198);
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
    await write(redact(`## OpenHands agent run\n\n${headline}\n\n\`\`\`\n${message}\n\`\`\`\n`));
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
