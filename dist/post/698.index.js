export const id = 698;
export const ids = [698];
export const modules = {

/***/ 61698:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  renderFinalComment: () => (/* binding */ renderFinalComment),
  renderProgressComment: () => (/* binding */ renderProgressComment)
});

// UNUSED EXPORTS: COMMENT_LIMIT

// EXTERNAL MODULE: ./src/agent-server/describe.ts
var describe = __webpack_require__(99482);
// EXTERNAL MODULE: ./src/log.ts
var log = __webpack_require__(25625);
// EXTERNAL MODULE: ./src/report/run-details.ts + 1 modules
var run_details = __webpack_require__(20198);
// EXTERNAL MODULE: ./src/secrets.ts
var secrets = __webpack_require__(27194);
;// CONCATENATED MODULE: ./src/report/sanitize.ts

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
    return neutralizeMentions(redactTokenFormats((0,secrets/* redact */.E$)(text)));
}

// EXTERNAL MODULE: ./src/report/markdown.ts
var markdown = __webpack_require__(54285);
;// CONCATENATED MODULE: ./src/report/comment.ts





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
        lines.push('### ⏳ OpenHands agent starting', '', `Provisioning the sandbox… (${(0,log/* formatDuration */.a3)(progress.elapsedMs)})`);
    }
    else {
        lines.push('### ⏳ OpenHands agent running', '');
        const facts = [`**Steps:** ${progress.steps}`, `**Cost so far:** ${(0,describe/* formatCost */.BD)(progress.cost)}`, `**Elapsed:** ${(0,log/* formatDuration */.a3)(progress.elapsedMs)}`];
        lines.push(facts.join(' · '));
        if (progress.lastAction)
            lines.push('', `**Last action:** ${inlineCode(safeToPost(progress.lastAction))}`);
    }
    lines.push('', safeToPost(footer(links)));
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
        `| \`${result.status}\` | ${(0,describe/* formatCost */.BD)(result.cost)} | ${(0,markdown/* count */.U9)(result.prompt_tokens)} prompt · ${(0,markdown/* count */.U9)(result.completion_tokens)} completion · ${(0,markdown/* count */.U9)(result.cache_read_tokens)} cache read | ${(0,log/* formatDuration */.a3)(result.duration_seconds * 1000)} |`,
        ''
    ];
    if (result.continued)
        head.push(`**${(0,run_details/* continuedLine */.U4)(result)}**`, '');
    if (result.error)
        head.push(`**Error:** ${fenceIfMultiline((0,markdown/* clip */.$Q)(safeToPost(result.error), MAX_ERROR))}`, '');
    if (result.status !== 'skipped')
        head.push((0,run_details/* renderChanges */.O1)(result, { collapsed: true, line: true, clean: safeToPost }));
    const pictures = [(0,run_details/* renderTimeline */.s8)(result), (0,run_details/* renderUsage */.eY)(result)].join('');
    // Text is made safe field by field: the numbers stay what they are even when a short secret matches them.
    const bottom = safeToPost(footer(links, result));
    let top = `${head.join('\n')}\n${pictures}\n`;
    // The pictures go first when room runs short: the tables and the message say the same in words.
    if (top.length + bottom.length > COMMENT_LIMIT - MIN_MESSAGE_ROOM)
        top = `${head.join('\n')}\n`;
    const message = result.final_message ? renderMessage(safeToPost(result.final_message), COMMENT_LIMIT - top.length - bottom.length) : '';
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


/***/ })

};
