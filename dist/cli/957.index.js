"use strict";
exports.id = 957;
exports.ids = [957];
exports.modules = {

/***/ 7214:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.jsonResult = jsonResult;
const items = (text, separator) => text.split(separator).filter((item) => item !== '');
function jsonResult(outputs) {
    return {
        digest: outputs.digest,
        image: outputs.image,
        manifest: JSON.parse(outputs.manifest),
        platforms: items(outputs.platforms, ','),
        'media-type': outputs['media-type'],
        sources: items(outputs.sources, '\n'),
        attestations: JSON.parse(outputs.attestations),
        images: JSON.parse(outputs.images),
    };
}


/***/ }),

/***/ 2957:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {

var __webpack_unused_export__;

__webpack_unused_export__ = ({ value: true });
__webpack_unused_export__ = __webpack_unused_export__ = void 0;
exports.runMerge = runMerge;
__webpack_unused_export__ = runCli;
const errors_1 = __webpack_require__(3916);
const batch_1 = __webpack_require__(828);
const json_1 = __webpack_require__(7214);
const program_1 = __webpack_require__(6806);
const reporter_1 = __webpack_require__(3933);
const names_1 = __webpack_require__(2010);
const usage_1 = __webpack_require__(7485);
var usage_2 = __webpack_require__(7485);
__webpack_unused_export__ = ({ enumerable: true, get: function () { return usage_2.COMMAND; } });
__webpack_unused_export__ = ({ enumerable: true, get: function () { return usage_2.EXIT; } });
/** The merge the command line asked for; resolves to the exit status. */
async function runMerge(run, io, preconnected) {
    const reporter = new reporter_1.CliReporter(io.stderr, run.verbose);
    if (run.login)
        reporter.secret(run.login.password);
    try {
        const outputs = await (0, batch_1.mergeBatch)(run.batch, {
            reporter,
            runProgram: program_1.spawnProgram,
            login: run.login,
            preconnected,
            names: names_1.CLI_NAMES,
        });
        // One line per image: the first target repository at the index's digest.
        const images = JSON.parse(outputs.images).map((i) => i.image);
        io.stdout.write(run.json ? `${JSON.stringify((0, json_1.jsonResult)(outputs))}\n` : `${images.join('\n')}\n`);
        return usage_1.EXIT.ok;
    }
    catch (err) {
        reporter.error((0, errors_1.describeError)(err, names_1.CLI_NAMES));
        return usage_1.EXIT.failed;
    }
}
/** The command line's whole run; resolves to the exit status. */
async function runCli(argv, io) {
    const run = await (0, usage_1.readCommandLine)(argv, io);
    return typeof run === 'number' ? run : runMerge(run, io);
}


/***/ }),

/***/ 6806:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.spawnProgram = void 0;
const node_child_process_1 = __webpack_require__(1421);
/** Runs a program found on PATH with `input` on stdin; its output is collected, never echoed. */
const spawnProgram = (command, args, input) => new Promise((resolve, reject) => {
    const child = (0, node_child_process_1.spawn)(command, [...args], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const stdout = [];
    const stderr = [];
    child.stdout.on('data', (d) => stdout.push(d));
    child.stderr.on('data', (d) => stderr.push(d));
    child.on('error', (err) => reject(new Error(`cannot run ${command}: ${err.message}`, { cause: err })));
    child.on('close', (code, signal) => resolve({
        exitCode: code ?? (signal ? 128 : 1),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
    }));
    // A helper that exits without reading its input must not fail the run with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
});
exports.spawnProgram = spawnProgram;


/***/ }),

/***/ 3933:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.CliReporter = void 0;
exports.progressLine = progressLine;
const report_1 = __webpack_require__(8850);
const words_1 = __webpack_require__(333);
/** Live progress lines at most (a batch fills many repositories at once). */
const MAX_LIVE_LINES = 8;
/** Live progress is redrawn at most this often; each update in between only changes the numbers. */
const REDRAW_MS = 100;
/**
 * The flow as a shell shows it: plain lines on stderr (never a `::` workflow command); on a
 * terminal, one live line per target repository while content is copied. Every secret the
 * flow names is replaced by `***` in whatever is written.
 */
class CliReporter {
    out;
    verbose;
    secrets = new Set();
    repositories = new Map();
    /** Progress lines currently at the bottom of the terminal. */
    drawn = 0;
    lastDraw = 0;
    pendingDraw;
    constructor(out, verbose = false) {
        this.out = out;
        this.verbose = verbose;
    }
    get live() {
        return this.out.isTTY === true;
    }
    /** Masks secrets; a line that would start with `::` gets a prefix, so no runner reads it as a workflow command. */
    clean(text) {
        let masked = text;
        for (const s of [...this.secrets].sort((a, b) => b.length - a.length))
            masked = masked.split(s).join('***');
        return masked.split(/\r?\n/).map((line) => (line.trimStart().startsWith('::') ? `| ${line}` : line));
    }
    line(text) {
        const lines = this.clean(text);
        if (this.drawn > 0) {
            this.erase();
            this.out.write(`${lines.join('\n')}\n`);
            this.draw();
        }
        else {
            this.out.write(`${lines.join('\n')}\n`);
        }
    }
    async group(title, work) {
        this.line(`== ${title}`);
        try {
            return await work();
        }
        finally {
            // The step's last progress stays on screen as it ended; the next step starts below it.
            if (this.live && this.repositories.size > 0) {
                this.erase();
                this.draw();
            }
            clearTimeout(this.pendingDraw);
            this.pendingDraw = undefined;
            this.drawn = 0;
            this.repositories.clear();
        }
    }
    info(message) {
        this.line(message);
    }
    debug(message) {
        if (this.verbose)
            this.line(`debug: ${message}`);
    }
    notice(message) {
        this.line(`notice: ${message}`);
    }
    warning(message) {
        this.line(`warning: ${message}`);
    }
    error(message) {
        this.line(`error: ${message}`);
    }
    secret = (value) => {
        if (value !== '')
            this.secrets.add(value);
    };
    progress(update) {
        const known = this.repositories.get(update.repository);
        this.repositories.set(update.repository, { update, since: known?.since ?? Date.now(), at: Date.now() });
        if (!this.live || this.pendingDraw !== undefined)
            return;
        const wait = REDRAW_MS - (Date.now() - this.lastDraw);
        if (wait <= 0) {
            this.erase();
            this.draw();
        }
        else {
            this.pendingDraw = setTimeout(() => {
                this.pendingDraw = undefined;
                this.erase();
                this.draw();
            }, wait);
            this.pendingDraw.unref();
        }
    }
    async result(result, outputs, batch) {
        if (batch) {
            this.batchResult(batch);
            return;
        }
        for (const t of result.tags)
            this.line(`${t.reference}: ${report_1.TAG_OUTCOMES[t.outcome]}`);
        for (const t of result.transfers)
            this.line(`${t.repository}: ${(0, report_1.transferCounts)(t, result.dryRun)}`);
        // Without a job summary, what happened to the attachments (referrers) is said here.
        const referrers = result.referrers;
        if (referrers?.mode === 'copy') {
            const verb = referrers.dryRun ? 'would be carried' : 'carried';
            for (const c of referrers.children.filter((c) => c.found > 0)) {
                this.line(`referrers of ${c.label} ${c.digest}: ${c.found} found, ${c.carried} ${verb}`);
            }
            for (const m of referrers.missed)
                this.line(`not carried: ${m.what}: ${m.why}`);
        }
        const what = result.dryRun ? 'would be' : 'is';
        this.line(`${outputs.image} ${what} ${outputs['media-type']} with ${outputs.platforms} ` + `(${(0, report_1.requestsLine)(result)})`);
    }
    /** A batch: one line per image (its tags, digest and platforms), then the totals. */
    batchResult(batch) {
        const what = batch.totals.dryRun ? 'would be' : 'is';
        batch.images.forEach((r) => {
            const tags = r.tags.map((t) => `${t.reference} (${report_1.TAG_OUTCOMES[t.outcome]})`).join(', ');
            this.line(`${r.targets[0].name}@${r.plan.index.digest} ${what} ${r.plan.platforms.join(',')}: ${tags}`);
        });
        this.line((0, report_1.totalsLine)(batch.totals));
    }
    /** Moves up over the progress lines and clears them. */
    erase() {
        if (this.drawn > 0)
            this.out.write(`\x1b[${this.drawn}A\x1b[J`);
        this.drawn = 0;
    }
    draw() {
        // One screen line each, or the cursor-up count would be wrong; a terminal of unknown size is taken as 80 wide.
        const columns = this.out.columns !== undefined && this.out.columns > 0 ? this.out.columns : 80;
        const width = Math.max(20, columns - 1);
        let shown = [...this.repositories.values()];
        // A batch fills many repositories at once: the ones updated last, and how many more.
        const more = shown.length > MAX_LIVE_LINES ? shown.length - (MAX_LIVE_LINES - 1) : 0;
        if (more > 0)
            shown = [...shown].sort((a, b) => b.at - a.at).slice(0, MAX_LIVE_LINES - 1);
        const lines = shown.map(({ update, since }) => progressLine(update, Date.now() - since));
        if (more > 0)
            lines.push(`… and ${more} more repositories`);
        for (const l of lines)
            this.out.write(`${this.clean(l)[0].slice(0, width)}\n`);
        this.drawn = lines.length;
        this.lastDraw = Date.now();
    }
}
exports.CliReporter = CliReporter;
/** `repo: 2/3 manifests · blobs 4 mounted, 1 copied, 7 present · 12.0 MiB at 3.1 MiB/s` */
function progressLine(p, elapsedMs) {
    const m = p.manifests;
    const b = p.blobs;
    const done = m.present + m.pushed + m['would-push'];
    const planned = [
        b['would-mount'] ? `, ${b['would-mount']} to mount` : '',
        b['would-copy'] ? `, ${b['would-copy']} to copy` : '',
    ];
    const blobs = `blobs ${b.mounted} mounted, ${b.copied} copied, ${b.present} present${planned.join('')}`;
    const rate = elapsedMs >= 1000 && p.bytesCopied > 0 ? ` at ${(0, report_1.formatBytes)(Math.round(p.bytesCopied / (elapsedMs / 1000)))}/s` : '';
    const bytes = p.bytesCopied > 0 ? ` · ${(0, report_1.formatBytes)(p.bytesCopied)}${rate}` : '';
    return `${p.repository}: ${done}/${(0, words_1.counted)(p.children, 'manifest')} · ${blobs}${bytes}`;
}


/***/ }),

/***/ 2968:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.APPEND_TIMING = void 0;
exports.appendUntilSettled = appendUntilSettled;
exports.withLaterRounds = withLaterRounds;
const errors_1 = __webpack_require__(3916);
const manifest_1 = __webpack_require__(2060);
const platform_1 = __webpack_require__(1890);
const standing_1 = __webpack_require__(2931);
const publish_1 = __webpack_require__(1075);
const base_1 = __webpack_require__(3459);
const settle_1 = __webpack_require__(5434);
exports.APPEND_TIMING = settle_1.SETTLE_TIMING;
/**
 * Append when other runs may append to the same tag at the same time. The registry has no
 * conditional write, so each round reads the tag, writes the base plus this run's entries,
 * waits until any writer that read the tag before this write has landed, and checks that the
 * tag still holds this run's entries; if a concurrent write erased them, the next round merges
 * again onto what is there. An entry of the same platform that another run wrote after this one
 * started is newer and stays. See docs/concurrent-append.md.
 *
 * The first round's plan and base come from the run (read before any write, design: nothing is
 * written before every source resolved); every child it names is in place. The index tag is
 * still the last write of every round.
 */
async function appendUntilSettled(first, o) {
    const timing = o.timing ?? exports.APPEND_TIMING;
    const target = o.targets[0];
    const earlier = new standing_1.EarlierEntries();
    earlier.record((0, standing_1.entriesOfBase)(first.base));
    let { plan, base } = first;
    let own = o.own;
    let tags = [];
    /** The target tags as read just before the write. */
    let current = [];
    const superseded = [];
    const transfers = [];
    /** Leaves to another run the platforms it has written since this run started. */
    const yieldTo = (found) => {
        for (const s of found) {
            o.reporter.notice(`append: ${target} holds ${(0, platform_1.formatPlatform)(s.own.descriptor.platform)} at ${s.theirs}, written by another run ` +
                `after this one started; it is kept (this run's ${s.own.descriptor.digest} is older or as new)`);
        }
        superseded.push(...found);
        own = (0, standing_1.withoutImages)(own, found.map((s) => s.own));
    };
    // The settling loop (util/settle.ts), with the tag's steps: the same loop keeps referrers indexes.
    const settled = await (0, settle_1.writeUntilSettled)({
        remerge: async (wrote) => {
            base = await (0, base_1.resolveBase)(o.clientFor, target);
            const entries = (0, standing_1.entriesOfBase)(base);
            if (!wrote)
                earlier.record(entries);
            yieldTo((0, standing_1.standing)(own, entries, earlier).superseded);
            if (own.images.length === 0) {
                o.reporter.info(`append: every platform of this run is newer in ${target}; nothing left to write`);
                return false;
            }
            plan = (0, standing_1.planRound)(o.resolved, o.planOptions, own, base);
            transfers.push(...(await o.transfer.run(plan.children, o.repositories)));
            return true;
        },
        unmoved: async () => {
            current = await (0, publish_1.readTags)(o.clientFor, o.targets);
            if (current[0] === base?.digest)
                return true;
            o.reporter.info(`append: ${target} moved to ${current[0] ?? '(deleted)'} since this run read it at ${base?.digest ?? '(absent)'}; reading it again`);
            return false;
        },
        write: async () => {
            tags = await (0, publish_1.publishIndex)(o.clientFor, plan.index, o.targets, {
                dryRun: false,
                log: o.reporter,
                tags: Promise.resolve(current),
            });
            return tags.some((t) => t.outcome === 'written');
        },
        holds: async (round) => {
            const check = await checkTags(o, plan, own, earlier);
            yieldTo(check.superseded);
            if (check.missing.length === 0) {
                if (round > 1)
                    o.reporter.info(`append: ${target} holds this run's entries after ${round} writes`);
                return true;
            }
            o.reporter.info(`append: a concurrent write to ${check.where} left out ${check.missing.map(describe).join(', ')} ` +
                `(write ${round} of at most ${timing.rounds}); merging again onto what is there`);
            return false;
        },
    }, timing);
    const { rounds, reads } = settled;
    if (settled.outcome !== 'gave-up')
        return { plan, base, tags, rounds, superseded, transfers };
    throw new errors_1.ContentError(`append: ${target} did not settle after ${rounds} writes and ${reads} reads: concurrent appends kept replacing ` +
        `this run's entries (${own.images.map(describe).join(', ')}); the tag may lack them: run this job again`);
}
const describe = (c) => `${(0, platform_1.formatPlatform)(c.descriptor.platform)} ${c.descriptor.digest}`;
/** Reads every target tag after a write: which own entries are gone, and which a newer run replaced (first tag). */
async function checkTags(o, written, own, earlier) {
    const digests = await (0, publish_1.readTags)(o.clientFor, o.targets);
    const missing = new Set();
    const superseded = [];
    const where = [];
    await Promise.all(o.targets.map(async (t, i) => {
        if (digests[i] === written.index.digest)
            return;
        let entries = [];
        if (digests[i] !== undefined) {
            const client = await o.clientFor(t.registry);
            const fetched = await client.getManifest(t.repository, t.tag);
            entries = (0, standing_1.entriesOfManifest)((0, manifest_1.parseManifest)(fetched.bytes, fetched.contentType, t.toString()), fetched.digest);
        }
        const s = (0, standing_1.standing)(own, entries, earlier);
        // The first tag is the base: a newer entry there is left alone everywhere.
        if (i === 0)
            superseded.push(...s.superseded);
        if (s.missing.length > 0)
            where.push(t.toString());
        for (const m of s.missing)
            missing.add(m);
    }));
    const left = [...missing].filter((m) => !superseded.some((s) => s.own === m));
    return { missing: left, superseded, where: where.join(', ') };
}
/**
 * The first round's transfer report with what later rounds wrote added (entries other runs
 * appended meanwhile, copied into the other target repositories); what was found present
 * again is not counted twice.
 */
function withLaterRounds(first, later) {
    return first.map((t) => {
        const blobs = { ...t.blobs };
        const manifests = { ...t.manifests };
        let { bytesCopied } = t;
        for (const l of later.filter((x) => x.repository === t.repository)) {
            for (const k of ['mounted', 'copied', 'pushed']) {
                blobs[k] += l.blobs[k];
                manifests[k] += l.manifests[k];
            }
            bytesCopied += l.bytesCopied;
        }
        return { repository: t.repository, blobs, manifests, bytesCopied };
    });
}


/***/ }),

/***/ 828:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.IMAGES_IN_FLIGHT = void 0;
exports.tagRounds = tagRounds;
exports.imageLabel = imageLabel;
exports.mergeBatch = mergeBatch;
const errors_1 = __webpack_require__(3916);
const credentials_1 = __webpack_require__(3653);
const registries_1 = __webpack_require__(6764);
const report_1 = __webpack_require__(8850);
const resolve_1 = __webpack_require__(7416);
const transfer_1 = __webpack_require__(3456);
const targets_1 = __webpack_require__(2737);
const concurrency_1 = __webpack_require__(3731);
const errors_2 = __webpack_require__(3916);
const imageLog_1 = __webpack_require__(5475);
const merge_1 = __webpack_require__(9608);
/**
 * Images worked on at once in each phase. Requests are bounded per registry anyway (design rule
 * 13); this bounds what is held in flight besides them (design rule 22).
 */
exports.IMAGES_IN_FLIGHT = 32;
/**
 * Floating tags (`latest`, what `floating-tags` names) are written once every other tag of the
 * batch has landed, so they never point ahead of the versioned tags. An append image writes all
 * its tags in one write-check-merge loop (its tags must hold the same entries): last when one of
 * them floats, else first.
 */
function tagRounds(images, floating) {
    return images.map((image) => {
        const floats = image.targets.filter((t) => floating.floats(t.tag));
        if (image.append)
            return floats.length > 0 ? { first: [], last: image.targets } : { first: image.targets, last: [] };
        return { first: image.targets.filter((t) => !floats.includes(t)), last: floats };
    });
}
/** How an image of a batch is named in the log and in errors: its entry number and first tag. */
function imageLabel(image, index) {
    return `entry ${index + 1} (${image.targets[0]})`;
}
/**
 * Merges every image of the run, all or nothing (design rule 20): every image is resolved and
 * planned before anything is written, every image's children, blobs and referrers are in place
 * before any tag is written, and floating tags come last (rule 21). The images share the
 * registries' connections, tokens and limits, and each blob, child and source is handled once
 * (rule 22). A single merge is a batch of one, told as it always was.
 */
async function mergeBatch(batch, options) {
    const { reporter } = options;
    const started = Date.now();
    const { images } = batch;
    // dry-run, github-token, insecure-registries, outage-timeout are top-level inputs: the same in every image.
    const run = images[0];
    // Not awaited: the registries' connections open while the Docker config is read.
    const dockerConfig = (0, credentials_1.dockerCredentials)({
        githubToken: run.githubToken,
        githubActor: options.githubActor,
        runHelper: (0, credentials_1.credentialHelpers)(options.runProgram),
        mask: reporter.secret,
    });
    const { login } = options;
    const credentials = login ? dockerConfig.then((config) => (0, credentials_1.withLogin)(login, config, reporter.secret)) : dockerConfig;
    credentials.catch(() => undefined); // a broken config surfaces where a client awaits it
    // Test-only knobs (MERGE_ACTION_RETRY_*, MERGE_ACTION_TIMEOUT_MS), read here once; see registries.ts.
    const transport = (0, registries_1.transportSettingsFromEnv)(process.env);
    // One set of connections, tokens and limits for every image (design rule 22).
    const registries = new registries_1.Registries({
        sources: images.flatMap((i) => i.sources),
        targets: images.flatMap((i) => i.targets),
        push: !run.dryRun,
        credentials,
        log: reporter,
        insecureRegistries: run.insecureRegistries,
        retry: options.retry ?? transport.retry,
        outageTimeoutMs: run.outageTimeoutMs,
        timeouts: transport.timeouts,
        preconnected: options.preconnected,
    });
    const clientFor = (registry) => registries.client(registry);
    const { limits } = registries;
    const many = images.length > 1;
    const shared = {
        clientFor,
        limits,
        // One budget of requests in flight per registry, for the copy and the referrers alike (design rule 13).
        transfer: new transfer_1.Transfer(clientFor, { dryRun: run.dryRun, reporter, limits }),
        sources: new resolve_1.SourceCache(),
        names: options.names ?? errors_2.KEY_NAMES,
        isHub: (registry) => registries.isHub(registry),
        mirrors: (0, targets_1.uniqueRepositories)(images.flatMap((i) => i.targets)).filter((t) => !registries.isHub(t.registry)),
        writeEarly: !many,
    };
    const labels = images.map(imageLabel);
    const logs = images.map((_, i) => (many ? new imageLog_1.ImageLog(reporter, labels[i]) : undefined));
    const logOf = (i) => logs[i] ?? reporter;
    const flush = async () => {
        for (const l of logs)
            await l?.flush();
    };
    /** One phase for every image; any failure ends the run, naming every image that failed. */
    async function phase(items, work, after) {
        const settled = await (0, concurrency_1.settleAll)(items, exports.IMAGES_IN_FLIGHT, work);
        const failed = settled.flatMap((s, i) => (s.status === 'rejected' ? [{ i, reason: s.reason }] : []));
        if (failed.length === 0)
            return settled.map((s) => s.value);
        if (!many)
            throw failed[0].reason;
        const parts = [`${failed.length} of ${images.length} images failed; ${after}:`];
        for (const f of failed)
            parts.push(`\n- ${labels[f.i]}: `, ...(0, errors_1.wordingOf)(f.reason));
        throw new errors_1.ContentError(parts);
    }
    for (const n of batch.notices)
        reporter.notice(n);
    try {
        // Every image resolved and planned before anything is written.
        const prepared = await phase(images, (inputs, i) => (0, merge_1.prepare)(inputs, shared, logOf(i)), 'nothing was written');
        // The images' own lines come in their groups at the end; meanwhile the log says where the batch is.
        if (many)
            reporter.info(`${images.length} images resolved and planned`);
        // Every image's children, blobs and referrers in place before any tag.
        const transferred = await phase(prepared, (p) => (0, merge_1.transferImage)(p, shared), 'no tag was written');
        if (many) {
            reporter.info(run.dryRun
                ? "every image's content checked (dry run); tags next"
                : "every image's content is in place; tags next, floating tags last");
        }
        const rounds = tagRounds(images, batch.floating);
        const publish = (which, after) => phase(transferred, (t, i) => rounds[i][which].length > 0 ? (0, merge_1.publishImage)(t, rounds[i][which], shared) : Promise.resolve(undefined), after);
        const first = await publish('first', 'the other images are tagged; no floating tag was written');
        const last = await publish('last', 'every tag but the floating ones of these images was written');
        const results = transferred.map((t, i) => (0, merge_1.imageResult)(t, [first[i], last[i]].filter((p) => p !== undefined), { requests: registries.stats.requests, hubCounted: registries.hubCounted }));
        const outputs = (0, report_1.outputsOf)(results[0], results);
        await flush();
        const report = many
            ? {
                images: results,
                labels,
                totals: (0, report_1.batchTotals)(results, {
                    requests: registries.stats.requests,
                    hubCounted: registries.hubCounted,
                    elapsedMs: Date.now() - started,
                }),
            }
            : undefined;
        await reporter.result(results[0], outputs, report);
        return outputs;
    }
    catch (err) {
        await flush();
        throw err;
    }
    finally {
        await registries.close();
    }
}


/***/ }),

/***/ 5475:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ImageLog = void 0;
/**
 * One image's part of a batch's log. The images' phases run at once, and a workflow log's groups
 * cannot interleave: each image's lines are kept and told as one group of their own
 * (`flush`), in input order. Secrets, debug lines and progress go through at once: a secret
 * must be masked before anything prints it.
 */
class ImageLog {
    run;
    title;
    lines = [];
    constructor(run, title) {
        this.run = run;
        this.title = title;
    }
    /** A step of the image's flow: a line in its group (groups do not nest). */
    async group(title, work) {
        this.lines.push({ kind: 'info', message: `-- ${title}` });
        return work();
    }
    info(message) {
        this.lines.push({ kind: 'info', message });
    }
    notice(message) {
        this.lines.push({ kind: 'notice', message });
    }
    warning(message) {
        this.lines.push({ kind: 'warning', message });
    }
    debug(message) {
        this.run.debug(message);
    }
    secret = (value) => this.run.secret(value);
    progress = (update) => this.run.progress(update);
    /** Tells the lines kept so far, as one group; the next flush tells only what came after. */
    async flush() {
        const lines = this.lines.splice(0);
        if (lines.length === 0)
            return;
        await this.run.group(this.title, async () => {
            for (const l of lines)
                this.run[l.kind](l.message);
        });
    }
}
exports.ImageLog = ImageLog;


/***/ }),

/***/ 9608:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.prepare = prepare;
exports.transferImage = transferImage;
exports.publishImage = publishImage;
exports.imageResult = imageResult;
const errors_1 = __webpack_require__(3916);
const platform_1 = __webpack_require__(1890);
const plan_1 = __webpack_require__(8720);
const standing_1 = __webpack_require__(2931);
const publish_1 = __webpack_require__(1075);
const referrers_1 = __webpack_require__(3528);
const base_1 = __webpack_require__(3459);
const mirror_1 = __webpack_require__(7317);
const patterns_1 = __webpack_require__(5485);
const resolve_1 = __webpack_require__(7416);
const transfer_1 = __webpack_require__(3456);
const targets_1 = __webpack_require__(2737);
const words_1 = __webpack_require__(333);
const appendLoop_1 = __webpack_require__(2968);
/**
 * One image's flow, in one direction: inputs → resolve → plan, then transfer, then publish.
 * `src/flow/batch.ts` runs these phases for every image of the run: every image is prepared
 * before any is transferred, and every image transferred before any tag is written.
 *
 * Prepare: resolve every source and the append base, and plan the index. Reads only (and, in a
 * run of one image, early blob writes, which no manifest references yet).
 */
async function prepare(inputs, shared, reporter) {
    const words = (wording) => (0, errors_1.render)(wording, shared.names);
    const started = Date.now();
    if (inputs.skippedAnnotations.length > 0) {
        const hint = Object.keys(inputs.annotations).length === 0 ? (0, errors_1.say) ` ${{ hint: 'index-annotations' }}` : [];
        reporter.notice(words([
            `annotations skipped (only index annotations can be set without changing the images' digests): `,
            `${inputs.skippedAnnotations.join('; ')}.`,
            ...hint,
        ]));
    }
    // A target without a tag means `latest`, as with docker: said, since it may replace what is there.
    for (const t of inputs.untaggedTargets) {
        reporter.notice(words((0, errors_1.say) `${(0, errors_1.setting)('tags')}: "${t.given}" names no tag; ${t.target.toString()} is meant (latest, as docker assumes)`));
    }
    const { clientFor, transfer } = shared;
    const repositories = (0, targets_1.uniqueRepositories)(inputs.targets);
    // Referrers (signatures, SBOMs, attestations attached to the children): looked for as soon as resolve learns each manifest digest.
    const referrers = new referrers_1.Referrers(clientFor, repositories, {
        mode: inputs.referrers,
        dryRun: inputs.dryRun,
        log: reporter,
        limits: shared.limits,
    });
    // The target tags are read while the sources resolve: reads only, off the critical path.
    const tagDigests = (0, publish_1.readTags)(clientFor, inputs.targets);
    tagDigests.catch(() => undefined); // a failure surfaces where it is awaited
    // The append base is read alongside the sources, like them before anything is written.
    const baseRead = inputs.append ? (0, base_1.resolveBase)(clientFor, inputs.targets[0]) : Promise.resolve(undefined);
    baseRead.catch(() => undefined);
    // Blob writes start while resolving (design: once the verified manifest naming them is known
    // and its platform is certainly wanted), unless every tag exists at one digest: then this may
    // be a re-run that writes nothing, and writing early would break that.
    const writeEarly = shared.writeEarly
        ? tagDigests.then((d) => d.some((x) => x === undefined) || new Set(d).size > 1, () => false)
        : Promise.resolve(false);
    const onImage = (found) => {
        const { platform } = found;
        const wanted = inputs.platforms === undefined || (platform !== undefined && inputs.platforms.some((w) => (0, platform_1.platformMatches)(w, platform)));
        if (wanted)
            void writeEarly.then((early) => early && transfer.prefetch(found, repositories));
    };
    const { resolved, base } = await reporter.group('Resolve sources', async () => {
        const expanded = await (0, patterns_1.expandSources)(clientFor, inputs.sources, inputs.targets);
        for (const e of expanded.expansions) {
            reporter.info(`${e.pattern} matches ${(0, words_1.counted)(e.matches.length, 'tag')}: ${e.matches.map((m) => m.tag).join(', ')}`);
        }
        // A source on Docker Hub that a mirror of the run holds is read there (Hub counts every manifest GET).
        const references = await Promise.all(expanded.references.map(async (source) => {
            if (!shared.isHub(source.registry) || shared.mirrors.length === 0)
                return source;
            const read = await (0, mirror_1.readFromMirror)(clientFor, source, shared.mirrors);
            if (read.mirror)
                reporter.info(`${source} is read from ${read.reference}: the same digest, and Docker Hub counts every read`);
            return read.reference;
        }));
        const r = await (0, resolve_1.resolveSources)(clientFor, references, inputs.attestations, { onImage, known: referrers.known, info: (message) => reporter.info(message) }, shared.sources);
        for (const s of r) {
            const attestations = inputs.attestations === 'strip'
                ? ''
                : `, ${(0, words_1.counted)(s.attestations.length, 'attestation')} ${inputs.attestations === 'keep' ? 'kept' : 'to attach'}`;
            reporter.info(`${s.reference} → ${s.digest}: ${(0, words_1.counted)(s.images.length, 'image')}${attestations}`);
        }
        const b = await baseRead;
        if (b)
            reporter.info(`append to ${b.reference} → ${b.digest}: ${(0, words_1.counted)(b.images.length, 'image')}, ${(0, words_1.counted)(b.attestations.length, 'attestation')}`);
        else if (inputs.append)
            reporter.notice(`append: ${inputs.targets[0]} does not exist yet; merging the sources alone`);
        return { resolved: r, base: b };
    });
    const plan = (0, plan_1.buildPlan)(resolved, inputs, base);
    for (const old of plan.replaced)
        reporter.info(`append: ${(0, platform_1.formatPlatform)(old.descriptor.platform)} ${old.descriptor.digest} replaced`);
    reporter.info(`index ${plan.index.digest} (${plan.index.mediaType}): ${plan.platforms.join(', ')}`);
    // The attachments of the planned children are read now (reads only), alongside the transfer.
    const attached = referrers.start(plan, resolved);
    return { inputs, reporter, started, repositories, resolved, base, plan, tagDigests: await tagDigests, attached };
}
/**
 * Transfer: every child and blob present in each target repository, then what is attached to
 * the children (the tag is the last write, design rule 7).
 */
async function transferImage(p, shared) {
    const { inputs, reporter, plan } = p;
    // Every tag already at the digest: the index, hence every child and blob, is in place.
    const unchanged = (0, publish_1.allTagsAt)(p.tagDigests, plan.index);
    const transfers = unchanged
        ? p.repositories.map((r) => (0, transfer_1.alreadyPresent)(r, plan.children))
        : await reporter.group(inputs.dryRun ? 'Check target repositories (dry run)' : 'Copy manifests and blobs', () => shared.transfer.run(plan.children, p.repositories));
    // Attachments are written after the children and before the tags (the tag is the last write).
    const carried = await reporter.group(inputs.dryRun ? 'Referrers (dry run)' : 'Carry referrers', () => p.attached.carry());
    return { ...p, transfers, carried };
}
/**
 * Publish: the index under `targets` (all of the image's tags, or the part of them the batch
 * writes now, design rule 21). With append, the write-check-merge loop writes every tag of the
 * image (docs/concurrent-append.md), so the batch hands it all of them at once.
 */
async function publishImage(t, targets, shared) {
    const { inputs, reporter, plan, base } = t;
    const title = inputs.dryRun ? 'Tags (dry run)' : 'Push the index';
    return reporter.group(title, async () => inputs.append && !inputs.dryRun
        ? (0, appendLoop_1.appendUntilSettled)({ plan, base }, {
            clientFor: shared.clientFor,
            targets,
            repositories: (0, targets_1.uniqueRepositories)(targets),
            resolved: t.resolved,
            planOptions: inputs,
            transfer: shared.transfer,
            reporter,
            own: (0, standing_1.ownEntries)(t.resolved, inputs),
        })
        : {
            plan,
            base,
            transfers: [],
            tags: await (0, publish_1.publishIndex)(shared.clientFor, plan.index, targets, {
                dryRun: inputs.dryRun,
                log: reporter,
                tags: Promise.resolve(targets.map((r) => t.tagDigests[inputs.targets.indexOf(r)])),
            }),
        });
}
/** What one image's run did, for the report: its tags in the order of its targets. */
function imageResult(t, published, wire) {
    const last = published.at(-1);
    const plan = last?.plan ?? t.plan;
    const base = last ? last.base : t.base;
    const tags = published.flatMap((p) => p.tags);
    const order = (r) => t.inputs.targets.findIndex((x) => x.toString() === r.reference);
    return {
        plan,
        sources: base ? [base, ...t.resolved] : t.resolved,
        base,
        targets: t.inputs.targets,
        transfers: (0, appendLoop_1.withLaterRounds)(t.transfers, published.flatMap((p) => p.transfers)),
        tags: [...tags].sort((a, b) => order(a) - order(b)),
        dryRun: t.inputs.dryRun,
        elapsedMs: Date.now() - t.started,
        requests: wire.requests,
        ...(wire.hubCounted !== undefined ? { hubCounted: wire.hubCounted } : {}),
        referrers: t.carried,
    };
}


/***/ }),

/***/ 7001:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.attachmentTag = attachmentTag;
exports.describeAttachmentTag = describeAttachmentTag;
const ATTACHMENT_TAG = /^sha256-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;
/** What a tag names when it follows one of the attachment schemas; undefined for any other tag. */
function attachmentTag(tag) {
    const m = ATTACHMENT_TAG.exec(tag);
    if (!m)
        return undefined;
    const subject = `sha256:${m[1]}`;
    const suffix = m[2];
    return suffix === undefined ? { kind: 'referrers-index', subject } : { kind: 'cosign', suffix, subject };
}
/** In words, for an error: `a cosign signature of sha256:…`. */
function describeAttachmentTag(t) {
    if (t.kind === 'referrers-index')
        return `a referrers index (the fallback tag listing what is attached to ${t.subject})`;
    const what = { sig: 'a cosign signature', att: 'a cosign attestation', sbom: 'a cosign SBOM' }[t.suffix];
    return `${what} of ${t.subject}`;
}


/***/ }),

/***/ 2060:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseDescriptor = parseDescriptor;
exports.parseManifest = parseManifest;
exports.isAttestation = isAttestation;
exports.requiredBlobs = requiredBlobs;
const errors_1 = __webpack_require__(3916);
const digest_1 = __webpack_require__(8825);
const mediaTypes_1 = __webpack_require__(8004);
function isObject(v) {
    return typeof v === 'object' && v !== null && !Array.isArray(v);
}
function stringRecord(v, where) {
    if (v === undefined)
        return undefined;
    if (!isObject(v) || Object.values(v).some((x) => typeof x !== 'string')) {
        throw new errors_1.ContentError(`${where}: annotations must map strings to strings`);
    }
    return v;
}
function parsePlatformField(v, where) {
    if (v === undefined)
        return undefined;
    if (!isObject(v) || typeof v.os !== 'string' || typeof v.architecture !== 'string') {
        throw new errors_1.ContentError(`${where}: platform must have string "os" and "architecture"`);
    }
    const p = { os: v.os, architecture: v.architecture };
    if (typeof v.variant === 'string' && v.variant !== '')
        p.variant = v.variant;
    if (typeof v['os.version'] === 'string' && v['os.version'] !== '')
        p['os.version'] = v['os.version'];
    if (Array.isArray(v['os.features']) && v['os.features'].length > 0) {
        p['os.features'] = v['os.features'].map(String);
    }
    return p;
}
function parseDescriptor(v, where) {
    if (!isObject(v))
        throw new errors_1.ContentError(`${where}: descriptor is not an object`);
    const { mediaType, digest, size } = v;
    if (typeof mediaType !== 'string' || mediaType === '')
        throw new errors_1.ContentError(`${where}: descriptor has no mediaType`);
    if (typeof digest !== 'string' || !(0, digest_1.isDigest)(digest))
        throw new errors_1.ContentError(`${where}: descriptor has an invalid digest`);
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0) {
        throw new errors_1.ContentError(`${where}: descriptor ${digest} has an invalid size`);
    }
    const d = { mediaType, digest, size };
    const platform = parsePlatformField(v.platform, `${where} ${digest}`);
    if (platform)
        d.platform = platform;
    const annotations = stringRecord(v.annotations, `${where} ${digest}`);
    if (annotations)
        d.annotations = annotations;
    if (Array.isArray(v.urls) && v.urls.length > 0)
        d.urls = v.urls.map(String);
    if (typeof v.artifactType === 'string')
        d.artifactType = v.artifactType;
    return d;
}
/**
 * Parses manifest bytes. The body's own `mediaType` wins over the Content-Type header
 * (some registries answer a generic type); one of the two must name a known manifest type.
 */
function parseManifest(bytes, contentType, where) {
    let json;
    try {
        json = JSON.parse(Buffer.from(bytes).toString('utf8'));
    }
    catch {
        throw new errors_1.ContentError(`${where}: the manifest is not valid JSON`);
    }
    if (!isObject(json))
        throw new errors_1.ContentError(`${where}: the manifest is not a JSON object`);
    if (json.schemaVersion !== 2) {
        throw new errors_1.ContentError(`${where}: schemaVersion ${String(json.schemaVersion)} is not supported (only 2)`);
    }
    const header = contentType?.split(';')[0].trim();
    const mediaType = typeof json.mediaType === 'string' ? json.mediaType : header;
    // An OCI index without a mediaType field is still recognisable by its shape.
    if ((0, mediaTypes_1.isIndexMediaType)(mediaType) || (mediaType === undefined && Array.isArray(json.manifests))) {
        if (!Array.isArray(json.manifests))
            throw new errors_1.ContentError(`${where}: the index has no "manifests" array`);
        return {
            kind: 'index',
            mediaType: (0, mediaTypes_1.isIndexMediaType)(mediaType) ? mediaType : mediaTypes_1.MediaType.OciIndex,
            manifests: json.manifests.map((m, i) => parseDescriptor(m, `${where} manifests[${i}]`)),
            annotations: stringRecord(json.annotations, where),
        };
    }
    if ((0, mediaTypes_1.isImageMediaType)(mediaType) || (mediaType === undefined && isObject(json.config))) {
        if (!Array.isArray(json.layers))
            throw new errors_1.ContentError(`${where}: the image manifest has no "layers" array`);
        return {
            kind: 'image',
            mediaType: (0, mediaTypes_1.isImageMediaType)(mediaType) ? mediaType : mediaTypes_1.MediaType.OciManifest,
            config: parseDescriptor(json.config, `${where} config`),
            layers: json.layers.map((l, i) => parseDescriptor(l, `${where} layers[${i}]`)),
        };
    }
    throw new errors_1.ContentError(`${where}: media type "${mediaType ?? '(none)'}" is neither an image manifest nor an index ` +
        `(schema 1 and other artifacts are not supported)`);
}
/** Design rule 1: attestations are recognised by annotation, not by media type or platform. */
function isAttestation(d) {
    return d.annotations?.[mediaTypes_1.ATTESTATION_TYPE_ANNOTATION] === mediaTypes_1.ATTESTATION_TYPE_VALUE;
}
/** The blobs an image manifest needs in a repository: config and layers, minus foreign layers (rule 7). */
function requiredBlobs(m) {
    return [m.config, ...m.layers.filter((l) => !l.urls || l.urls.length === 0)];
}


/***/ }),

/***/ 8004:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.COSIGN_SIGNATURE_LAYER_TYPE = exports.ATTESTATION_LAYER_TYPES = exports.IN_TOTO_LAYER_TYPE = exports.ATTESTATION_CONFIG_TYPE = exports.IMAGE_CONFIG_TYPES = exports.PREDICATE_TYPE_ANNOTATION = exports.ATTESTATION_ARTIFACT_TYPE = exports.MAX_MANIFEST_BYTES = exports.ATTESTATION_SUBJECT_ANNOTATION = exports.ATTESTATION_TYPE_VALUE = exports.ATTESTATION_TYPE_ANNOTATION = exports.MANIFEST_ACCEPT = exports.MediaType = void 0;
exports.isIndexMediaType = isIndexMediaType;
exports.isImageMediaType = isImageMediaType;
/** The four manifest media types a registry may answer with (design rule 4). */
exports.MediaType = {
    OciIndex: 'application/vnd.oci.image.index.v1+json',
    OciManifest: 'application/vnd.oci.image.manifest.v1+json',
    DockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
    DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
};
/** Sent on every manifest GET/HEAD: Distribution answers 404 to a tag GET without the OCI index type. */
exports.MANIFEST_ACCEPT = [exports.MediaType.OciIndex, exports.MediaType.OciManifest, exports.MediaType.DockerList, exports.MediaType.DockerManifest].join(', ');
function isIndexMediaType(m) {
    return m === exports.MediaType.OciIndex || m === exports.MediaType.DockerList;
}
function isImageMediaType(m) {
    return m === exports.MediaType.OciManifest || m === exports.MediaType.DockerManifest;
}
/** The annotation that marks a buildx attestation entry (design rule 1). */
exports.ATTESTATION_TYPE_ANNOTATION = 'vnd.docker.reference.type';
exports.ATTESTATION_TYPE_VALUE = 'attestation-manifest';
exports.ATTESTATION_SUBJECT_ANNOTATION = 'vnd.docker.reference.digest';
/** Registries limit manifests to 4 MiB (design rule 6). */
exports.MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** A buildx attestation written as a referrer of its image: the `artifactType` it carries (BuildKit's own). */
exports.ATTESTATION_ARTIFACT_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';
/** The layer annotation naming an in-toto statement's predicate type (provenance, SBOM …). */
exports.PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';
/** The config media types of an image (OCI, Docker); any other config makes a manifest an artifact (design rule 16). */
exports.IMAGE_CONFIG_TYPES = new Set([
    'application/vnd.oci.image.config.v1+json',
    'application/vnd.docker.container.image.v1+json',
]);
/** BuildKit's config of an OCI-artifact attestation. */
exports.ATTESTATION_CONFIG_TYPE = 'application/vnd.docker.attestation.config.v1+json';
/** An in-toto statement, as buildx stores one per attestation layer. */
exports.IN_TOTO_LAYER_TYPE = 'application/vnd.in-toto+json';
/** Layers of attestations: in-toto statements (buildx) and DSSE envelopes (cosign `.att`). */
exports.ATTESTATION_LAYER_TYPES = new Set([
    exports.IN_TOTO_LAYER_TYPE,
    'application/vnd.dsse.envelope.v1+json',
]);
/** The layer of a cosign signature (simple signing payload). */
exports.COSIGN_SIGNATURE_LAYER_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';


/***/ }),

/***/ 7608:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.asReferrer = asReferrer;
const errors_1 = __webpack_require__(3916);
const digest_1 = __webpack_require__(8825);
const mediaTypes_1 = __webpack_require__(8004);
const attachment_1 = __webpack_require__(6807);
/** The subject field: the image's descriptor as the index lists it (media type, digest, size). */
function subjectOf(image) {
    const { mediaType, digest, size } = image.descriptor;
    return { mediaType, digest, size };
}
/**
 * The attestation as a referrer of `image`. BuildKit's OCI-artifact attestations already are one
 * (`subject` and `artifactType` set): copied as they are, same digest. A classic one gets
 * `artifactType` and `subject` and nothing else changes: its config and layers (the in-toto
 * statements, whose own subjects name the image digest) stay, so its blobs are the source's.
 * The same bytes in give the same bytes out, so a dry run and a re-run agree with the run.
 */
function asReferrer(attestation, image) {
    const where = `the attestation ${attestation.descriptor.digest} of ${image.descriptor.digest} from "${attestation.source}"`;
    const predicateTypes = [
        ...new Set(attestation.manifest.layers.map((l) => l.annotations?.[mediaTypes_1.PREDICATE_TYPE_ANNOTATION]).filter((t) => t !== undefined)),
    ];
    const named = (0, attachment_1.referrerFields)(attestation.bytes).subject;
    if (named !== undefined) {
        if (named !== image.descriptor.digest) {
            throw new errors_1.ContentError((0, errors_1.say) `${where} names ${named} as its subject; use ${(0, errors_1.setting)('attestations', 'keep')} or strip`);
        }
        const digest = attestation.descriptor.digest;
        return { image, attestation, bytes: attestation.bytes, digest, rewritten: false, predicateTypes };
    }
    // `subject` and `artifactType` are OCI image manifest fields: a Docker v2 manifest has no place for them.
    if (attestation.manifest.mediaType !== mediaTypes_1.MediaType.OciManifest) {
        throw new errors_1.ContentError((0, errors_1.say) `${where} is a ${attestation.manifest.mediaType}, which cannot name a subject; use ${(0, errors_1.setting)('attestations', 'keep')} or strip`);
    }
    const { schemaVersion, mediaType, ...rest } = JSON.parse(attestation.bytes.toString('utf8'));
    const doc = { schemaVersion, mediaType, artifactType: mediaTypes_1.ATTESTATION_ARTIFACT_TYPE, ...rest, subject: subjectOf(image) };
    const bytes = Buffer.from(JSON.stringify(doc), 'utf8');
    return { image, attestation, bytes, digest: (0, digest_1.sha256Digest)(bytes), rewritten: true, predicateTypes };
}


/***/ }),

/***/ 8720:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.selectPlatforms = selectPlatforms;
exports.refuseDuplicatePlatforms = refuseDuplicatePlatforms;
exports.chooseMediaType = chooseMediaType;
exports.appendImages = appendImages;
exports.buildPlan = buildPlan;
const errors_1 = __webpack_require__(3916);
const mediaTypes_1 = __webpack_require__(8004);
const platform_1 = __webpack_require__(1890);
const attestations_1 = __webpack_require__(7608);
const serialize_1 = __webpack_require__(6913);
/** Keeps exactly the listed platforms, in source order; every listed one must be found. */
function selectPlatforms(images, wanted) {
    if (!wanted)
        return [...images];
    const kept = images.filter((c) => wanted.some((w) => (0, platform_1.platformMatches)(w, c.descriptor.platform)));
    const missing = wanted.filter((w) => !kept.some((c) => (0, platform_1.platformMatches)(w, c.descriptor.platform)));
    if (missing.length > 0) {
        const found = images.map((c) => (0, platform_1.formatPlatform)(c.descriptor.platform)).join(', ') || 'none';
        throw new errors_1.ContentError((0, errors_1.say) `${(0, errors_1.setting)('platforms')}: no source provides ${missing.map(platform_1.formatPlatform).join(', ')} (the sources provide ${found})`);
    }
    return kept;
}
/** Design rule 3: two entries with the same platform are an error. */
function refuseDuplicatePlatforms(images) {
    const seen = new Map();
    for (const child of images) {
        const key = (0, platform_1.platformKey)(child.descriptor.platform);
        const earlier = seen.get(key);
        if (earlier) {
            throw new errors_1.ContentError((0, errors_1.say) `platform ${(0, platform_1.formatPlatform)(child.descriptor.platform)} is provided twice: by "${earlier.source.toString()}" (${earlier.descriptor.digest}) and by "${child.source.toString()}" (${child.descriptor.digest}); remove one source or narrow them with ${(0, errors_1.setting)('platforms')}`);
        }
        seen.set(key, child);
    }
}
/**
 * Attestations whose subject is a kept image, in the order of their images; an attestation
 * both the base and a new source hold (a re-run) is listed once.
 */
function attestationsFor(images, attestations) {
    const seen = new Set();
    return images.flatMap((image) => attestations.filter((a) => {
        if (a.subject !== image.descriptor.digest || seen.has(a.descriptor.digest))
            return false;
        seen.add(a.descriptor.digest);
        return true;
    }));
}
function imageOf(images, attestation) {
    return images.find((i) => i.descriptor.digest === attestation.subject); // attestationsFor matched it
}
/** Chooses the index media type (design rule 5: no OCI child and no annotations in a Docker list). */
function chooseMediaType(mode, children, annotations) {
    const ociChildren = children.filter((c) => c.descriptor.mediaType !== mediaTypes_1.MediaType.DockerManifest);
    const hasAnnotations = Object.keys(annotations).length > 0;
    if (mode === 'oci')
        return mediaTypes_1.MediaType.OciIndex;
    if (mode === 'auto')
        return ociChildren.length === 0 && !hasAnnotations ? mediaTypes_1.MediaType.DockerList : mediaTypes_1.MediaType.OciIndex;
    if (ociChildren.length > 0) {
        const c = ociChildren[0];
        const what = c.kind === 'attestation' ? 'the attestation' : 'the image';
        throw new errors_1.ContentError([
            ...(0, errors_1.say) `${(0, errors_1.setting)('media-type')}: docker cannot be used: ${what} ${c.descriptor.digest} from "${c.source.toString()}" is an OCI manifest, which a Docker manifest list cannot hold; `,
            ...(0, errors_1.say) `use ${(0, errors_1.setting)('media-type', 'oci')} or auto`,
            ...(c.kind === 'attestation' ? (0, errors_1.say) `, or ${(0, errors_1.setting)('attestations', 'strip')}` : []),
        ]);
    }
    if (hasAnnotations) {
        throw new errors_1.ContentError((0, errors_1.say) `${(0, errors_1.setting)('media-type')}: docker cannot be used with annotations (a Docker manifest list has none); use ${(0, errors_1.setting)('media-type', 'oci')} or auto`);
    }
    return mediaTypes_1.MediaType.DockerList;
}
/**
 * Append: the base's entries in their order, each replaced in place by a new image of the same
 * platform; new platforms follow. Returns the images and the base entries that were replaced.
 */
function appendImages(base, added) {
    const byPlatform = new Map(added.map((c) => [(0, platform_1.platformKey)(c.descriptor.platform), c]));
    const used = new Set();
    const replaced = [];
    const images = base.map((old) => {
        const fresh = byPlatform.get((0, platform_1.platformKey)(old.descriptor.platform));
        if (!fresh)
            return old;
        used.add(fresh);
        replaced.push(old);
        return fresh;
    });
    return { images: [...images, ...added.filter((c) => !used.has(c))], replaced };
}
function buildPlan(resolved, options, base) {
    // `platforms` selects among the new sources; an append base keeps what it has.
    const added = selectPlatforms(resolved.flatMap((r) => r.images), options.platforms);
    refuseDuplicatePlatforms(added);
    const { images, replaced } = base ? appendImages(base.images, added) : { images: added, replaced: [] };
    if (base)
        refuseDuplicatePlatforms(images);
    // The base's attestations stay with the base entries kept (a replaced entry's go with it);
    // the new sources' follow the `attestations` input.
    const attestations = [
        ...(base?.attestations ?? []),
        ...(options.attestations === 'strip' ? [] : resolved.flatMap((r) => r.attestations)),
    ];
    const kept = attestationsFor(images, attestations);
    // As referrers, the attestations leave the index (the base's inline ones too): it lists only images.
    const asReferrers = options.attestations === 'referrers';
    const relocated = asReferrers ? kept.map((a) => (0, attestations_1.asReferrer)(a, imageOf(images, a))) : [];
    const children = asReferrers ? images : [...images, ...kept];
    // The base's index annotations stay unless the input sets the same key.
    const annotations = { ...(base?.annotations ?? {}), ...options.annotations };
    const mediaType = chooseMediaType(options.mediaType, children, annotations);
    const index = (0, serialize_1.serializeIndex)(mediaType, children.map((c) => c.descriptor), annotations);
    return {
        children,
        index,
        platforms: images.map((c) => (0, platform_1.formatPlatform)(c.descriptor.platform)),
        replaced,
        relocated,
    };
}


/***/ }),

/***/ 6913:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.serializeIndex = serializeIndex;
const errors_1 = __webpack_require__(3916);
const digest_1 = __webpack_require__(8825);
const mediaTypes_1 = __webpack_require__(8004);
function sortedRecord(r) {
    if (!r || Object.keys(r).length === 0)
        return undefined;
    return Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
// Fixed key order: the same inputs always give the same bytes, hence the same digest.
function platformJson(p) {
    return {
        architecture: p.architecture,
        os: p.os,
        ...(p['os.version'] ? { 'os.version': p['os.version'] } : {}),
        ...(p['os.features']?.length ? { 'os.features': [...p['os.features']] } : {}),
        ...(p.variant ? { variant: p.variant } : {}),
    };
}
function descriptorJson(d, withAnnotations) {
    const annotations = withAnnotations ? sortedRecord(d.annotations) : undefined;
    return {
        mediaType: d.mediaType,
        digest: d.digest,
        size: d.size,
        // BuildKit's OCI-artifact attestations are listed with their artifactType: kept as listed (OCI only).
        ...(withAnnotations && d.artifactType !== undefined ? { artifactType: d.artifactType } : {}),
        platform: platformJson(d.platform),
        ...(annotations ? { annotations } : {}),
    };
}
/**
 * Serialises the index once (design rule 6): `schemaVersion` 2, `mediaType` always present,
 * and for a Docker list no annotations anywhere (rule 5). Over 4 MiB is refused.
 */
function serializeIndex(mediaType, children, annotations) {
    const oci = mediaType === mediaTypes_1.MediaType.OciIndex;
    const indexAnnotations = oci ? sortedRecord(annotations) : undefined;
    const doc = {
        schemaVersion: 2,
        mediaType,
        manifests: children.map((c) => descriptorJson(c, oci)),
        ...(indexAnnotations ? { annotations: indexAnnotations } : {}),
    };
    const json = JSON.stringify(doc, null, 2);
    const bytes = Buffer.from(json, 'utf8');
    if (bytes.length > mediaTypes_1.MAX_MANIFEST_BYTES) {
        throw new errors_1.ContentError(`the merged index would be ${bytes.length} bytes; registries accept at most ${mediaTypes_1.MAX_MANIFEST_BYTES}`);
    }
    return { mediaType, bytes, digest: (0, digest_1.sha256Digest)(bytes), json };
}


/***/ }),

/***/ 2931:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.EarlierEntries = void 0;
exports.ownEntries = ownEntries;
exports.withoutImages = withoutImages;
exports.entriesOfManifest = entriesOfManifest;
exports.entriesOfBase = entriesOfBase;
exports.standing = standing;
exports.planRound = planRound;
const manifest_1 = __webpack_require__(2060);
const platform_1 = __webpack_require__(1890);
const plan_1 = __webpack_require__(8720);
function ownEntries(resolved, options) {
    const images = (0, plan_1.selectPlatforms)(resolved.flatMap((r) => r.images), options.platforms);
    (0, plan_1.refuseDuplicatePlatforms)(images);
    const subjects = new Set(images.map((i) => i.descriptor.digest));
    const attestations = options.attestations === 'keep'
        ? resolved.flatMap((r) => r.attestations).filter((a) => a.subject !== undefined && subjects.has(a.subject))
        : [];
    return { images, attestations };
}
/** Own entries without the images another run has replaced since (and their attestations). */
function withoutImages(own, dropped) {
    const gone = new Set(dropped.map((c) => c.descriptor.digest));
    return {
        images: own.images.filter((i) => !dropped.includes(i)),
        attestations: own.attestations.filter((a) => a.subject === undefined || !gone.has(a.subject)),
    };
}
function entryOf(d) {
    return { digest: d.digest, platform: d.platform && !(0, manifest_1.isAttestation)(d) ? (0, platform_1.platformKey)(d.platform) : undefined };
}
/** The entries of what a tag holds: an index's descriptors, or a plain image (platform unknown here). */
function entriesOfManifest(manifest, digest) {
    return manifest.kind === 'index' ? manifest.manifests.map(entryOf) : [{ digest }];
}
/** The entries of a resolved base (images with their platforms, attestations without). */
function entriesOfBase(base) {
    if (!base)
        return [];
    return [
        ...base.images.map((c) => ({ digest: c.descriptor.digest, platform: (0, platform_1.platformKey)(c.descriptor.platform) })),
        ...base.attestations.map((c) => ({ digest: c.descriptor.digest })),
    ];
}
/**
 * Per platform, the images the tag held before this run first wrote. Such an entry is older than
 * this run's: finding it again where this run's entry was means a writer that read the tag
 * before this run's write erased it, and this run writes its entry again.
 */
class EarlierEntries {
    byPlatform = new Map();
    record(entries) {
        for (const e of entries) {
            if (e.platform === undefined)
                continue;
            const seen = this.byPlatform.get(e.platform) ?? new Set();
            seen.add(e.digest);
            this.byPlatform.set(e.platform, seen);
        }
    }
    has(entry) {
        return entry.platform !== undefined && (this.byPlatform.get(entry.platform)?.has(entry.digest) ?? false);
    }
}
exports.EarlierEntries = EarlierEntries;
function standing(own, entries, earlier) {
    const digests = new Set(entries.map((e) => e.digest));
    const missing = [];
    const superseded = [];
    for (const image of own.images) {
        const digest = image.descriptor.digest;
        const attestations = own.attestations.filter((a) => a.subject === digest);
        if (digests.has(digest)) {
            if (attestations.some((a) => !digests.has(a.descriptor.digest)))
                missing.push(image);
            continue;
        }
        const key = (0, platform_1.platformKey)(image.descriptor.platform);
        const theirs = entries.find((e) => e.platform === key && !earlier.has(e));
        if (theirs)
            superseded.push({ own: image, theirs: theirs.digest });
        else
            missing.push(image);
    }
    return { missing, superseded };
}
/**
 * The index one round writes: the base as read, with this run's remaining entries appended
 * (each replaces the base's entry of its platform, as a plain append does).
 */
function planRound(resolved, options, own, base) {
    const images = new Set(own.images);
    const attestations = new Set(own.attestations);
    const sources = resolved.map((r) => ({
        ...r,
        images: r.images.filter((i) => images.has(i)),
        attestations: r.attestations.filter((a) => attestations.has(a)),
    }));
    // `platforms` chose the own entries already; some may have been left to a newer run since.
    return (0, plan_1.buildPlan)(sources, { ...options, platforms: undefined }, base);
}


/***/ }),

/***/ 1075:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readTags = readTags;
exports.allTagsAt = allTagsAt;
exports.publishIndex = publishIndex;
exports.explainRefusedTag = explainRefusedTag;
const client_1 = __webpack_require__(2440);
/**
 * HEADs every target tag. Reads only, so the run starts them with the resolve, off the
 * critical path; a tag's answer is compared with the planned digest later. A tag whose HEAD
 * names no digest is read whole: a registry that omits Docker-Content-Digest would otherwise
 * never match.
 */
function readTags(clientFor, targets) {
    return Promise.all(targets.map(async (target) => {
        const client = await clientFor(target.registry);
        const head = await client.headManifest(target.repository, target.tag);
        if (!head || head.digest !== undefined)
            return head?.digest;
        return (await client.getManifest(target.repository, target.tag)).digest;
    }));
}
/** True when every target tag already points at the index: the re-run no-op. */
function allTagsAt(current, index) {
    return current.every((digest) => digest === index.digest);
}
async function publishIndex(clientFor, index, targets, { dryRun, log, tags = readTags(clientFor, targets) }) {
    const currentDigests = await tags;
    // The tags are written all at once; their lines are logged in the order the tags were given.
    const settled = await Promise.allSettled(targets.map(async (target, i) => {
        const client = await clientFor(target.registry);
        const tag = target.tag;
        const current = currentDigests[i] === undefined ? undefined : { digest: currentDigests[i] };
        if (current?.digest === index.digest) {
            return { reference: target.toString(), outcome: 'unchanged', line: `${target} already points at ${index.digest}` };
        }
        if (dryRun)
            return { reference: target.toString(), outcome: 'would-write' };
        try {
            await client.putManifest(target.repository, tag, index.bytes, index.mediaType);
        }
        catch (err) {
            throw explainRefusedTag(err, target, current?.digest);
        }
        return { reference: target.toString(), outcome: 'written', line: `tagged ${target} → ${index.digest}` };
    }));
    const results = [];
    for (const s of settled) {
        if (s.status === 'fulfilled') {
            if (s.value.line !== undefined)
                log.info(s.value.line);
            results.push({ reference: s.value.reference, outcome: s.value.outcome });
        }
    }
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed)
        throw failed.reason;
    return results;
}
/**
 * A tag that exists and is refused a new digest is most likely immutable (ECR answers
 * "400 TAG_INVALID", Harbor and GitLab have tag protection rules): name the digest holding it
 * and what to do, as the registry's own words vary.
 */
function explainRefusedTag(err, target, current) {
    if (current === undefined || !(err instanceof client_1.RegistryError) || err.status < 400 || err.status >= 500)
        return err;
    if ([401, 404, 408, 429].includes(err.status))
        return err;
    err.message += `; ${target} already points at ${current}: if the repository's tags are immutable, push the merged image to a new tag`;
    return err;
}


/***/ }),

/***/ 6807:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.COSIGN_SUFFIXES = void 0;
exports.digestTag = digestTag;
exports.referrerFields = referrerFields;
exports.referrerDescriptor = referrerDescriptor;
exports.flatten = flatten;
exports.shortDigest = shortDigest;
const digest_1 = __webpack_require__(8825);
/** cosign's tag attachments: `sha256-<hex>.sig`, `.att` (attestations), `.sbom`. */
exports.COSIGN_SUFFIXES = ['sig', 'att', 'sbom'];
/** `sha256-<hex>`: the referrers tag schema's fallback tag, and the stem of cosign's tags. */
function digestTag(digest) {
    return digest.replace(':', '-');
}
function referrerFields(bytes) {
    let json;
    try {
        json = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        return {};
    }
    const subject = json.subject?.digest;
    const config = json.config;
    // The referrers API's rule: artifactType, else the config's media type.
    const artifactType = typeof json.artifactType === 'string'
        ? json.artifactType
        : typeof config?.mediaType === 'string'
            ? config.mediaType
            : undefined;
    const annotations = json.annotations;
    const stringMap = typeof annotations === 'object' &&
        annotations !== null &&
        !Array.isArray(annotations) &&
        Object.values(annotations).every((v) => typeof v === 'string');
    return {
        ...(typeof subject === 'string' && (0, digest_1.isDigest)(subject) ? { subject } : {}),
        ...(artifactType !== undefined ? { artifactType } : {}),
        ...(stringMap && Object.keys(annotations).length > 0 ? { annotations: annotations } : {}),
    };
}
/** The descriptor a referrers index holds for a manifest. */
function referrerDescriptor(digest, mediaType, bytes) {
    const { artifactType, annotations } = referrerFields(bytes);
    return {
        mediaType,
        digest,
        size: bytes.length,
        ...(artifactType !== undefined ? { artifactType } : {}),
        ...(annotations ? { annotations } : {}),
    };
}
/** Every attachment in a tree, parents before their own attachments. */
function flatten(attachments) {
    return attachments.flatMap((a) => [a, ...flatten(a.attachments)]);
}
function shortDigest(digest) {
    return digest.slice(0, 19);
}


/***/ }),

/***/ 8311:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Carrier = void 0;
const digest_1 = __webpack_require__(8825);
const mediaTypes_1 = __webpack_require__(8004);
const attachment_1 = __webpack_require__(6807);
const cosignMerge_1 = __webpack_require__(2433);
const fallbackIndex_1 = __webpack_require__(1398);
const sharedTag_1 = __webpack_require__(6747);
const words_1 = __webpack_require__(333);
/** cosign tags that hold a list cosign appends to; an `.sbom` is one document, never merged. */
const MERGED_SUFFIXES = ['.sig', '.att'];
/**
 * Writes attachments into target repositories: blobs through the Transfer (as for children),
 * then the manifest, by digest for a referrer (a referrers API registers it) or under its cosign
 * tag; where the registry has no referrers API, the `sha256-<hex>` fallback index of each
 * subject gets the new entries. Writes happen only after every source resolved and the plan
 * passed (the caller's order), and before the index tag.
 */
class Carrier {
    clientFor;
    transfer;
    options;
    /** Per target repository: whether it has a referrers API, asked once when no PUT told. */
    apis = new Map();
    constructor(clientFor, transfer, options) {
        this.clientFor = clientFor;
        this.transfer = transfer;
        this.options = options;
    }
    /** Carries one child's attachments (a tree) from `source` into `target`; outcome per attachment, in tree order. */
    async carry(attachments, source, target, report, missed) {
        const written = [];
        const walk = async (a) => {
            // A manifest already in the target has its blobs there: nothing to mount (a re-run writes nothing).
            const client = await this.clientFor(target.registry);
            const there = (await client.headManifest(target.repository, a.descriptor.digest)) !== undefined ||
                (await this.inCosignTag(client, a, target));
            if (!there)
                await this.transfer.ensureBlobs(a.manifest, a.from ?? source, target, report);
            const w = a.link.kind === 'tag' ? await this.putTag(a, a.link.tag, target, missed) : await this.putReferrer(a, target, there);
            if (w.outcome === 'pushed' || w.outcome === 'would-push')
                report.manifests[w.outcome]++;
            if (w.outcome === 'present')
                report.manifests.present++;
            written.push(w);
            // What is attached to this one goes after it: its subject is in place first.
            await Promise.all(a.attachments.map(walk));
        };
        await Promise.all(attachments.map(walk));
        if (!this.options.dryRun)
            await this.updateFallbackIndexes(written, target);
        return new Map(written.map((w) => [w.attachment, w.outcome]));
    }
    /** Whether the target's cosign tag lists every signature of `a` already (added there by an earlier run, design rule 19). */
    async inCosignTag(client, a, target) {
        if (a.link.kind !== 'tag' || !MERGED_SUFFIXES.some((suffix) => a.link.kind === 'tag' && a.link.tag.endsWith(suffix))) {
            return false;
        }
        const head = await client.headManifest(target.repository, a.link.tag);
        if (head === undefined)
            return false;
        const current = await client.getManifest(target.repository, head.digest ?? a.link.tag);
        return (0, cosignMerge_1.missingLayers)(current.bytes, a.bytes, `${target.name}:${a.link.tag}`).length === 0;
    }
    async putReferrer(a, target, there) {
        const client = await this.clientFor(target.registry);
        const digest = a.descriptor.digest;
        if (there)
            return { attachment: a, outcome: 'present' };
        if (this.options.dryRun)
            return { attachment: a, outcome: 'would-push' };
        const put = await client.putReferrer(target.repository, digest, a.bytes, a.descriptor.mediaType);
        this.options.log(`pushed referrer ${digest} of ${(0, attachment_1.shortDigest)(a.subject)} to ${target.name}`);
        return { attachment: a, outcome: 'pushed', registered: put.subject === a.subject };
    }
    /** A cosign tag: written when absent; a different manifest already under it is kept (it is someone's signature). */
    async putTag(a, tag, target, missed) {
        const client = await this.clientFor(target.registry);
        const digest = a.descriptor.digest;
        const head = await client.headManifest(target.repository, tag);
        // A registry that names no digest on HEAD: read the tag to compare.
        const current = head && (head.digest ?? (await client.getManifest(target.repository, tag)).digest);
        if (current === digest)
            return { attachment: a, outcome: 'present' };
        if (current !== undefined && MERGED_SUFFIXES.some((suffix) => tag.endsWith(suffix))) {
            if (this.options.dryRun)
                return { attachment: a, outcome: 'would-push' };
            return this.addToCosignTag(client, a, tag, target);
        }
        if (current !== undefined) {
            missed.push({
                what: `${digest} (${tag})`,
                why: `${target.name}:${tag} already holds ${current}, kept as it is (never drop a signature someone else wrote)`,
            });
            return { attachment: a, outcome: 'kept-theirs' };
        }
        if (this.options.dryRun)
            return { attachment: a, outcome: 'would-push' };
        await client.putManifest(target.repository, tag, a.bytes, a.descriptor.mediaType);
        this.options.log(`pushed ${target.name}:${tag} (${digest})`);
        return { attachment: a, outcome: 'pushed' };
    }
    /**
     * Without a referrers API the referrers of a subject are found through its fallback tag:
     * add what was carried, keep what is there, write only when it changed.
     */
    async updateFallbackIndexes(written, target) {
        const bySubject = new Map();
        for (const w of written) {
            if (w.attachment.link.kind !== 'subject' || w.outcome === 'kept-theirs')
                continue;
            bySubject.set(w.attachment.subject, [...(bySubject.get(w.attachment.subject) ?? []), w]);
        }
        await Promise.all([...bySubject].map(async ([subject, group]) => {
            const pushed = group.filter((w) => w.outcome === 'pushed');
            // A PUT's answer says whether the registry registered the subject; else ask the registry once.
            const hasApi = pushed.length > 0 ? pushed.some((w) => w.registered) : await this.hasReferrersApi(target, subject);
            if (!hasApi)
                await this.addToFallback(target, subject, group.map((w) => w.attachment.descriptor));
        }));
    }
    hasReferrersApi(target, subject) {
        let api = this.apis.get(target.name);
        if (!api) {
            api = this.clientFor(target.registry).then(async (c) => (await c.getReferrers(target.repository, subject)) !== undefined);
            this.apis.set(target.name, api);
        }
        return api;
    }
    /**
     * The fallback index is read, changed and written back by every tool that attaches something
     * (cosign, actions/attest-build-provenance): this run's entries are merged onto what is there
     * and kept there against a concurrent writer (design rule 19).
     */
    async addToFallback(target, subject, referrers) {
        const client = await this.clientFor(target.registry);
        const tag = (0, attachment_1.digestTag)(subject);
        const where = `${target.name}:${tag}`;
        const own = referrers.map((r) => r.digest);
        const wrote = await (0, sharedTag_1.mergeIntoTag)(client, target, tag, {
            what: `the referrers index ${where}`,
            merge: async (current) => {
                const update = (0, fallbackIndex_1.addToFallbackIndex)(current?.bytes, referrers, where);
                return update.changed ? { bytes: update.bytes, mediaType: mediaTypes_1.MediaType.OciIndex } : undefined;
            },
            holds: (current) => {
                const listed = listedDigests(current.bytes);
                return own.every((d) => listed.has(d));
            },
        }, { log: this.options.log, timing: this.options.settle });
        if (wrote) {
            this.options.log(`updated the referrers index ${where} (${(0, words_1.counted)(referrers.length, 'referrer')} of ${(0, attachment_1.shortDigest)(subject)})`);
        }
    }
    /**
     * A cosign `.sig` / `.att` the target holds already, with signatures of its own: the carried
     * ones are added to it, as cosign adds one, never written over it (design rule 19).
     */
    async addToCosignTag(client, a, tag, target) {
        const where = `${target.name}:${tag}`;
        let added = 0;
        const wrote = await (0, sharedTag_1.mergeIntoTag)(client, target, tag, {
            what: where,
            merge: async (current) => {
                // Deleted meanwhile: the carried manifest as it is.
                if (current === undefined)
                    return { bytes: a.bytes, mediaType: a.descriptor.mediaType };
                const missing = (0, cosignMerge_1.missingLayers)(current.bytes, a.bytes, where);
                added = missing.length;
                if (missing.length === 0)
                    return undefined;
                const config = await this.extendConfig(client, target, current.bytes, missing, where);
                const bytes = (0, cosignMerge_1.withLayers)(current.bytes, missing, config, where);
                return { bytes, mediaType: (0, cosignMerge_1.mediaTypeOf)(current.bytes) ?? a.descriptor.mediaType };
            },
            holds: (current) => (0, cosignMerge_1.missingLayers)(current.bytes, a.bytes, where).length === 0,
        }, { log: this.options.log, timing: this.options.settle });
        if (!wrote)
            return { attachment: a, outcome: 'present' };
        this.options.log(`added ${(0, words_1.counted)(added, 'signature')} of ${a.descriptor.digest} to ${where}, which keeps its own`);
        return { attachment: a, outcome: 'pushed' };
    }
    /** The cosign manifest's config with the added layers recorded, uploaded; undefined to keep it as it is. */
    async extendConfig(client, target, current, added, where) {
        const config = (0, cosignMerge_1.configOf)(current, where);
        if (!config || !(0, digest_1.isDigest)(config.digest) || config.size > 1024 * 1024)
            return undefined;
        const chunks = [];
        for await (const chunk of await client.getBlob(target.repository, config.digest, config.size))
            chunks.push(chunk);
        const bytes = (0, cosignMerge_1.extendedConfig)(Buffer.concat(chunks), added);
        if (!bytes)
            return undefined;
        const digest = (0, digest_1.digestOf)(bytes);
        const session = await client.startUpload(target.repository);
        await client.finishUpload(target.repository, session, digest, bytes.length, bytes);
        return { mediaType: config.mediaType, digest, size: bytes.length };
    }
}
exports.Carrier = Carrier;
/** The digests a referrers index lists (none when it is not one). */
function listedDigests(bytes) {
    try {
        const manifests = JSON.parse(bytes.toString('utf8')).manifests;
        return new Set(Array.isArray(manifests) ? manifests.map((m) => String(m.digest)) : []);
    }
    catch {
        return new Set();
    }
}


/***/ }),

/***/ 2433:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.missingLayers = missingLayers;
exports.withLayers = withLayers;
exports.extendedConfig = extendedConfig;
exports.configOf = configOf;
exports.mediaTypeOf = mediaTypeOf;
const errors_1 = __webpack_require__(3916);
function parse(bytes, where) {
    let json;
    try {
        json = JSON.parse(bytes.toString('utf8'));
    }
    catch {
        throw new errors_1.ContentError(`${where}: not a JSON manifest`);
    }
    const layers = json.layers;
    if (typeof json !== 'object' || json === null || !Array.isArray(layers) || layers.some((l) => typeof l?.digest !== 'string')) {
        throw new errors_1.ContentError(`${where}: not a cosign manifest (no "layers")`);
    }
    return json;
}
/** One signature: its payload and what it says about it (two keys may sign the same payload). */
function keyOf(layer) {
    const annotations = (layer.annotations ?? {});
    const sorted = Object.keys(annotations)
        .sort()
        .map((k) => [k, annotations[k]]);
    return `${layer.digest} ${JSON.stringify(sorted)}`;
}
/** The layers of `carried` that `current` lacks, in `carried`'s order. */
function missingLayers(current, carried, where) {
    const there = new Set(parse(current, where).layers.map(keyOf));
    return parse(carried, where).layers.filter((l) => !there.has(keyOf(l)));
}
/** The manifest `current` with `added` after its own layers, and `config` (rewritten for them) as its config. */
function withLayers(current, added, config, where) {
    const json = parse(current, where);
    return Buffer.from(JSON.stringify({ ...json, ...(config ? { config } : {}), layers: [...json.layers, ...added] }));
}
/**
 * The image config a cosign manifest carries, with `added` recorded as cosign's `AppendLayers`
 * does (one diff ID, which is the digest of an uncompressed layer, and one history entry each);
 * undefined when it is not a config that lists them.
 */
function extendedConfig(config, added) {
    let json;
    try {
        json = JSON.parse(config.toString('utf8'));
    }
    catch {
        return undefined;
    }
    const rootfs = json.rootfs;
    if (!rootfs || !Array.isArray(rootfs.diff_ids))
        return undefined;
    const history = Array.isArray(json.history)
        ? [...json.history, ...added.map(() => ({ created: '0001-01-01T00:00:00Z' }))]
        : undefined;
    return Buffer.from(JSON.stringify({
        ...json,
        rootfs: { ...rootfs, diff_ids: [...rootfs.diff_ids, ...added.map((l) => l.digest)] },
        ...(history ? { history } : {}),
    }));
}
/** The config descriptor of a cosign manifest (to read and rewrite its config). */
function configOf(current, where) {
    const c = parse(current, where).config;
    return c && typeof c.digest === 'string' && typeof c.size === 'number' && typeof c.mediaType === 'string'
        ? { mediaType: c.mediaType, digest: c.digest, size: c.size }
        : undefined;
}
function mediaTypeOf(bytes) {
    try {
        const m = JSON.parse(bytes.toString('utf8')).mediaType;
        return typeof m === 'string' ? m : undefined;
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 3489:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Discoverer = exports.MAX_DEPTH = void 0;
exports.describeListed = describeListed;
const manifest_1 = __webpack_require__(2060);
const limits_1 = __webpack_require__(5017);
const concurrency_1 = __webpack_require__(3731);
const attachment_1 = __webpack_require__(6807);
/** Levels of attachments carried: a signature (1), a signature of an attestation (2), and one more. */
exports.MAX_DEPTH = 3;
function describeListed(l, repository) {
    return l.link.kind === 'tag' ? `${repository}:${l.link.tag}` : `${repository}@${l.digest}`;
}
/**
 * Finds what is attached to a manifest in its own repository: OCI 1.1 referrers (the referrers
 * API, or on a 404 the fallback tag `sha256-<hex>`) and cosign's `.sig`/`.att`/`.sbom` tags.
 * Existence is checked with HEAD (Docker Hub counts manifest GETs as pulls, not HEADs); only
 * what exists is read.
 */
class Discoverer {
    clientFor;
    limits;
    listings = new concurrency_1.Once();
    maxDepth;
    constructor(clientFor, options = {}) {
        this.clientFor = clientFor;
        this.maxDepth = options.maxDepth ?? exports.MAX_DEPTH;
        // Lookups of a run with many children go out in as few waves as the transport allows: the re-run (g) is nothing else.
        this.limits = options.limits ?? new limits_1.RegistryLimits();
    }
    limited(registry, task) {
        return this.limits.run(registry, task);
    }
    /**
     * Lists what is attached to `digest` in `source`'s repository, without reading it; once per
     * manifest, so a listing started early (as the sources resolve) is the one used later.
     */
    list(source, digest) {
        const listing = this.listings.run(`${source.name}@${digest}`, async () => {
            const client = await this.clientFor(source.registry);
            const [bySubject, byTag] = await Promise.all([
                this.referrers(client, source, digest),
                this.cosignTags(client, source, digest),
            ]);
            return [...bySubject.map((d) => ({ link: { kind: 'subject' }, digest: d.digest })), ...byTag];
        });
        listing.catch(() => undefined); // a failure surfaces where it is awaited
        return listing;
    }
    async referrers(client, source, digest) {
        // The referrers API and the fallback tag are asked at once: one round trip for a manifest
        // with nothing attached, whichever the registry has (a HEAD costs no Docker Hub pull).
        const tag = (0, attachment_1.digestTag)(digest);
        const fallback = this.limited(source.registry, () => client.headManifest(source.repository, tag));
        fallback.catch(() => undefined); // only its answer without an API matters
        const viaApi = await this.limited(source.registry, () => client.getReferrers(source.repository, digest));
        if (viaApi !== undefined)
            return viaApi;
        // No referrers API: the referrers tag schema's index, when the tag exists.
        const head = await fallback;
        if (!head)
            return [];
        const fetched = await this.limited(source.registry, () => client.getManifest(source.repository, head.digest ?? tag));
        const index = (0, manifest_1.parseManifest)(fetched.bytes, fetched.contentType, `${source.name}:${tag}`);
        // Not an index: not a referrers tag (someone's image under that name); nothing to list.
        return index.kind === 'index' ? [...index.manifests] : [];
    }
    async cosignTags(client, source, digest) {
        const found = await Promise.all(attachment_1.COSIGN_SUFFIXES.map(async (suffix) => {
            const tag = `${(0, attachment_1.digestTag)(digest)}.${suffix}`;
            const head = await this.limited(source.registry, () => client.headManifest(source.repository, tag));
            return head ? { link: { kind: 'tag', tag }, digest: head.digest } : undefined;
        }));
        return found.filter((l) => l !== undefined);
    }
    /**
     * Everything attached to `digest`, read and verified, and recursively what is attached to
     * that, down to the depth bound; what lies past the bound is named in `missed`.
     */
    async discover(source, digest, depth = 1) {
        const listed = await this.list(source, digest);
        if (depth > this.maxDepth) {
            return {
                attachments: [],
                missed: listed.map((l) => ({
                    what: describeListed(l, source.name),
                    why: `attached ${depth} levels below the image, past the depth bound of ${this.maxDepth}`,
                })),
            };
        }
        const results = await Promise.all(listed.map((l) => this.read(source, digest, l, depth)));
        return {
            attachments: results.flatMap((r) => r.attachments),
            missed: results.flatMap((r) => r.missed),
        };
    }
    async read(source, subject, listed, depth) {
        const client = await this.clientFor(source.registry);
        const ref = listed.digest ?? listed.link.tag;
        const fetched = await this.limited(source.registry, () => client.getManifest(source.repository, ref));
        const what = describeListed({ ...listed, digest: fetched.digest }, source.name);
        const manifest = (0, manifest_1.parseManifest)(fetched.bytes, fetched.contentType, what);
        if (manifest.kind !== 'image') {
            return { attachments: [], missed: [{ what, why: 'an index, not an image manifest: not carried' }] };
        }
        if (listed.link.kind === 'subject' && (0, attachment_1.referrerFields)(fetched.bytes).subject !== subject) {
            return {
                attachments: [],
                missed: [{ what, why: `listed as a referrer of ${(0, attachment_1.shortDigest)(subject)} but its subject differs` }],
            };
        }
        const below = await this.discover(source, fetched.digest, depth + 1);
        const attachment = {
            subject,
            link: listed.link,
            bytes: fetched.bytes,
            manifest,
            descriptor: (0, attachment_1.referrerDescriptor)(fetched.digest, manifest.mediaType, fetched.bytes),
            attachments: below.attachments,
        };
        return { attachments: [attachment], missed: below.missed };
    }
}
exports.Discoverer = Discoverer;


/***/ }),

/***/ 1398:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.addToFallbackIndex = addToFallbackIndex;
const errors_1 = __webpack_require__(3916);
const mediaTypes_1 = __webpack_require__(8004);
function entryJson(d) {
    return {
        mediaType: d.mediaType,
        digest: d.digest,
        size: d.size,
        ...(d.artifactType !== undefined ? { artifactType: d.artifactType } : {}),
        ...(d.annotations && Object.keys(d.annotations).length > 0
            ? { annotations: Object.fromEntries(Object.entries(d.annotations).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) }
            : {}),
    };
}
/**
 * Adds referrers to a referrers tag schema index (`sha256-<hex>`). Every entry already there is
 * kept as it is, in its place (other tools' fields included); new entries follow in digest order,
 * so the same inputs always give the same bytes. `changed: false` when there is nothing to add:
 * the tag is then not written again.
 */
function addToFallbackIndex(current, referrers, where) {
    let doc = { schemaVersion: 2, mediaType: mediaTypes_1.MediaType.OciIndex, manifests: [] };
    if (current !== undefined) {
        let parsed;
        try {
            parsed = JSON.parse(current.toString('utf8'));
        }
        catch {
            throw new errors_1.ContentError(`${where}: the referrers index is not valid JSON`);
        }
        if (typeof parsed !== 'object' || parsed === null || !Array.isArray(parsed.manifests)) {
            throw new errors_1.ContentError(`${where}: the tag does not hold a referrers index (no "manifests" array)`);
        }
        doc = parsed;
    }
    const entries = doc.manifests;
    const present = new Set(entries.map((e) => e.digest));
    const added = [...new Map(referrers.filter((r) => !present.has(r.digest)).map((r) => [r.digest, r])).values()].sort((a, b) => a.digest < b.digest ? -1 : a.digest > b.digest ? 1 : 0);
    if (added.length === 0)
        return { changed: false };
    const next = { ...doc, manifests: [...entries, ...added.map(entryJson)] };
    return { changed: true, bytes: Buffer.from(JSON.stringify(next, null, 2), 'utf8') };
}


/***/ }),

/***/ 3528:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Referrers = void 0;
const errors_1 = __webpack_require__(3916);
const mediaTypes_1 = __webpack_require__(8004);
const platform_1 = __webpack_require__(1890);
const transfer_1 = __webpack_require__(3456);
const attachment_1 = __webpack_require__(6807);
const carry_1 = __webpack_require__(8311);
const discover_1 = __webpack_require__(3489);
const words_1 = __webpack_require__(333);
const NOTHING = { attachments: [], missed: [] };
function labelOf(child, plan) {
    if (child.kind === 'image')
        return (0, platform_1.formatPlatform)(child.descriptor.platform);
    const image = plan.children.find((c) => c.kind === 'image' && c.descriptor.digest === child.subject);
    return image
        ? `attestation of ${(0, platform_1.formatPlatform)(image.descriptor.platform)}`
        : `attestation ${(0, attachment_1.shortDigest)(child.descriptor.digest)}`;
}
/**
 * Carrying referrers, from the first request to the last write before the tags. Looking is reads only,
 * in the source repositories: it starts the moment resolve learns a manifest digest (`known`),
 * so it overlaps the rest of the resolve and the transfer, and a child with nothing attached
 * costs no round trip on the critical path. Once the plan names the children, their
 * attachments are read (recursively, to the depth bound); `carry` writes them, after the
 * children and before the index tag. Sources that were indexes (unwrapped or flattened) are
 * listed too: what is attached to them signs an index the result does not contain, and is
 * named, not carried.
 */
class Referrers {
    clientFor;
    targets;
    options;
    discoverer;
    constructor(clientFor, 
    /** One reference per target repository. */
    targets, options) {
        this.clientFor = clientFor;
        this.targets = targets;
        this.options = options;
        this.discoverer = new discover_1.Discoverer(clientFor, options);
    }
    /** Resolve's hook: a manifest digest of a source is known; list what is attached to it, now. */
    known = (source, digest) => {
        if (this.options.mode === 'copy' && this.elsewhere(source))
            void this.discoverer.list(source, digest);
    };
    /** Whether some target repository is not the source's own (in its own, what is attached stays attached). */
    elsewhere(source) {
        return this.targets.some((t) => t.name !== source.name);
    }
    /** Reads what is attached to the children of the plan (reads only); `carry` writes it. */
    start(plan, resolved) {
        return startReferrers(this.clientFor, this.discoverer, plan, resolved, this.targets, this.options);
    }
}
exports.Referrers = Referrers;
function startReferrers(clientFor, discoverer, plan, resolved, targets, options) {
    const copy = options.mode === 'copy';
    const discoveries = new Map();
    for (const child of plan.children) {
        const elsewhere = copy && targets.some((t) => t.name !== child.source.name);
        const found = elsewhere ? discoverer.discover(child.source, child.descriptor.digest) : Promise.resolve(NOTHING);
        found.catch(() => undefined); // a failure surfaces where it is awaited
        discoveries.set(child, found);
    }
    // The attestations that leave the index: written like any referrer of their image, by the same carrier.
    const relocated = new Map();
    for (const r of plan.relocated) {
        const a = {
            subject: r.image.descriptor.digest,
            link: { kind: 'subject' },
            bytes: r.bytes,
            manifest: r.attestation.manifest,
            descriptor: (0, attachment_1.referrerDescriptor)(r.digest, r.attestation.manifest.mediaType, r.bytes),
            attachments: [],
            from: r.attestation.source,
        };
        relocated.set(r.image, [...(relocated.get(r.image) ?? []), a]);
    }
    const childDigests = new Set(plan.children.map((c) => c.descriptor.digest));
    const indexSources = resolved.filter((r) => copy && (0, mediaTypes_1.isIndexMediaType)(r.mediaType) && !childDigests.has(r.digest) && r.images.some((i) => plan.children.includes(i)));
    const unwrapped = Promise.all(indexSources.map(async (r) => {
        const listed = await discoverer.list(r.reference, r.digest);
        return listed.map((l) => ({
            what: (0, discover_1.describeListed)(l, r.reference.name),
            why: `attached to the index ${(0, attachment_1.shortDigest)(r.digest)} of "${r.reference}", which the result does not contain (its images were taken out of it)`,
        }));
    }));
    unwrapped.catch(() => undefined);
    return {
        carry: () => carryAll().catch((err) => {
            // Attachments are not what the user asked to merge: say how to merge without them.
            const hint = plan.relocated.length > 0 ? RELOCATED_HINT : SKIP_HINT;
            if (err instanceof Error && !(0, errors_1.wordingOf)(err).includes(hint[0]))
                (0, errors_1.appendWording)(err, '; ', ...hint);
            throw err;
        }),
    };
    async function carryAll() {
        const [discovered, fromIndexes] = await Promise.all([
            Promise.all(plan.children.map(async (c) => [c, await discoveries.get(c)])),
            unwrapped,
        ]);
        const missed = [...discovered.flatMap(([, d]) => d.missed), ...fromIndexes.flat()];
        // The attachments' blobs are counted in the referrers report; live progress is the children's.
        const transfer = new transfer_1.Transfer(clientFor, {
            dryRun: options.dryRun,
            reporter: { info: (message) => options.log.info(message), progress: () => undefined },
            limits: options.limits,
        });
        const carrier = new carry_1.Carrier(clientFor, transfer, {
            dryRun: options.dryRun,
            log: (message) => options.log.info(message),
        });
        // Per target repository, per child: the outcome of each attachment (children from the target repository itself need nothing).
        const outcomes = new Map();
        // The same, by subject and digest: a relocated attestation merged with its listing is a new object.
        const bySubject = new Map();
        const transfers = await Promise.all(targets.map(async (target) => {
            const report = (0, transfer_1.emptyTransfer)(target.name);
            await Promise.all(discovered.map(async ([child, d]) => {
                // In the child's own repository what is attached stays attached; its relocated attestations are new there too.
                const own = child.source.name === target.name ? [] : d.attachments;
                const attachments = withRelocated(relocated.get(child) ?? [], own);
                if (attachments.length === 0)
                    return;
                const result = await carrier.carry(attachments, child.source, target, report, missed);
                for (const [a, outcome] of result) {
                    outcomes.set(a, [...(outcomes.get(a) ?? []), outcome]);
                    const key = `${a.subject} ${a.descriptor.digest}`;
                    bySubject.set(key, [...(bySubject.get(key) ?? []), outcome]);
                }
            }));
            return report;
        }));
        const done = options.dryRun ? ['would-push', 'present'] : ['pushed', 'present'];
        const children = discovered.map(([child, d]) => {
            const all = (0, attachment_1.flatten)(d.attachments);
            return {
                label: labelOf(child, plan),
                digest: child.descriptor.digest,
                found: all.length,
                carried: all.filter((a) => (outcomes.get(a) ?? []).every((o) => done.includes(o))).length,
            };
        });
        for (const c of children) {
            if (c.found > 0) {
                const verb = options.dryRun ? 'would be carried' : 'carried';
                options.log.info(`${c.label} ${(0, attachment_1.shortDigest)(c.digest)}: ${(0, words_1.counted)(c.found, 'referrer')} found, ${c.carried} ${verb}`);
            }
        }
        for (const m of missed)
            options.log.warning(`not carried: ${m.what}: ${m.why}`);
        if (!copy) {
            options.log.info('referrers: skip: what is attached to the children (signatures, SBOMs, attestations) is not carried');
        }
        const attestations = plan.relocated.map((r) => attestationReport(r, bySubject.get(`${r.image.descriptor.digest} ${r.digest}`) ?? [], options.dryRun));
        for (const a of attestations)
            options.log.info(describeAttestation(a, options.dryRun));
        return { mode: options.mode, dryRun: options.dryRun, children: copy ? children : [], missed, transfers, attestations };
    }
}
/**
 * A child's attachments with its relocated attestations first. An OCI-artifact attestation the
 * source registry already lists as a referrer is written once, with what is attached to it.
 */
function withRelocated(relocated, discovered) {
    const found = new Map(discovered.map((a) => [a.descriptor.digest, a]));
    const taken = new Set(relocated.map((a) => a.descriptor.digest));
    return [
        ...relocated.map((a) => ({ ...a, attachments: found.get(a.descriptor.digest)?.attachments ?? a.attachments })),
        ...discovered.filter((a) => !taken.has(a.descriptor.digest)),
    ];
}
function attestationReport(r, outcomes, dryRun) {
    const outcome = outcomes.every((o) => o === 'present') ? 'present' : dryRun ? 'would-push' : 'pushed';
    return {
        platform: (0, platform_1.formatPlatform)(r.image.descriptor.platform),
        predicateTypes: r.predicateTypes,
        digest: r.digest,
        subject: r.image.descriptor.digest,
        ...(r.rewritten ? { rewrittenFrom: r.attestation.descriptor.digest } : {}),
        outcome,
    };
}
function describeAttestation(a, dryRun) {
    const what = a.predicateTypes.length > 0 ? a.predicateTypes.join(', ') : 'attestation';
    const done = a.outcome === 'present' ? 'already there' : dryRun ? 'would be written' : 'written';
    return `attestation of ${a.platform} (${what}) ${a.digest}: referrer of ${a.subject}, ${done}`;
}
const RELOCATED_HINT = (0, errors_1.say) `this happened while writing the attestations as referrers of their images and what is attached to the children; ${(0, errors_1.setting)('attestations', 'strip')} (or ${(0, errors_1.setting)('attestations', 'keep')}) and ${(0, errors_1.setting)('referrers', 'skip')} merge without them`;
const SKIP_HINT = (0, errors_1.say) `this happened while carrying what is attached to the children (${(0, errors_1.setting)('referrers', 'copy')}); ${(0, errors_1.setting)('referrers', 'skip')} merges without them`;


/***/ }),

/***/ 6747:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.mergeIntoTag = mergeIntoTag;
const errors_1 = __webpack_require__(3916);
const digest_1 = __webpack_require__(8825);
const settle_1 = __webpack_require__(5434);
/**
 * Design rule 19: a tag that other tools read, change and write back too (a `sha256-<hex>`
 * referrers index, a cosign `.sig` or `.att`) is never written over: this run's entries are merged
 * onto what is there, and the tag is written, checked and merged again until it holds them, in
 * the settling loop parallel appends use (util/settle.ts, docs/concurrent-append.md). True when
 * this run wrote the tag.
 */
async function mergeIntoTag(client, target, tag, how, options) {
    const timing = options.timing ?? settle_1.SETTLE_TIMING;
    /** What the tag holds, read at what its HEAD answered. */
    const readAt = async (head) => head && client.getManifest(target.repository, head.digest ?? tag);
    const read = async () => readAt(await client.headManifest(target.repository, tag));
    const digestNow = async () => {
        const head = await client.headManifest(target.repository, tag);
        return head && (head.digest ?? (await client.getManifest(target.repository, tag)).digest);
    };
    let base = await read();
    let next = await how.merge(base);
    if (next === undefined)
        return false;
    let wrote = false;
    const settled = await (0, settle_1.writeUntilSettled)({
        remerge: async () => {
            base = await read();
            next = await how.merge(base);
            return next !== undefined;
        },
        unmoved: async () => {
            if ((await digestNow()) === base?.digest)
                return true;
            options.log(`${how.what} changed since this run read it; reading it again`);
            return false;
        },
        write: async () => {
            const w = next;
            await client.putManifest(target.repository, tag, w.bytes, w.mediaType);
            wrote = true;
            return true;
        },
        holds: async (round) => {
            // Still at what this run wrote: a HEAD tells (Docker Hub counts a GET as a pull).
            const head = await client.headManifest(target.repository, tag);
            const written = (0, digest_1.digestOf)(next.bytes);
            const now = head?.digest === written ? undefined : await readAt(head);
            if (head?.digest === written || (now && (now.digest === written || how.holds(now)))) {
                if (round > 1)
                    options.log(`${how.what} holds this run's entries after ${round} writes`);
                return true;
            }
            options.log(`a concurrent write to ${how.what} left out this run's entries (write ${round} of at most ${timing.rounds}); ` +
                'merging again onto what is there');
            return false;
        },
    }, timing);
    if (settled.outcome === 'gave-up') {
        throw new errors_1.ContentError(`${how.what} did not settle after ${settled.rounds} writes and ${settled.reads} reads: other writers kept ` +
            "replacing this run's entries; it may lack them: run this job again");
    }
    return wrote;
}


/***/ }),

/***/ 7481:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Authenticator = exports.MAX_TOKEN_SCOPES = exports.AuthError = void 0;
const challenge_1 = __webpack_require__(4394);
const http_1 = __webpack_require__(4025);
class AuthError extends Error {
    name = 'AuthError';
}
exports.AuthError = AuthError;
/**
 * Scopes asked for in one token request at most. A batch of many images needs a scope per
 * repository (design rule 22); all of them in one request would make a URL longer than some
 * token services take (8 KiB is a common limit), so beyond this many the run's scopes are asked
 * for in groups, the group holding the request's own repository.
 */
exports.MAX_TOKEN_SCOPES = 40;
const resourceOf = (scope) => scope.slice(0, scope.lastIndexOf(':'));
/**
 * Authenticates one registry (design rule 10): answers Basic or Bearer challenges, asks for one
 * token carrying every scope the run needs on this registry, and re-challenges on 401.
 */
class Authenticator {
    registry;
    credential;
    send;
    runScopes;
    mask;
    basic = false;
    bearer;
    tokens = [];
    pendingTokens = new Map();
    /**
     * Set once a token asked for one request's scopes got past a 401 that a fresh token asked for
     * all the run's scopes did not: this token service grants only part of a request for several
     * scopes (older GitLab honours the last one only). From then on each token is asked for one
     * request's scopes, and the combined tokens are dropped: they do not hold what they were
     * asked for, and trying them first would cost a 401 and two token requests each time.
     */
    perRequestTokens = false;
    constructor(registry, credential, send, 
    /** Every scope this run needs here, targets (`pull,push`) first; asked for together. */
    runScopes, 
    /** Every token is masked before anything could print it. */
    mask) {
        this.registry = registry;
        this.credential = credential;
        this.send = send;
        this.runScopes = runScopes;
        this.mask = mask;
    }
    /**
     * Sends `req` needing `scopes`, authenticating as the registry asks. `refusalIsFinal`: a 401
     * to a request that carried a token asked for all its scopes is the answer (a mount the
     * registry will not do); no other token is asked for.
     *
     * No request waits for another's answer: the first requests to a registry leave together. A
     * registry that answers them without a challenge costs nothing more; one that challenges them
     * costs each a 401, the same round trip as holding them behind a first request's would, and
     * they share one token request (`fetchToken`, or the token already fetched when a 401 comes
     * in after it).
     */
    async request(req, scopes, options = {}) {
        // Where each token is asked for one request's scopes, ask before sending rather than after a
        // 401: requests needing the same scopes then share one ask instead of racing to repeat it.
        let asked;
        if (this.perRequestTokens && !this.basic && this.covering(scopes) === undefined) {
            asked = await this.fetchToken((0, challenge_1.mergeScopes)(scopes), false);
        }
        const covered = this.covering(scopes) !== undefined;
        const authorized = this.authorize(req, scopes);
        const first = await this.send(authorized);
        if (first.status !== 401)
            return first;
        if (options.refusalIsFinal && covered)
            return first;
        const challenges = (0, http_1.allHeaders)(first, 'www-authenticate').flatMap(challenge_1.parseChallenges);
        const bearer = challenges.find((c) => c.scheme === 'bearer');
        if (bearer) {
            this.bearer = bearer;
            const challenged = bearer.params.scope ? [bearer.params.scope] : [];
            const own = (0, challenge_1.mergeScopes)([...scopes, ...challenged]);
            // Refused with the token just asked for these very scopes: asking again cannot help.
            if (asked && authorized.headers?.authorization === `Bearer ${asked.value}` && (0, challenge_1.scopesCover)(asked.scopes, own)) {
                asked.refused = true;
                return first;
            }
            await (0, http_1.discard)(first);
            // Sent before a token another request fetched had arrived: that one covers it, no new ask.
            const held = this.covering(own);
            // One token for everything the run does here: a mount needs source pull and target push in the same token.
            const wanted = this.perRequestTokens ? own : (0, challenge_1.mergeScopes)([...own, ...this.runScopesWith(own)]);
            const token = held && authorized.headers?.authorization !== `Bearer ${held.value}`
                ? held
                : await this.fetchToken(wanted, wanted.join(' ') !== own.join(' '));
            const second = await this.send(withBearer(req, token));
            // Refused with a token asked for this request's scopes alone: another token cannot help.
            if (second.status !== 401 || (0, challenge_1.scopesCover)(own, token.scopes))
                return second;
            await (0, http_1.discard)(second);
            // Some token services (older GitLab) honour only one scope: ask for just this request's.
            const single = await this.fetchToken(own, false);
            const third = await this.send(withBearer(req, single));
            if (third.status !== 401 && !this.perRequestTokens) {
                this.perRequestTokens = true;
                this.tokens = this.tokens.filter((t) => !t.combined);
            }
            return third;
        }
        // Retry with Basic unless this very request already carried it (then the credentials are wrong).
        const sentBasic = authorized.headers?.authorization?.startsWith('Basic ') ?? false;
        if (challenges.some((c) => c.scheme === 'basic') && this.credential?.kind === 'basic' && !sentBasic) {
            await (0, http_1.discard)(first);
            this.basic = true;
            return this.send(this.authorize(req, scopes));
        }
        return first;
    }
    /** The run's scopes asked for with `own`: all of them, or the group of `MAX_TOKEN_SCOPES` holding `own`'s repository. */
    runScopesWith(own) {
        if (this.runScopes.length <= exports.MAX_TOKEN_SCOPES)
            return this.runScopes;
        const resources = new Set(own.map(resourceOf));
        const at = Math.max(0, this.runScopes.findIndex((s) => resources.has(resourceOf(s))));
        const start = Math.floor(at / exports.MAX_TOKEN_SCOPES) * exports.MAX_TOKEN_SCOPES;
        return this.runScopes.slice(start, start + exports.MAX_TOKEN_SCOPES);
    }
    /**
     * False when the token these scopes would be sent with says it does not grant them all (a
     * token service that left a scope out: Docker Hub without the source's pull, older GitLab's
     * one scope per token). Then a request needing all of them, such as a mount, is refused for
     * sure; true or undefined otherwise (no token yet, an opaque token, Basic).
     */
    grants(scopes) {
        if (this.basic || !this.bearer)
            return undefined;
        const token = this.covering(scopes) ?? this.tokens.at(-1);
        const granted = token ? (0, challenge_1.grantedScopes)(token.value) : undefined;
        return granted === undefined ? undefined : (0, challenge_1.scopesCover)(granted, scopes);
    }
    authorize(req, scopes) {
        const value = this.authorization(scopes);
        return value ? { ...req, headers: { ...req.headers, authorization: value } } : req;
    }
    authorization(scopes) {
        if (this.basic && this.credential?.kind === 'basic') {
            return `Basic ${Buffer.from(`${this.credential.username}:${this.credential.password}`).toString('base64')}`;
        }
        if (!this.bearer)
            return undefined;
        const best = this.covering(scopes);
        if (best)
            return `Bearer ${best.value}`;
        const newest = this.tokens.at(-1);
        return newest ? `Bearer ${newest.value}` : undefined;
    }
    /** The newest live token covering `scopes`, by what it was asked for (unless it was refused since). */
    covering(scopes) {
        const now = Date.now();
        this.tokens = this.tokens.filter((t) => t.expiresAt > now);
        for (let i = this.tokens.length - 1; i >= 0; i--) {
            if (!this.tokens[i].refused && (0, challenge_1.scopesCover)(this.tokens[i].scopes, scopes))
                return this.tokens[i];
        }
        return undefined;
    }
    /**
     * Requests refused at the same time share one pending fetch: its token is newer than the one
     * any of them was refused with. Sorted key: concurrent first requests ask for the same scopes
     * in another order.
     */
    fetchToken(scopes, combined) {
        const key = [...scopes].sort().join(' ');
        const pending = this.pendingTokens.get(key);
        if (pending)
            return pending;
        const promise = this.requestToken(scopes, combined).finally(() => this.pendingTokens.delete(key));
        this.pendingTokens.set(key, promise);
        return promise;
    }
    async requestToken(scopes, combined) {
        const challenge = this.bearer;
        const realm = challenge.params.realm;
        if (!realm)
            throw new AuthError(`${this.registry}: the Bearer challenge has no realm`);
        const url = new URL(realm);
        const service = challenge.params.service;
        const credential = this.credential;
        let res;
        if (credential?.kind === 'identity-token') {
            // OAuth2 refresh-token grant, as docker does with an identity token.
            const form = new URLSearchParams({
                grant_type: 'refresh_token',
                refresh_token: credential.token,
                client_id: 'merge-multiarch-action',
            });
            if (service)
                form.set('service', service);
            if (scopes.length)
                form.set('scope', scopes.join(' '));
            res = await this.send({
                method: 'POST',
                url,
                headers: { 'content-type': 'application/x-www-form-urlencoded' },
                body: Buffer.from(form.toString()),
            });
        }
        else {
            if (service)
                url.searchParams.set('service', service);
            for (const scope of scopes)
                url.searchParams.append('scope', scope);
            const headers = {};
            if (credential?.kind === 'basic') {
                headers.authorization = `Basic ${Buffer.from(`${credential.username}:${credential.password}`).toString('base64')}`;
            }
            res = await this.send({ method: 'GET', url, headers });
        }
        if (res.status !== 200) {
            await (0, http_1.discard)(res);
            const who = credential ? 'with the configured credentials' : 'anonymously (no credentials found for it)';
            throw new AuthError(`${this.registry}: the token service ${res.url.origin}${res.url.pathname} refused ${who}: HTTP ${res.status}` +
                (credential ? '' : '; log in first, e.g. with docker/login-action'));
        }
        const body = JSON.parse((await (0, http_1.readBody)(res, 1024 * 1024)).toString('utf8'));
        const value = body.token ?? body.access_token;
        if (!value)
            throw new AuthError(`${this.registry}: the token service answered without a token`);
        this.mask(value);
        // Renew a little early; the spec's default lifetime is 60 s.
        const lifetime = Math.max(10, (body.expires_in ?? 60) - 5) * 1000;
        const token = { value, scopes, expiresAt: Date.now() + lifetime, combined, refused: false };
        this.tokens.push(token);
        return token;
    }
}
exports.Authenticator = Authenticator;
function withBearer(req, token) {
    return { ...req, headers: { ...req.headers, authorization: `Bearer ${token.value}` } };
}


/***/ }),

/***/ 4394:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseChallenges = parseChallenges;
exports.mergeScopes = mergeScopes;
exports.scopesCover = scopesCover;
exports.repositoryScope = repositoryScope;
exports.grantedScopes = grantedScopes;
/**
 * Parses every challenge in a header value. Unknown schemes are skipped; quoted strings may
 * hold commas and escaped quotes (scopes like `repository:a:pull,push` do).
 */
function parseChallenges(value) {
    const challenges = [];
    let i = 0;
    let current;
    const skipSpace = () => {
        while (i < value.length && /[\s,]/.test(value[i]))
            i++;
    };
    while (i < value.length) {
        skipSpace();
        const tokenMatch = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(value.slice(i));
        if (!tokenMatch)
            break;
        const token = tokenMatch[0];
        i += token.length;
        while (i < value.length && value[i] === ' ')
            i++;
        if (value[i] === '=') {
            // A parameter of the current challenge.
            i++;
            let v = '';
            if (value[i] === '"') {
                i++;
                while (i < value.length && value[i] !== '"') {
                    if (value[i] === '\\' && i + 1 < value.length)
                        i++;
                    v += value[i++];
                }
                i++;
            }
            else {
                const m = /^[^,\s]*/.exec(value.slice(i));
                v = m ? m[0] : '';
                i += v.length;
            }
            if (current)
                current.params[token.toLowerCase()] = v;
        }
        else {
            current = { scheme: token.toLowerCase(), params: {} };
            if (current.scheme === 'basic' || current.scheme === 'bearer') {
                challenges.push(current);
            }
        }
    }
    return challenges;
}
/** `repository:<name>:<actions>` scopes, merged so each name appears once with all its actions. */
function mergeScopes(scopes) {
    const byResource = new Map();
    for (const scope of scopes) {
        for (const one of scope.split(' ').filter(Boolean)) {
            const lastColon = one.lastIndexOf(':');
            if (lastColon < 0)
                continue;
            const resource = one.slice(0, lastColon);
            const actions = byResource.get(resource) ?? new Set();
            for (const a of one
                .slice(lastColon + 1)
                .split(',')
                .filter(Boolean))
                actions.add(a);
            byResource.set(resource, actions);
        }
    }
    return [...byResource].map(([resource, actions]) => `${resource}:${[...actions].sort().join(',')}`);
}
/** True when the granted scopes include every action of every wanted scope. */
function scopesCover(granted, wanted) {
    const g = new Map(mergeScopes(granted).map((s) => {
        const c = s.lastIndexOf(':');
        return [s.slice(0, c), new Set(s.slice(c + 1).split(','))];
    }));
    return mergeScopes(wanted).every((s) => {
        const c = s.lastIndexOf(':');
        const have = g.get(s.slice(0, c));
        return (have !== undefined &&
            s
                .slice(c + 1)
                .split(',')
                .every((a) => have.has(a)));
    });
}
function repositoryScope(repository, actions) {
    return `repository:${repository}:${actions}`;
}
/**
 * The scopes a Bearer token says it grants, when it says so: the tokens of Distribution's token
 * protocol (Docker Hub, GitLab, Harbor, Quay) are JWTs whose `access` claim lists them. An
 * opaque token (GHCR's) tells nothing: undefined. Read only to avoid a request that cannot
 * succeed; the registry, not this, decides what a token allows.
 */
function grantedScopes(token) {
    const parts = token.split('.');
    if (parts.length !== 3)
        return undefined;
    try {
        const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
        if (!Array.isArray(claims.access))
            return undefined;
        return claims.access.flatMap((a) => typeof a.type === 'string' && typeof a.name === 'string' && Array.isArray(a.actions)
            ? [`${a.type}:${a.name}:${a.actions.filter((x) => typeof x === 'string').join(',')}`]
            : []);
    }
    catch {
        return undefined;
    }
}


/***/ }),

/***/ 2440:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RegistryClient = exports.DigestMismatchError = exports.RegistryError = void 0;
const node_stream_1 = __webpack_require__(7075);
const errors_1 = __webpack_require__(3916);
const digest_1 = __webpack_require__(8825);
const manifest_1 = __webpack_require__(2060);
const mediaTypes_1 = __webpack_require__(8004);
const reference_1 = __webpack_require__(2148);
const challenge_1 = __webpack_require__(4394);
const http_1 = __webpack_require__(4025);
const link_1 = __webpack_require__(1699);
const retry_1 = __webpack_require__(2211);
/** An HTTP answer the operation did not expect, with the registry's own error code when it gave one. */
class RegistryError extends Error {
    operation;
    status;
    code;
    name = 'RegistryError';
    constructor(operation, status, code, detail) {
        super(`${operation}: HTTP ${status}${code ? ` ${code}` : ''}${detail ? `: ${detail}` : ''}`);
        this.operation = operation;
        this.status = status;
        this.code = code;
    }
}
exports.RegistryError = RegistryError;
class DigestMismatchError extends Error {
    name = 'DigestMismatchError';
}
exports.DigestMismatchError = DigestMismatchError;
async function errorOf(operation, res) {
    let code;
    let detail = '';
    if (res.status === 401 || res.status === 403) {
        detail = 'access denied: check that the credentials for this registry may do this';
    }
    const retryAfter = (0, http_1.header)(res, 'retry-after');
    if ((res.status === 429 || res.status === 503) && retryAfter !== undefined) {
        // Only reached when the wait asked for is beyond the retry policy's cap, or retries ran out.
        detail = `the registry asked to retry after ${retryAfter}${/^\d+$/.test(retryAfter.trim()) ? ' s' : ''}`;
    }
    try {
        const text = (await (0, http_1.readBody)(res, 64 * 1024)).toString('utf8');
        const json = JSON.parse(text);
        const first = json.errors?.[0];
        if (first) {
            code = first.code;
            detail = [first.message, detail].filter(Boolean).join('; ');
        }
    }
    catch {
        // Not a distribution error body; the status says enough.
    }
    return new RegistryError(operation, res.status, code, detail);
}
/**
 * The distribution API of one registry. Every method names the repository it works on and the
 * scopes it needs; authentication, retries and redirects happen below it.
 */
class RegistryClient {
    registry;
    auth;
    retry;
    log;
    outages;
    base;
    constructor(
    /** `ghcr.io`, `127.0.0.1:5000`, `docker.io` … (as in references). */
    registry, auth, plainHttp, 
    /** For response bodies that break off after the headers (the transport retries the rest). */
    retry = retry_1.DEFAULT_RETRY, log, 
    /** Design rule 12: a body cut by an outage waits for the host with its other requests. */
    outages) {
        this.registry = registry;
        this.auth = auth;
        this.retry = retry;
        this.log = log;
        this.outages = outages;
        this.base = new URL(`${plainHttp ? 'http' : 'https'}://${(0, reference_1.apiHost)(registry)}`);
    }
    url(path) {
        return new URL(path, this.base);
    }
    /** Sends through auth; a transport failure is named after the operation it broke. */
    async send(req, scopes, operation, options) {
        try {
            return await this.auth.request(req, scopes, options);
        }
        catch (err) {
            throw err instanceof http_1.TransportError ? named(operation, err) : err;
        }
    }
    where(repository, what) {
        return `${this.registry}/${repository}${what}`;
    }
    /**
     * The manifests read this run, by `repository@digest`: what a digest names cannot change, so
     * none is read twice (on Docker Hub each manifest GET counts as a pull), and two reads at once
     * share one request.
     */
    manifests = new Map();
    /** The same reads by digest alone, whichever repository they were read from (or are being read from). */
    byDigest = new Map();
    /** The tags read this run, as `repository:tag`. */
    tagsRead = new Set();
    /**
     * GET a manifest by tag or digest and verify its bytes (design rule 4); once per digest and
     * repository. A tag read before in this run is asked with a HEAD first (no Docker Hub pull):
     * when it still names a manifest in hand, that one is the answer.
     */
    async getManifest(repository, ref) {
        if ((0, digest_1.isDigest)(ref))
            return this.manifestByDigest(repository, ref);
        const key = `${repository}:${ref}`;
        if (this.tagsRead.has(key)) {
            const head = await this.headManifest(repository, ref);
            const known = head?.digest !== undefined ? this.manifests.get(`${repository}@${head.digest}`) : undefined;
            if (known !== undefined)
                return known;
        }
        const fetched = await this.fetchManifest(repository, ref);
        this.tagsRead.add(key);
        this.manifests.set(`${repository}@${fetched.digest}`, Promise.resolve(fetched));
        if (!this.byDigest.has(fetched.digest))
            this.byDigest.set(fetched.digest, Promise.resolve(fetched));
        return fetched;
    }
    /**
     * A manifest that an index read from `repository` lists. A registry keeps an index's children
     * in the index's repository (Distribution refuses the index otherwise), so the verified bytes
     * of the same digest read from another repository of this registry are the answer.
     */
    getListedManifest(repository, digest) {
        const elsewhere = this.manifests.has(`${repository}@${digest}`) ? undefined : this.byDigest.get(digest);
        // A read elsewhere that fails (not there after all) leaves this repository's own read to answer.
        return elsewhere?.catch(() => this.manifestByDigest(repository, digest)) ?? this.manifestByDigest(repository, digest);
    }
    manifestByDigest(repository, digest) {
        const key = `${repository}@${digest}`;
        let reading = this.manifests.get(key);
        if (reading === undefined) {
            const read = this.fetchManifest(repository, digest);
            reading = read;
            this.manifests.set(key, read);
            if (!this.byDigest.has(digest))
                this.byDigest.set(digest, read);
            // A failed read is not remembered: asked again, it is sent again.
            read.catch(() => {
                this.manifests.delete(key);
                if (this.byDigest.get(digest) === read)
                    this.byDigest.delete(digest);
            });
        }
        return reading;
    }
    async fetchManifest(repository, ref) {
        const where = this.where(repository, (0, digest_1.isDigest)(ref) ? `@${ref}` : `:${ref}`);
        const operation = `GET manifest ${where}`;
        for (let attempt = 0;; attempt++) {
            const sentAt = Date.now();
            const res = await this.send({ method: 'GET', url: this.url(`/v2/${repository}/manifests/${ref}`), headers: { accept: mediaTypes_1.MANIFEST_ACCEPT } }, [(0, challenge_1.repositoryScope)(repository, 'pull')], operation);
            if (res.status !== 200)
                throw await errorOf(operation, res);
            let bytes;
            try {
                bytes = await (0, http_1.readBody)(res, mediaTypes_1.MAX_MANIFEST_BYTES);
            }
            catch (err) {
                const broke = err instanceof http_1.TransportError ? named(operation, err) : err;
                await (0, retry_1.backOffOrThrow)(broke, attempt, this.retry, this.log, this.outages && { outages: this.outages, url: res.url, sentAt });
                continue;
            }
            return this.verifyManifest(res, ref, where, bytes);
        }
    }
    /** Design rule 4: the bytes must hash to the digest asked for, else to the one the registry names. */
    verifyManifest(res, ref, where, bytes) {
        const headerDigest = (0, http_1.header)(res, 'docker-content-digest');
        const expected = (0, digest_1.isDigest)(ref) ? ref : headerDigest !== undefined && (0, digest_1.isDigest)(headerDigest) ? headerDigest : undefined;
        const actual = (0, digest_1.digestOf)(bytes, expected);
        if (expected !== undefined && actual !== expected) {
            throw new DigestMismatchError(`${where}: the registry sent a manifest whose digest is ${actual}, not ${expected}`);
        }
        return { bytes, digest: actual, contentType: (0, http_1.header)(res, 'content-type') };
    }
    /**
     * Every tag of a repository (`GET /v2/<name>/tags/list`, pull scope), page by page as the
     * registry's `Link` headers lead, in the registry's order. No `n` is sent: registries cap it
     * differently (some refuse a larger one), and their own page size is always accepted.
     * A next page on another host is refused: the listing's token must not travel there.
     */
    async listTags(repository) {
        const operation = `GET tags ${this.where(repository, '')}`;
        const tags = [];
        const pages = this.pages(this.url(`/v2/${repository}/tags/list`), repository, operation, {
            maxPages: MAX_TAG_PAGES,
            offHost: (host) => `the next page is on another host (${host}); not followed`,
        });
        for await (const res of pages) {
            if (res.status !== 200)
                throw await errorOf(operation, res);
            let page;
            try {
                page = JSON.parse((await (0, http_1.readBody)(res, MAX_TAG_PAGE_BYTES)).toString('utf8'));
            }
            catch (err) {
                if (err instanceof http_1.TransportError)
                    throw named(operation, err);
                throw new RegistryError(operation, 200, undefined, 'the answer is not a tag list (JSON with "tags")');
            }
            // An empty repository answers `"tags": null` on some registries, `[]` on others.
            if (page.tags !== null && page.tags !== undefined) {
                if (!Array.isArray(page.tags) || page.tags.some((t) => typeof t !== 'string')) {
                    throw new RegistryError(operation, 200, undefined, '"tags" is not a list of strings');
                }
                tags.push(...page.tags);
            }
        }
        return tags;
    }
    /**
     * The pages of a listing (tags, referrers), each answer yielded for the caller to read before
     * the next is asked for, as the registry's `Link` headers lead (`nextPage`). Never to another
     * origin than the one that answered (the listing's token must not travel there), and never
     * round a loop or past `maxPages`.
     */
    async *pages(first, repository, operation, options) {
        const visited = new Set();
        let url = first;
        // The origin that answers: a loopback or listed registry may answer over plain HTTP.
        let origin = first.origin;
        while (url !== undefined) {
            if (url.origin !== origin)
                throw new RegistryError(operation, 200, undefined, options.offHost(url.host));
            if (visited.has(url.href) || visited.size >= options.maxPages) {
                throw new RegistryError(operation, 200, undefined, `the pages do not end (${visited.size} read); not followed further`);
            }
            visited.add(url.href);
            const headers = options.accept ? { accept: options.accept } : undefined;
            const res = await this.send({ method: 'GET', url, headers }, [(0, challenge_1.repositoryScope)(repository, 'pull')], operation);
            // The URL that answered, unless a redirect took the listing elsewhere.
            const answered = res.url.host === url.host ? res.url : url;
            origin = answered.origin;
            yield res;
            url = nextPage((0, http_1.allHeaders)(res, 'link'), answered);
        }
    }
    /** HEAD a manifest; undefined when absent. A 403 counts as "unknown", not as denied (rule 8). */
    async headManifest(repository, ref, scopes) {
        const operation = `HEAD manifest ${this.where(repository, (0, digest_1.isDigest)(ref) ? `@${ref}` : `:${ref}`)}`;
        const res = await this.send({ method: 'HEAD', url: this.url(`/v2/${repository}/manifests/${ref}`), headers: { accept: mediaTypes_1.MANIFEST_ACCEPT } }, scopes ?? [(0, challenge_1.repositoryScope)(repository, 'pull')], operation);
        await (0, http_1.discard)(res);
        if (res.status === 404 || res.status === 403)
            return undefined;
        if (res.status !== 200)
            throw await errorOf(operation, res);
        const digest = (0, http_1.header)(res, 'docker-content-digest');
        const length = (0, http_1.header)(res, 'content-length');
        return {
            digest: digest !== undefined && (0, digest_1.isDigest)(digest) ? digest : undefined,
            mediaType: (0, http_1.header)(res, 'content-type')?.split(';')[0].trim(),
            size: length !== undefined ? Number(length) : undefined,
        };
    }
    /** PUT a manifest under a tag or its digest; the registry must agree on the digest. */
    async putManifest(repository, ref, bytes, mediaType) {
        return (await this.put(repository, ref, bytes, mediaType)).digest;
    }
    /**
     * Referrers: PUT a manifest that carries a `subject`. A registry with the referrers API
     * registers it and says so with `OCI-Subject: <subject digest>`; without that header the
     * caller keeps the fallback tag (`sha256-<hex>`) up to date itself.
     */
    async putReferrer(repository, ref, bytes, mediaType) {
        return this.put(repository, ref, bytes, mediaType);
    }
    async put(repository, ref, bytes, mediaType) {
        const where = this.where(repository, (0, digest_1.isDigest)(ref) ? `@${ref}` : `:${ref}`);
        let res;
        for (let attempt = 0;; attempt++) {
            res = await this.send({
                method: 'PUT',
                url: this.url(`/v2/${repository}/manifests/${ref}`),
                headers: { 'content-type': mediaType },
                body: bytes,
            }, [(0, challenge_1.repositoryScope)(repository, 'pull,push')], `PUT manifest ${where}`);
            if (res.status === 201 || res.status === 200)
                break;
            const err = await errorOf(`PUT manifest ${where}`, res);
            if (!isLinkBeingRewritten(err) || attempt >= LINK_REWRITE_RETRIES)
                throw err;
            await (0, retry_1.sleep)(100 * 2 ** attempt);
        }
        await (0, http_1.discard)(res);
        const ours = (0, digest_1.digestOf)(bytes);
        const theirs = (0, http_1.header)(res, 'docker-content-digest');
        if (theirs !== undefined && (0, digest_1.isDigest)(theirs) && theirs !== ours) {
            throw new DigestMismatchError(`${where}: the registry stored the manifest as ${theirs}, not ${ours}`);
        }
        const subject = (0, http_1.header)(res, 'oci-subject')?.trim();
        return { digest: ours, subject: subject !== undefined && (0, digest_1.isDigest)(subject) ? subject : undefined };
    }
    /**
     * The referrers of a manifest (OCI 1.1 `GET /v2/<name>/referrers/<digest>`), every
     * page (`Link: <…>; rel="next"`, followed on this registry's own origin only). Undefined when
     * the registry has no referrers API: 404, or 400/405/501 from registries that do not know the route.
     */
    async getReferrers(repository, digest) {
        const operation = `GET referrers ${this.where(repository, `@${digest}`)}`;
        const found = [];
        const pages = this.pages(this.url(`/v2/${repository}/referrers/${digest}`), repository, operation, {
            maxPages: MAX_REFERRERS_PAGES,
            offHost: (host) => `refusing to follow a referrers page on another host (${host})`,
            accept: mediaTypes_1.MediaType.OciIndex,
        });
        let first = true;
        for await (const res of pages) {
            // Only the first answer can say the route does not exist.
            if (first && NO_REFERRERS_API.has(res.status)) {
                await (0, http_1.discard)(res);
                return undefined;
            }
            if (res.status !== 200)
                throw await errorOf(operation, res);
            const bytes = await (0, http_1.readBody)(res, mediaTypes_1.MAX_MANIFEST_BYTES);
            const index = (0, manifest_1.parseManifest)(bytes, mediaTypes_1.MediaType.OciIndex, operation);
            if (index.kind !== 'index')
                throw new RegistryError(operation, res.status, undefined, 'the answer is not an OCI index');
            found.push(...index.manifests);
            first = false;
        }
        return found;
    }
    /** True when the blob is in the repository; 403 counts as absent (rule 8). */
    async hasBlob(repository, digest, scopes) {
        const operation = `HEAD blob ${this.where(repository, `@${digest}`)}`;
        const res = await this.send({ method: 'HEAD', url: this.url(`/v2/${repository}/blobs/${digest}`) }, scopes ?? [(0, challenge_1.repositoryScope)(repository, 'pull')], operation);
        await (0, http_1.discard)(res);
        if (res.status === 200)
            return true;
        if (res.status === 404 || res.status === 403)
            return false;
        throw await errorOf(operation, res);
    }
    /**
     * Cross-repository mount (design rule 9). Only 201 means mounted; a 202 opens an upload
     * session that the caller must fill; anything else means "upload it instead".
     */
    async mountBlob(repository, digest, from) {
        const scopes = [(0, challenge_1.repositoryScope)(repository, 'pull,push'), (0, challenge_1.repositoryScope)(from, 'pull')];
        // A token that says it lacks one of the two scopes cannot mount: no request for a sure refusal.
        if (this.auth.grants(scopes) === false)
            return { mounted: false };
        const url = this.url(`/v2/${repository}/blobs/uploads/`);
        url.searchParams.set('mount', digest);
        url.searchParams.set('from', from);
        const res = await this.send({ method: 'POST', url }, scopes, `mount blob ${this.where(repository, `@${digest}`)} from ${from}`, 
        // Refused with a token asked for both scopes: another token will not change the answer
        // (a token service that grants one scope per token, Harbor's 401 for an unknown project).
        { refusalIsFinal: true });
        await (0, http_1.discard)(res);
        if (res.status === 201)
            return { mounted: true };
        const location = (0, http_1.header)(res, 'location');
        if (res.status === 202 && location)
            return { mounted: false, uploadUrl: new URL(location, this.base) };
        return { mounted: false };
    }
    /** Opens an upload session and returns where to PUT the blob. */
    async startUpload(repository) {
        const operation = `start upload to ${this.where(repository, '')}`;
        const res = await this.send({ method: 'POST', url: this.url(`/v2/${repository}/blobs/uploads/`) }, [(0, challenge_1.repositoryScope)(repository, 'pull,push')], operation);
        const location = (0, http_1.header)(res, 'location');
        if (res.status !== 202 || !location)
            throw await errorOf(operation, res);
        await (0, http_1.discard)(res);
        return new URL(location, this.base);
    }
    /**
     * Completes an upload session with one monolithic PUT; `body` may be a stream factory (the
     * transport re-opens it on each attempt). A session that died under a failed attempt (its
     * body broke off, or its answer was lost after the registry took it) is replaced by a new one.
     */
    async finishUpload(repository, session, digest, size, body) {
        const operation = `upload blob ${this.where(repository, `@${digest}`)}`;
        let url = session;
        for (let restart = 0;; restart++) {
            const put = new URL(url);
            put.searchParams.set('digest', digest);
            const sentAt = Date.now();
            const res = await this.send({
                method: 'PUT',
                url: put,
                headers: { 'content-type': 'application/octet-stream', 'content-length': String(size) },
                body,
            }, [(0, challenge_1.repositoryScope)(repository, 'pull,push')], operation);
            if (res.status === 201 || res.status === 204) {
                await (0, http_1.discard)(res);
                return;
            }
            const error = await errorOf(operation, res);
            if (restart >= MAX_SESSION_RESTARTS || !isDeadSession(error))
                throw error;
            // A session that died under an outage is part of the story the outage tells (design rule 12).
            if (!this.outages?.cutBy(put.host, sentAt)) {
                this.log?.(`${operation}: the upload session is gone (${error.message}); starting a new one`);
            }
            url = await this.startUpload(repository);
        }
    }
    /**
     * Streams a blob (redirects followed by the transport). A body that breaks off is read on
     * from where it stopped (`Range`, or skipping what a server that ignores it sends again).
     * The stream fails when the bytes do not hash to `digest` or their length differs, so a
     * corrupt copy never completes. A missing blob fails here, before any byte is streamed.
     * `onBytes` hears of each chunk as it passes (progress), with no stream layer of its own.
     */
    async getBlob(repository, digest, size, onBytes) {
        const operation = `GET blob ${this.where(repository, `@${digest}`)}`;
        const url = this.url(`/v2/${repository}/blobs/${digest}`);
        let sentAt = 0;
        const open = async (offset) => {
            sentAt = Date.now();
            const req = {
                method: 'GET',
                url,
                bulk: size >= BULK_BYTES,
                ...(offset > 0 ? { headers: { range: `bytes=${offset}-` } } : {}),
            };
            const res = await this.send(req, [(0, challenge_1.repositoryScope)(repository, 'pull')], operation);
            if (res.status === 200)
                return res;
            if (res.status === 206 && offset > 0 && new RegExp(`^bytes ${offset}-`).test((0, http_1.header)(res, 'content-range') ?? ''))
                return res;
            throw await errorOf(operation, res);
        };
        let res = await open(0);
        const { retry, log, outages } = this;
        async function* verified() {
            const hasher = (0, digest_1.digestHasher)(digest);
            let seen = 0;
            try {
                for (let attempt = 0;; attempt++) {
                    // A full answer to a resumed read repeats what was already streamed: skip it.
                    let skip = res.status === 200 ? seen : 0;
                    try {
                        for await (const data of res.body) {
                            let chunk = data;
                            if (skip > 0) {
                                const n = Math.min(skip, chunk.length);
                                skip -= n;
                                chunk = chunk.subarray(n);
                                if (chunk.length === 0)
                                    continue;
                            }
                            seen += chunk.length;
                            if (seen > size)
                                throw new DigestMismatchError(`${operation}: the registry sent more than the ${size} bytes the descriptor says`);
                            hasher.update(chunk);
                            onBytes?.(chunk.length);
                            yield chunk;
                        }
                        break;
                    }
                    catch (err) {
                        if (!err.code)
                            throw err;
                        const broke = named(operation, (0, http_1.describeTransportError)(err, res.url));
                        (0, http_1.release)(res);
                        if (stream.destroyed)
                            return;
                        if (attempt + 1 >= retry.attempts || !(0, retry_1.isRetriableError)(broke)) {
                            // Spent here: the copy above must not multiply these attempts by its own.
                            throw new http_1.TransportError(broke.message, broke.host, broke.code, false, { cause: err });
                        }
                        await (0, retry_1.backOffOrThrow)(broke, attempt, retry, log, outages && { outages, url: res.url, sentAt });
                        // Its reader gave up meanwhile (an upload cut by the same outage re-opens a stream
                        // of its own): reading on would fetch bytes nobody wants.
                        if (stream.destroyed)
                            return;
                        res = await open(seen);
                    }
                }
                if (seen !== size)
                    throw new DigestMismatchError(`${operation}: got ${seen} bytes, the descriptor says ${size}`);
                const actual = hasher.digest();
                if (actual !== digest)
                    throw new DigestMismatchError(`${operation}: the blob's content hashes to ${actual}`);
            }
            finally {
                (0, http_1.release)(res);
            }
        }
        const stream = node_stream_1.Readable.from(verified(), { objectMode: false });
        // Destroyed before or while it is read (an upload that failed, or was never sent): free the
        // connection now. The generator's own cleanup runs only when it next resumes, and a GET left
        // unread is never timed out, so it would hold the run open.
        stream.once('close', () => (0, http_1.release)(res));
        return stream;
    }
}
exports.RegistryClient = RegistryClient;
/**
 * Blobs from this size on are downloaded as bulk (`HttpRequest.bulk`); smaller ones, configs
 * above all, which the plan waits for, stay on the shared connection.
 */
const BULK_BYTES = 1 << 20;
/** Statuses meaning "this registry has no referrers API". */
const NO_REFERRERS_API = new Set([400, 404, 405, 501]);
/**
 * Distribution's filesystem storage rewrites a blob's (or manifest's) link file in place each
 * time it is mounted or pushed into a repository: a manifest PUT that reads the link meanwhile
 * finds it empty and answers 400 "blob unknown" (MANIFEST_BLOB_UNKNOWN, sometimes reported
 * first as DIGEST_INVALID). Parallel runs into one repository (parallel appends) mount the same
 * blobs, the empty config of every OCI artifact above all. The run made every blob present
 * before this PUT, so the answer is worth a few quick retries; a blob really missing costs
 * under a second more.
 */
const LINK_REWRITE_RETRIES = 3;
const LINK_REWRITE_CODES = new Set(['MANIFEST_BLOB_UNKNOWN', 'BLOB_UNKNOWN', 'DIGEST_INVALID']);
function isLinkBeingRewritten(err) {
    return err.status === 400 && err.code !== undefined && LINK_REWRITE_CODES.has(err.code);
}
const MAX_REFERRERS_PAGES = 100;
/**
 * The next page of a listing. Artifactory's links drop the repository key from the path
 * (RTFACT-18971), which would list another repository: a link to another path keeps this
 * listing's path and takes only the link's query (`last`, `n` or an opaque cursor).
 */
function nextPage(links, current) {
    const next = (0, link_1.nextLink)(links, current);
    if (next === undefined || next.pathname === current.pathname)
        return next;
    const fixed = new URL(current);
    fixed.search = next.search;
    return next.origin === current.origin ? fixed : next;
}
/** Bounds on a tag listing: no repository needs more, and a looping or endless listing must end. */
const MAX_TAG_PAGES = 1000;
const MAX_TAG_PAGE_BYTES = 16 * 1024 * 1024;
/** Upload sessions replaced at most this often per blob (each attempt also has the transport's retries). */
const MAX_SESSION_RESTARTS = 2;
/** What registries answer for a session that no longer takes data. */
function isDeadSession(error) {
    return (error.status === 404 || error.status === 416 || error.code === 'BLOB_UPLOAD_INVALID' || error.code === 'BLOB_UPLOAD_UNKNOWN');
}
/** The same transport failure, prefixed with the operation it broke. */
function named(operation, err) {
    if (err.message.startsWith(`${operation}: `))
        return err;
    const renamed = new http_1.TransportError('', err.host, err.code, err.retriable, { cause: err.cause ?? err });
    return (0, errors_1.worded)(renamed, [`${operation}: `, ...(0, errors_1.wordingOf)(err)]);
}


/***/ }),

/***/ 3653:
/***/ (function(__unused_webpack_module, exports, __webpack_require__) {


var __createBinding = (this && this.__createBinding) || (Object.create ? (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    var desc = Object.getOwnPropertyDescriptor(m, k);
    if (!desc || ("get" in desc ? !m.__esModule : desc.writable || desc.configurable)) {
      desc = { enumerable: true, get: function() { return m[k]; } };
    }
    Object.defineProperty(o, k2, desc);
}) : (function(o, m, k, k2) {
    if (k2 === undefined) k2 = k;
    o[k2] = m[k];
}));
var __setModuleDefault = (this && this.__setModuleDefault) || (Object.create ? (function(o, v) {
    Object.defineProperty(o, "default", { enumerable: true, value: v });
}) : function(o, v) {
    o["default"] = v;
});
var __importStar = (this && this.__importStar) || (function () {
    var ownKeys = function(o) {
        ownKeys = Object.getOwnPropertyNames || function (o) {
            var ar = [];
            for (var k in o) if (Object.prototype.hasOwnProperty.call(o, k)) ar[ar.length] = k;
            return ar;
        };
        return ownKeys(o);
    };
    return function (mod) {
        if (mod && mod.__esModule) return mod;
        var result = {};
        if (mod != null) for (var k = ownKeys(mod), i = 0; i < k.length; i++) if (k[i] !== "default") __createBinding(result, mod, k[i]);
        __setModuleDefault(result, mod);
        return result;
    };
})();
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.credentialHelpers = void 0;
exports.maskCredential = maskCredential;
exports.dockerCredentials = dockerCredentials;
exports.withLogin = withLogin;
const node_fs_1 = __webpack_require__(3024);
const os = __importStar(__webpack_require__(8161));
const path = __importStar(__webpack_require__(6760));
const reference_1 = __webpack_require__(2148);
/** The key docker itself uses for Docker Hub in config.json and credential helpers. */
const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';
/** `https://ghcr.io/v2/` and `ghcr.io` name the same registry in config.json. */
function hostOf(key) {
    const host = key
        .replace(/^[a-z]+:\/\//i, '')
        .replace(/\/.*$/, '')
        .toLowerCase();
    return host === 'index.docker.io' || host === 'registry-1.docker.io' ? reference_1.DOCKER_HUB : host;
}
/** The helper runner on top of a front end's way of running programs (their output is never echoed). */
const credentialHelpers = (runProgram) => async (helper, serverUrl) => {
    const result = await runProgram(`docker-credential-${helper}`, ['get'], Buffer.from(serverUrl));
    if (result.exitCode !== 0) {
        // "credentials not found" is an ordinary answer: fall back to anonymous.
        if (/not found/i.test(result.stdout + result.stderr))
            return undefined;
        throw new Error(`docker-credential-${helper} get failed for ${serverUrl} (exit ${result.exitCode})`);
    }
    const parsed = JSON.parse(result.stdout);
    if (typeof parsed.Secret !== 'string')
        throw new Error(`docker-credential-${helper} gave no Secret for ${serverUrl}`);
    return { Username: parsed.Username ?? '', Secret: parsed.Secret };
};
exports.credentialHelpers = credentialHelpers;
/** Masks what a credential could leak as: the password, its Basic header value, or the token. */
function maskCredential(credential, mask) {
    if (credential.kind === 'basic') {
        mask(credential.password);
        mask(Buffer.from(`${credential.username}:${credential.password}`).toString('base64'));
    }
    else {
        mask(credential.token);
    }
    return credential;
}
/** config.json in the Docker config directory; none there is an empty config. */
async function readConfigFile(dir) {
    try {
        return JSON.parse(await node_fs_1.promises.readFile(path.join(dir, 'config.json'), 'utf8'));
    }
    catch (err) {
        if (err.code === 'ENOENT')
            return {};
        throw new Error(`cannot read the Docker config ${path.join(dir, 'config.json')}: ${err.message}`, {
            cause: err,
        });
    }
}
/**
 * `DOCKER_AUTH_CONFIG` as GitLab CI provides it: the JSON itself (a variable of type Variable) or
 * the path of a file holding it (type File). Its text is a secret: no error quotes it (design rule 15).
 */
async function readAuthConfig(value) {
    if (value === undefined || value.trim() === '')
        return {};
    let text = value;
    if (!/^[[{]/.test(value.trim())) {
        try {
            text = await node_fs_1.promises.readFile(value.trim(), 'utf8');
        }
        catch (err) {
            throw new Error(`DOCKER_AUTH_CONFIG holds neither a Docker config's JSON nor the path of a readable file (${err.code ?? 'unreadable'})`, { cause: err });
        }
    }
    let parsed;
    try {
        parsed = JSON.parse(text);
    }
    catch {
        throw new Error('DOCKER_AUTH_CONFIG is not valid JSON: it must hold a Docker config, e.g. {"auths": {"registry.example.com": {"auth": "<base64 of user:password>"}}}');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
        throw new Error('DOCKER_AUTH_CONFIG must hold a JSON object (a Docker config with "auths", "credHelpers" or "credsStore")');
    }
    return parsed;
}
/** A config's entries by registry host, whatever the key spelling. */
function byHost(config, name) {
    const auths = new Map();
    for (const [key, value] of Object.entries(config.auths ?? {}))
        auths.set(hostOf(key), value);
    const helpers = new Map();
    for (const [key, value] of Object.entries(config.credHelpers ?? {}))
        helpers.set(hostOf(key), value);
    return { name, auths, helpers, credsStore: config.credsStore };
}
/**
 * Reads credentials the way docker and docker/login-action store them, and from
 * `DOCKER_AUTH_CONFIG` the way GitLab CI provides them (first, as GitLab's runner reads it first).
 */
async function dockerCredentials(options) {
    const dir = options.configDir ?? process.env.DOCKER_CONFIG ?? path.join(os.homedir(), '.docker');
    const [fromEnv, fromFile] = await Promise.all([
        readAuthConfig(options.authConfig ?? process.env.DOCKER_AUTH_CONFIG),
        readConfigFile(dir),
    ]);
    const configs = [byHost(fromEnv, 'DOCKER_AUTH_CONFIG'), byHost(fromFile, 'the Docker config')];
    if (options.githubToken)
        options.mask(options.githubToken);
    const { runHelper } = options;
    const mask = (credential) => maskCredential(credential, options.mask);
    /** One config's answer for a host: its credential helper first, then its auths entry. */
    const lookupIn = async (config, host) => {
        const { auths, helpers } = config;
        const serverUrl = host === reference_1.DOCKER_HUB ? DOCKER_HUB_SERVER : host;
        const helper = helpers.get(host) ?? config.credsStore;
        if (helper) {
            const answer = await runHelper(helper, serverUrl);
            if (answer) {
                // docker's convention: the username "<token>" marks an identity token.
                return mask(answer.Username === '<token>'
                    ? { kind: 'identity-token', token: answer.Secret }
                    : { kind: 'basic', username: answer.Username, password: answer.Secret });
            }
        }
        const entry = auths.get(host);
        if (entry?.identitytoken)
            return mask({ kind: 'identity-token', token: entry.identitytoken });
        if (entry?.auth) {
            const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
            const colon = decoded.indexOf(':');
            if (colon < 0)
                throw new Error(`${config.name} entry for ${host} has a malformed "auth" field`);
            return mask({ kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) });
        }
        if (entry?.username && entry.password) {
            return mask({ kind: 'basic', username: entry.username, password: entry.password });
        }
        return undefined;
    };
    const cache = new Map();
    const lookup = async (registry) => {
        for (const config of configs) {
            const found = await lookupIn(config, hostOf(registry));
            if (found)
                return found;
        }
        const host = hostOf(registry);
        if (host === 'ghcr.io' && options.githubToken) {
            return { kind: 'basic', username: options.githubActor || 'github-actions', password: options.githubToken };
        }
        return undefined;
    };
    return {
        get(registry) {
            const host = hostOf(registry);
            let pending = cache.get(host);
            if (!pending) {
                pending = lookup(host);
                cache.set(host, pending);
            }
            return pending;
        },
    };
}
/** `login` for its registries, `fallback` (the Docker config) for every other one. */
function withLogin(login, fallback, mask) {
    const credential = maskCredential({ kind: 'basic', username: login.username, password: login.password }, mask);
    const hosts = new Set([...login.registries].map(hostOf));
    return { get: (registry) => (hosts.has(hostOf(registry)) ? Promise.resolve(credential) : fallback.get(registry)) };
}


/***/ }),

/***/ 1699:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.nextLink = nextLink;
/**
 * The `rel="next"` target of a `Link` header (RFC 8288), as registries page `tags/list` and
 * `referrers`: `</v2/app/tags/list?last=b&n=100>; rel="next"`, relative or absolute.
 * Several links may share one header or come in several; undefined when there is no next page.
 */
function nextLink(headers, base) {
    for (const value of headers) {
        // Split on commas between links only: a URL inside <> may hold commas.
        for (const m of value.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
            const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(m[2]);
            const rel = (rels?.[1] ?? rels?.[2] ?? '').toLowerCase().split(/\s+/);
            if (rel.includes('next'))
                return new URL(m[1], base);
        }
    }
    return undefined;
}


/***/ }),

/***/ 6764:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Registries = exports.TRANSPORT_ENV = void 0;
exports.transportSettingsFromEnv = transportSettingsFromEnv;
exports.hubHostsFromEnv = hubHostsFromEnv;
const reference_1 = __webpack_require__(2148);
const auth_1 = __webpack_require__(7481);
const challenge_1 = __webpack_require__(4394);
const client_1 = __webpack_require__(2440);
const http_1 = __webpack_require__(4025);
const hubCount_1 = __webpack_require__(1559);
const limits_1 = __webpack_require__(5017);
const logging_1 = __webpack_require__(8664);
const preconnect_1 = __webpack_require__(5292);
const redirect_1 = __webpack_require__(3793);
const outage_1 = __webpack_require__(646);
const scheme_1 = __webpack_require__(4649);
const retry_1 = __webpack_require__(2211);
/**
 * TEST-ONLY knobs, read once at the edge (main.ts): the end-to-end tests run the built action
 * and cannot pass a policy, yet must not wait for production backoffs and timeouts. Users have
 * no reason to set them; a malformed value fails the step naming the variable.
 */
exports.TRANSPORT_ENV = {
    attempts: 'MERGE_ACTION_RETRY_ATTEMPTS',
    baseDelayMs: 'MERGE_ACTION_RETRY_BASE_MS',
    maxDelayMs: 'MERGE_ACTION_RETRY_MAX_MS',
    maxRetryAfterMs: 'MERGE_ACTION_RETRY_AFTER_MAX_MS',
    timeoutMs: 'MERGE_ACTION_TIMEOUT_MS',
    /** Hosts (`127.0.0.1:5000`, comma-separated) counted as Docker Hub's, so a test's registry stands in for it. */
    hubHosts: 'MERGE_ACTION_HUB_HOSTS',
};
function transportSettingsFromEnv(env) {
    const read = (name, fallback, min) => {
        const raw = env[name]?.trim();
        if (raw === undefined || raw === '')
            return fallback;
        if (!/^\d+$/.test(raw) || Number(raw) < min)
            throw new Error(`${name}="${raw}" is not an integer of at least ${min}`);
        return Number(raw);
    };
    const timeout = read(exports.TRANSPORT_ENV.timeoutMs, 0, 1);
    return {
        retry: {
            attempts: read(exports.TRANSPORT_ENV.attempts, retry_1.DEFAULT_RETRY.attempts, 1),
            baseDelayMs: read(exports.TRANSPORT_ENV.baseDelayMs, retry_1.DEFAULT_RETRY.baseDelayMs, 0),
            maxDelayMs: read(exports.TRANSPORT_ENV.maxDelayMs, retry_1.DEFAULT_RETRY.maxDelayMs, 0),
            maxRetryAfterMs: read(exports.TRANSPORT_ENV.maxRetryAfterMs, retry_1.DEFAULT_RETRY.maxRetryAfterMs, 0),
        },
        timeouts: timeout === 0 ? http_1.DEFAULT_TIMEOUTS : { headersMs: timeout, bodyMs: timeout, connectMs: timeout },
    };
}
/** Docker Hub's hosts, and the hosts the test-only knob adds. */
function hubHostsFromEnv(env) {
    const extra = (env[exports.TRANSPORT_ENV.hubHosts] ?? '').split(',').map((h) => h.trim().toLowerCase());
    return new Set([...hubCount_1.DOCKER_HUB_HOSTS, ...extra.filter((h) => h !== '')]);
}
/**
 * One RegistryClient per registry host, all on one pooled dispatcher. The transport stack is
 * auth → redirects → retry (with the outages of each host) → scheme → logging → base
 * (design rules 10–12, 14).
 */
class Registries {
    options;
    stats = { requests: 0, hubCountedRequests: 0 };
    /** Requests in flight per registry, by the transport each speaks (design rule 13). */
    limits = new limits_1.RegistryLimits((registry) => this.protocol(registry));
    clients = new Map();
    dispatcher;
    send;
    ownsDispatcher;
    retry;
    /** Retries are worth seeing in the log: a slow run says why. URLs are redacted by the callers. */
    retryLog;
    /** Per host: its requests wait for it together while it does not answer (design rule 12). */
    outages;
    hubHosts;
    constructor(options) {
        this.options = options;
        this.ownsDispatcher = options.dispatcher === undefined;
        const loopbackHosts = [...options.sources, ...options.targets].map((r) => r.registry).filter(reference_1.isLoopbackRegistry);
        const dispatcher = options.dispatcher ?? (0, http_1.createDispatcher)({ timeouts: options.timeouts, loopbackHosts, preconnected: options.preconnected });
        this.dispatcher = dispatcher;
        // Every host is known from the inputs: open the connections of the first burst while the
        // run gets ready (the router adopts those the front end opened before loading the rest:
        // `preconnected`), the TLS handshake and the connections beside it (`earlyPlan`).
        // For a loopback or listed registry that handshake is also the probe for plain HTTP, and
        // its plain connections are opened with it (closed if it speaks TLS).
        const aheadHosts = new Set();
        for (const registry of new Set([...options.targets, ...options.sources].map((r) => r.registry))) {
            const plainAllowed = (0, preconnect_1.plainHttpAllowed)(registry, options.insecureRegistries);
            const plan = (0, preconnect_1.earlyPlan)(registry, options, plainAllowed);
            dispatcher.preconnect?.(`https://${(0, reference_1.apiHost)(registry)}`, plan.spare);
            if (plainAllowed && dispatcher.preconnectPlain) {
                dispatcher.preconnectPlain(`http://${(0, reference_1.apiHost)(registry)}`, plan.plain);
                // The first reads may go out on them while the handshake decides (design rule 14).
                aheadHosts.add((0, reference_1.apiHost)(registry));
            }
        }
        this.retry = options.retry ?? retry_1.DEFAULT_RETRY;
        const timeouts = options.timeouts ?? http_1.DEFAULT_TIMEOUTS;
        this.retryLog = (message) => options.log.info(message);
        // HTTPS first everywhere; where design rule 14 allows plain HTTP, the early handshake (or,
        // without one, the first request) tells whether the server speaks TLS.
        const scheme = new scheme_1.SchemeProbe((host) => (0, preconnect_1.plainHttpAllowed)(host, options.insecureRegistries), {
            log: (message) => options.log.debug(message),
            handshakeFailure: dispatcher.handshakeFailure?.bind(dispatcher),
            aheadHosts,
        });
        const base = (0, http_1.baseSend)(scheme.observe(this.dispatcher), timeouts.headersMs);
        // Read here when not given, so the test-only knob reaches a run from either front end.
        this.hubHosts = options.hubHosts ?? hubHostsFromEnv(process.env);
        const once = scheme.layer((0, logging_1.withLogging)((0, hubCount_1.withHubCount)(base, this.hubHosts, this.stats), options.log, this.stats));
        // A probe is no longer than a request's own wait for headers (tests shorten that one).
        const outage = {
            ...outage_1.DEFAULT_OUTAGE,
            giveUpMs: options.outageTimeoutMs ?? outage_1.DEFAULT_OUTAGE.giveUpMs,
            probeTimeoutMs: Math.min(outage_1.DEFAULT_OUTAGE.probeTimeoutMs, timeouts.headersMs),
        };
        this.outages = new outage_1.Outages(once, outage, options.log);
        this.send = (0, redirect_1.withRedirects)((0, retry_1.withRetry)(once, this.retry, this.retryLog, this.outages));
    }
    /** Scopes this run needs on a registry: targets `pull,push` first, then sources `pull`. */
    scopesFor(registry) {
        const scopes = [];
        for (const t of this.options.targets) {
            if (t.registry === registry)
                scopes.push((0, challenge_1.repositoryScope)(t.repository, this.options.push ? 'pull,push' : 'pull'));
        }
        for (const s of this.options.sources) {
            if (s.registry === registry)
                scopes.push((0, challenge_1.repositoryScope)(s.repository, 'pull'));
        }
        return [...new Set(scopes)];
    }
    /** The transport a registry speaks: h2 where its TLS handshake chose it (design rule 13). */
    async protocol(registry) {
        // A plain-HTTP registry failed its handshake: the router says http/1.1 for it.
        return (await this.dispatcher.protocol?.(`https://${(0, reference_1.apiHost)(registry)}`)) ?? 'http/1.1';
    }
    client(registry) {
        let client = this.clients.get(registry);
        if (!client) {
            client = Promise.resolve(this.options.credentials)
                .then((credentials) => credentials.get(registry))
                .then((credential) => {
                const secret = this.options.log.secret;
                const auth = new auth_1.Authenticator(registry, credential, this.send, this.scopesFor(registry), secret);
                // HTTPS; the scheme layer falls back to plain HTTP where design rule 14 allows it.
                return new client_1.RegistryClient(registry, auth, false, this.retry, this.retryLog, this.outages);
            });
            this.clients.set(registry, client);
        }
        return client;
    }
    /** Whether Docker Hub's pull limit counts the manifest GETs this registry serves. */
    isHub(registry) {
        return this.hubHosts.has((0, reference_1.apiHost)(registry));
    }
    /** The requests Docker Hub counted so far, when a registry of the run is Hub's; else undefined. */
    get hubCounted() {
        const registries = [...this.options.sources, ...this.options.targets].map((r) => r.registry);
        return registries.some((r) => this.isHub(r)) ? this.stats.hubCountedRequests : undefined;
    }
    /**
     * Ends the run's connections. The outcome is decided by now: whatever is still in flight (the
     * siblings of a request that failed) is aborted, not waited for, so closing cannot hang.
     */
    async close() {
        this.outages.close();
        if (this.hubCounted !== undefined) {
            this.options.log.debug(`Docker Hub counted ${this.stats.hubCountedRequests} requests (manifest GETs; HEADs are free)`);
        }
        for (const used of this.dispatcher.connectionsUsed?.() ?? []) {
            if (used.connections + used.unused === 0)
                continue;
            const unused = used.unused > 0 ? `; ${used.unused} opened early and closed unused` : '';
            this.options.log.debug(`connections to ${used.origin}: ${used.connections} (${used.transport}), at most ${used.mostInFlight} requests in flight at once${unused}`);
        }
        if (this.ownsDispatcher)
            await this.dispatcher.destroy();
    }
}
exports.Registries = Registries;


/***/ }),

/***/ 8850:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.TAG_OUTCOMES = void 0;
exports.resolvedName = resolvedName;
exports.imageOutput = imageOutput;
exports.outputsOf = outputsOf;
exports.batchTotals = batchTotals;
exports.requestsLine = requestsLine;
exports.totalsLine = totalsLine;
exports.formatBytes = formatBytes;
exports.transferCounts = transferCounts;
exports.appendSummary = appendSummary;
const platform_1 = __webpack_require__(1890);
const words_1 = __webpack_require__(333);
/** `registry/repo:tag@sha256:…`, or `registry/repo@sha256:…` for a source named by digest only. */
function resolvedName(source) {
    const r = source.reference;
    return `${r.name}${r.tag !== undefined ? `:${r.tag}` : ''}@${source.digest}`;
}
function imageOutput(result) {
    return {
        image: `${result.targets[0].name}@${result.plan.index.digest}`,
        tags: result.targets.map((t) => t.toString()),
        digest: result.plan.index.digest,
        platforms: result.plan.platforms,
    };
}
/** The outputs: `digest`, `image` and the rest describe the first image; `images` lists them all. */
function outputsOf(result, all = [result]) {
    const { index, platforms } = result.plan;
    return {
        digest: index.digest,
        image: `${result.targets[0].name}@${index.digest}`,
        manifest: index.json,
        platforms: platforms.join(','),
        'media-type': index.mediaType,
        sources: result.sources.map(resolvedName).join('\n'),
        attestations: JSON.stringify((result.referrers?.attestations ?? []).map(({ platform, predicateTypes, digest, subject }) => ({
            platform,
            predicateTypes,
            digest,
            subject,
        }))),
        images: JSON.stringify(all.map(imageOutput)),
    };
}
/** What a batch did in all: the numbers the log and the job summary end with. */
function batchTotals(images, run) {
    let blobsMounted = 0;
    let blobsCopied = 0;
    let bytesCopied = 0;
    for (const t of images.flatMap((i) => i.transfers)) {
        blobsMounted += t.blobs.mounted + t.blobs['would-mount'];
        blobsCopied += t.blobs.copied + t.blobs['would-copy'];
        bytesCopied += t.bytesCopied;
    }
    return {
        images: images.length,
        tagsWritten: images.flatMap((i) => i.tags).filter((t) => t.outcome !== 'unchanged').length,
        blobsMounted,
        blobsCopied,
        bytesCopied,
        requests: run.requests,
        ...(run.hubCounted !== undefined ? { hubCounted: run.hubCounted } : {}),
        elapsedMs: run.elapsedMs,
        dryRun: images.some((i) => i.dryRun),
    };
}
/** `412 requests (6 counted by Docker Hub) in 1.9 s` */
function requestsLine(result) {
    const hub = result.hubCounted !== undefined ? ` (${result.hubCounted} counted by Docker Hub)` : '';
    return `${(0, words_1.counted)(result.requests, 'request')}${hub} in ${(result.elapsedMs / 1000).toFixed(1)} s`;
}
/** The totals in one line: `12 images, 36 tags written, 40 blobs mounted, 8 copied (1.2 MiB), 410 requests in 2.1 s`. */
function totalsLine(t) {
    const verb = t.dryRun ? 'to write' : 'written';
    const blobs = t.dryRun
        ? `${t.blobsMounted} blobs to mount, ${t.blobsCopied} to copy`
        : `${t.blobsMounted} blobs mounted, ${t.blobsCopied} copied (${formatBytes(t.bytesCopied)})`;
    return `${(0, words_1.counted)(t.images, 'image')}, ${(0, words_1.counted)(t.tagsWritten, 'tag')} ${verb}, ${blobs}, ${requestsLine(t)}`;
}
function formatBytes(n) {
    if (n < 1024)
        return `${n} B`;
    const units = ['KiB', 'MiB', 'GiB', 'TiB'];
    let v = n / 1024;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
        v /= 1024;
        i++;
    }
    return `${v.toFixed(1)} ${units[i]}`;
}
/** What one target repository needed: blobs and manifests present, mounted, copied or pushed. */
function transferCounts(t, dryRun) {
    const b = t.blobs;
    const m = t.manifests;
    const blobs = dryRun
        ? `${(0, words_1.counted)(b.present, 'blob')} present, ${b['would-mount']} to mount, ${b['would-copy']} to copy`
        : `${(0, words_1.counted)(b.present, 'blob')} present, ${b.mounted} mounted, ${b.copied} copied (${formatBytes(t.bytesCopied)})`;
    const manifests = dryRun
        ? `${(0, words_1.counted)(m.present, 'manifest')} present, ${m['would-push']} to push`
        : `${(0, words_1.counted)(m.present, 'manifest')} present, ${m.pushed} pushed`;
    return `${blobs}; ${manifests}`;
}
/** What happened to a target tag, in words. */
exports.TAG_OUTCOMES = {
    written: 'written',
    unchanged: 'already at this digest',
    'would-write': 'would be written (dry run)',
};
/** With append: the base, how many of its entries stay and which were replaced; `code` marks names up. */
function appendSummary(result, code = (t) => t) {
    const { base, plan } = result;
    if (!base)
        return undefined;
    const replaced = plan.replaced.map((c) => code((0, platform_1.formatPlatform)(c.descriptor.platform)));
    const kept = base.images.length - plan.replaced.length;
    return (`Appended to ${code(resolvedName(base))}: ${kept} entr${kept === 1 ? 'y' : 'ies'} kept` +
        (replaced.length > 0 ? `, replaced ${replaced.join(', ')}` : '') +
        '.');
}


/***/ }),

/***/ 3459:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.resolveBase = resolveBase;
const errors_1 = __webpack_require__(3916);
const client_1 = __webpack_require__(2440);
const resolve_1 = __webpack_require__(7416);
/**
 * The append base: what the first target tag holds now, resolved like a source (an index is
 * flattened, a plain manifest is a one-platform base). Its attestations are read too: the plan
 * keeps those of the entries it keeps. Undefined when the tag does not exist yet.
 *
 * Nothing locks the tag between this read and the final PUT: runs appending to one tag at once
 * check after writing and merge again onto what is there (flow/appendLoop.ts).
 */
async function resolveBase(clientFor, target) {
    try {
        return await (0, resolve_1.resolveSource)(clientFor, target, 'keep');
    }
    catch (err) {
        if (err instanceof errors_1.ContentError && isNotFound(err))
            return undefined;
        if (err instanceof errors_1.ContentError)
            throw new errors_1.ContentError(['append: ', ...(0, errors_1.wordingOf)(err)]);
        throw err;
    }
}
function isNotFound(err) {
    return err.cause instanceof client_1.RegistryError && err.cause.status === 404;
}


/***/ }),

/***/ 9868:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.platformFromConfig = platformFromConfig;
exports.platformOfConfig = platformOfConfig;
const errors_1 = __webpack_require__(3916);
const imageCheck_1 = __webpack_require__(5989);
/** Image configs are small; anything larger is not an image config. */
const MAX_CONFIG_BYTES = 8 * 1024 * 1024;
/** Reads os, architecture, variant, os.version and os.features from an image config blob. */
async function platformFromConfig(client, source, config) {
    if (config.size > MAX_CONFIG_BYTES) {
        throw new errors_1.ContentError(`source "${source}": config ${config.digest} is ${config.size} bytes, too large for an image config`);
    }
    const chunks = [];
    for await (const chunk of await client.getBlob(source.repository, config.digest, config.size))
        chunks.push(chunk);
    let json;
    try {
        json = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    }
    catch {
        throw new errors_1.ContentError(`source "${source}": config ${config.digest} is not JSON, so its platform is unknown`);
    }
    return platformOfConfig(json, `source "${source}"`);
}
function platformOfConfig(json, where) {
    const { os, architecture, variant } = json;
    if (typeof os !== 'string' || typeof architecture !== 'string' || (0, imageCheck_1.isUnknownPlatform)({ os, architecture })) {
        // Design rule 16: attestations and signatures carry image configs with no platform, or unknown/unknown.
        const shown = (v) => (typeof v === 'string' && v !== '' ? v : '(none)');
        throw new errors_1.ContentError(`${where} is not an image: its config names the platform ${shown(os)}/${shown(architecture)}`);
    }
    const p = { os, architecture };
    if (typeof variant === 'string' && variant !== '')
        p.variant = variant;
    if (typeof json['os.version'] === 'string' && json['os.version'] !== '')
        p['os.version'] = json['os.version'];
    const features = json['os.features'];
    if (Array.isArray(features) && features.length > 0)
        p['os.features'] = features.map(String);
    return p;
}


/***/ }),

/***/ 5989:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.refuseAttachmentTag = refuseAttachmentTag;
exports.nonImage = nonImage;
exports.refuseNonImage = refuseNonImage;
exports.mayBeClassicAttestation = mayBeClassicAttestation;
exports.refuseArtifactIndex = refuseArtifactIndex;
exports.isUnknownPlatform = isUnknownPlatform;
const errors_1 = __webpack_require__(3916);
const attachmentTags_1 = __webpack_require__(7001);
const digest_1 = __webpack_require__(8825);
const manifest_1 = __webpack_require__(2060);
const mediaTypes_1 = __webpack_require__(8004);
/**
 * Design rule 16: only images are merged. A source (or an entry of a source index, or of the
 * append base) that is an attestation, a signature, an OCI artifact or a referrers index is
 * refused before anything is written, with an error that says what it is.
 */
/** A source named by a referrers or cosign tag: refused before it is read. */
function refuseAttachmentTag(source) {
    const tag = source.digest === undefined && source.tag !== undefined ? (0, attachmentTags_1.attachmentTag)(source.tag) : undefined;
    if (tag)
        throw new errors_1.ContentError(`source "${source}" is ${(0, attachmentTags_1.describeAttachmentTag)(tag)}, not an image`);
}
function artifactFields(bytes) {
    try {
        const json = JSON.parse(bytes.toString('utf8'));
        const subject = json.subject?.digest;
        return {
            ...(typeof subject === 'string' && (0, digest_1.isDigest)(subject) ? { subject } : {}),
            ...(typeof json.artifactType === 'string' && json.artifactType !== '' ? { artifactType: json.artifactType } : {}),
        };
    }
    catch {
        return {};
    }
}
function isAttestationLayer(l) {
    return mediaTypes_1.ATTESTATION_LAYER_TYPES.has(l.mediaType) || l.annotations?.[mediaTypes_1.PREDICATE_TYPE_ANNOTATION] !== undefined;
}
/**
 * What an image-shaped manifest is when it is not an image, in words (`an attestation of
 * sha256:…`); undefined for an image. `subjectOf` may name the image an attestation without a
 * `subject` describes (buildx's classic attestations name it only in their statements).
 */
function nonImage(manifest, bytes, subjectHint) {
    const { subject, artifactType } = artifactFields(bytes);
    const about = subject ?? subjectHint;
    const of = about ? ` of ${about}` : '';
    const attestation = artifactType === mediaTypes_1.ATTESTATION_ARTIFACT_TYPE ||
        manifest.config.mediaType === mediaTypes_1.ATTESTATION_CONFIG_TYPE ||
        (manifest.layers.length > 0 && manifest.layers.every(isAttestationLayer));
    if (attestation) {
        const predicates = [
            ...new Set(manifest.layers.map((l) => l.annotations?.[mediaTypes_1.PREDICATE_TYPE_ANNOTATION]).filter((p) => p !== undefined)),
        ];
        return `an attestation${of}${about || predicates.length === 0 ? '' : ` (${predicates.join(', ')})`}`;
    }
    if (manifest.layers.some((l) => l.mediaType === mediaTypes_1.COSIGN_SIGNATURE_LAYER_TYPE))
        return `a cosign signature${of}`;
    const type = artifactType ?? (mediaTypes_1.IMAGE_CONFIG_TYPES.has(manifest.config.mediaType) ? undefined : manifest.config.mediaType);
    if (subject)
        return `an artifact${type ? ` (${type})` : ''} attached to ${subject}`;
    if (type)
        return `an artifact (${type})`;
    return undefined;
}
/** Refuses an image-shaped manifest that is not an image (`where`: `source "…"`, or an entry of it). */
function refuseNonImage(where, manifest, bytes, subjectHint) {
    const what = nonImage(manifest, bytes, subjectHint);
    if (what)
        throw new errors_1.ContentError(`${where} is ${what}, not an image`);
}
/**
 * Whether an image-shaped manifest may be an attestation whose subject only its statements name
 * (then the error reads one statement to say which image it describes).
 */
function mayBeClassicAttestation(manifest, bytes) {
    return (artifactFields(bytes).subject === undefined &&
        manifest.layers.length > 0 &&
        manifest.layers.every(isAttestationLayer) &&
        nonImage(manifest, bytes) !== undefined);
}
/**
 * An index that lists only artifacts (every entry has an `artifactType`, none a platform, none
 * is a buildx attestation entry): a referrers index, or an index of artifacts; not an image.
 */
function refuseArtifactIndex(source, index) {
    const entries = index.manifests;
    if (entries.length === 0)
        return;
    if (entries.every((d) => d.artifactType !== undefined && d.platform === undefined && !(0, manifest_1.isAttestation)(d))) {
        const types = [...new Set(entries.map((d) => d.artifactType))].join(', ');
        throw new errors_1.ContentError(`source "${source}" is a referrers index (it lists artifacts: ${types}), not an image`);
    }
}
/** Design rule 16: a platform `unknown` or empty in os or architecture is no image's. */
function isUnknownPlatform(p) {
    return p.os === '' || p.os === 'unknown' || p.architecture === '' || p.architecture === 'unknown';
}


/***/ }),

/***/ 7317:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readFromMirror = readFromMirror;
const digest_1 = __webpack_require__(8825);
/**
 * Docker Hub counts every manifest GET it serves against its pull limit; a HEAD is free. A
 * source on Hub that a mirror of the run holds (a target repository of the same name in
 * another registry: GHCR beside Hub) is read from the mirror, by digest: the digest comes from
 * a HEAD on Hub when the source names a tag, the mirror's copy is found by a HEAD there, and
 * the bytes read from it are verified against that digest like any source's (design rule 4).
 * Anything that does not answer as hoped leaves the source as it is: this only saves pulls.
 */
async function readFromMirror(clientFor, source, mirrors) {
    const candidates = mirrors.filter((m) => m.repository === source.repository && m.registry !== source.registry);
    if (candidates.length === 0)
        return { reference: source };
    try {
        let digest = source.digest;
        if (digest === undefined) {
            const head = await (await clientFor(source.registry)).headManifest(source.repository, source.manifestRef);
            digest = head?.digest;
        }
        if (digest === undefined || !(0, digest_1.isDigest)(digest))
            return { reference: source };
        const known = digest;
        const found = await Promise.all(candidates.map(async (m) => (await (await clientFor(m.registry)).headManifest(m.repository, known)) !== undefined));
        const i = found.indexOf(true);
        return i < 0 ? { reference: source } : { reference: candidates[i].withDigest(known), mirror: candidates[i] };
    }
    catch {
        return { reference: source };
    }
}


/***/ }),

/***/ 5485:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.expandPattern = expandPattern;
exports.expandSources = expandSources;
const errors_1 = __webpack_require__(3916);
const attachmentTags_1 = __webpack_require__(7001);
const tagPattern_1 = __webpack_require__(7907);
const client_1 = __webpack_require__(2440);
/** How many existing tags a "no match" error names. */
const EXAMPLE_TAGS = 5;
const byCodeUnits = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
/**
 * The tags of the pattern's repository that it matches, sorted (the index order must not depend
 * on the registry's listing order). A target tag never matches: a re-run whose target sits in
 * the same repository under a matching name must see the same sources as the first run. Nor do
 * the tags of what is attached to images (design rule 16): `sha256-<hex>` referrers indexes,
 * which this tool writes itself, and cosign's `.sig`, `.att` and `.sbom`.
 */
async function expandPattern(clientFor, pattern, targets) {
    const client = await clientFor(pattern.registry);
    const tags = await client.listTags(pattern.repository).catch((err) => {
        if (err instanceof client_1.RegistryError && err.status === 404) {
            throw new errors_1.ContentError(`source pattern "${pattern}": repository ${pattern.name} was not found (${err.message})`);
        }
        if (err instanceof client_1.RegistryError && (err.status === 401 || err.status === 403)) {
            // Quay, GHCR and Docker Hub answer 401 for a repository they do not find, too.
            throw new errors_1.ContentError(`source pattern "${pattern}": cannot list the tags of ${pattern.name} (${err.message}); ` +
                'the repository may not exist, or the credentials for it may not read it');
        }
        throw err;
    });
    const isTarget = (tag) => targets.some((t) => t.name === pattern.name && t.tag === tag);
    const candidates = [...new Set(tags)].filter((tag) => !isTarget(tag) && (0, attachmentTags_1.attachmentTag)(tag) === undefined);
    const matches = candidates.filter((tag) => pattern.matches(tag)).sort(byCodeUnits);
    if (matches.length === 0) {
        const existing = candidates.sort(byCodeUnits);
        const some = existing.length === 0
            ? 'the repository has no other tags'
            : `tags there include ${existing.slice(0, EXAMPLE_TAGS).join(', ')}` +
                (existing.length > EXAMPLE_TAGS ? ` (${existing.length} in all)` : '');
        throw new errors_1.ContentError(`source pattern "${pattern}" matches no tag of ${pattern.name}; ${some}`);
    }
    return matches.map((tag) => pattern.at(tag));
}
/**
 * Expands every pattern (all listings at once) and keeps the input order. A tag reached twice (a
 * pattern and an explicit source, or two patterns) is used once, where it first appears.
 */
async function expandSources(clientFor, sources, targets) {
    const expanded = await Promise.all(sources.map(async (s) => ((0, tagPattern_1.isPattern)(s) ? await expandPattern(clientFor, s, targets) : [s])));
    const seen = new Set();
    const references = expanded.flat().filter((r) => {
        const key = r.toString();
        if (seen.has(key))
            return false;
        seen.add(key);
        return true;
    });
    const expansions = sources.flatMap((s, i) => ((0, tagPattern_1.isPattern)(s) ? [{ pattern: s, matches: expanded[i] }] : []));
    return { references, expansions };
}


/***/ }),

/***/ 7416:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.SourceCache = exports.DIGEST_LAG_MS = void 0;
exports.resolveSource = resolveSource;
exports.resolveSources = resolveSources;
exports.describeChild = describeChild;
const errors_1 = __webpack_require__(3916);
const manifest_1 = __webpack_require__(2060);
const mediaTypes_1 = __webpack_require__(8004);
const platform_1 = __webpack_require__(1890);
const client_1 = __webpack_require__(2440);
const attachment_1 = __webpack_require__(6807);
const concurrency_1 = __webpack_require__(3731);
const config_1 = __webpack_require__(9868);
const imageCheck_1 = __webpack_require__(5989);
/**
 * Design rule 18: how long a source named by digest that answers 404 is asked again. Some
 * registries (GHCR) answer 404 for a manifest for a moment after another job pushed it; a digest
 * names content that was pushed, so it is worth waiting for. A tag is not: it may never exist.
 */
exports.DIGEST_LAG_MS = 10_000;
/** The source's own manifest; by digest, a 404 is asked again until `lagMs` (design rule 18). */
async function fetchSource(client, source, hooks) {
    const lagMs = hooks.digestLagMs ?? exports.DIGEST_LAG_MS;
    const started = Date.now();
    for (let attempt = 0;; attempt++) {
        try {
            return await client.getManifest(source.repository, source.manifestRef);
        }
        catch (err) {
            if (!(err instanceof client_1.RegistryError && err.status === 404))
                throw err;
            const waited = Date.now() - started;
            if (source.digest === undefined || waited >= lagMs) {
                const after = source.digest !== undefined ? `; asked for ${Math.round(waited / 1000)} s` : '';
                throw new errors_1.ContentError(`source "${source}" was not found (${err.message}${after})`, { cause: err });
            }
            if (attempt === 0) {
                hooks.info?.(`source "${source}" is not there yet (404); asking again for up to ${Math.round(lagMs / 1000)} s ` +
                    '(a registry may show a push a moment late)');
            }
            await (0, concurrency_1.sleep)(Math.min(2_000, 250 * 2 ** attempt, Math.max(0, lagMs - waited)));
        }
    }
}
async function fetchImage(client, source, d) {
    const fetched = await client.getListedManifest(source.repository, d.digest);
    const manifest = (0, manifest_1.parseManifest)(fetched.bytes, fetched.contentType, `${source.name}@${d.digest}`);
    if (manifest.kind !== 'image') {
        throw new errors_1.ContentError(`source "${source}": ${d.digest} is an index inside an index; nested indexes are not supported`);
    }
    if (fetched.bytes.length !== d.size) {
        throw new errors_1.ContentError(`source "${source}": ${d.digest} is ${fetched.bytes.length} bytes, its descriptor says ${d.size}`);
    }
    return { manifest, bytes: fetched.bytes };
}
/**
 * Design rule 16: an image-shaped manifest that is an attestation, a signature or an artifact is
 * refused, named by `where`. A buildx attestation names its image only in its statements: one
 * is read to say which (the run fails either way).
 */
async function refuseIfNotImage(client, where, source, manifest, bytes) {
    const subject = (0, imageCheck_1.mayBeClassicAttestation)(manifest, bytes) ? await statementSubject(client, source, manifest) : undefined;
    (0, imageCheck_1.refuseNonImage)(where, manifest, bytes, subject);
}
/** The image an in-toto statement (the first layer, when small) is about; undefined when it cannot tell. */
async function statementSubject(client, source, manifest) {
    const layer = manifest.layers[0];
    if (layer.mediaType !== mediaTypes_1.IN_TOTO_LAYER_TYPE || layer.size > 1024 * 1024)
        return undefined;
    try {
        const chunks = [];
        for await (const chunk of await client.getBlob(source.repository, layer.digest, layer.size))
            chunks.push(chunk);
        const statement = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const hex = statement.subject?.[0]?.digest?.sha256;
        return typeof hex === 'string' && /^[0-9a-f]{64}$/.test(hex) ? `sha256:${hex}` : undefined;
    }
    catch {
        return undefined;
    }
}
function describe(d, manifest, platform) {
    // The child's own descriptor (design rule 2): digest and size as listed, media type as served.
    return { ...d, mediaType: manifest.mediaType, platform };
}
/**
 * An image's platform: the index entry's when it lists one (no config GET), else its config's
 * (design rule 3). `onImage` hears of the manifest at once and again when its platform is
 * learnt; the config GET goes out first, as the plan waits for it, not for the blob work
 * `onImage` starts.
 */
async function platformOf(client, source, digest, manifest, listed, onImage) {
    if (listed) {
        onImage?.({ source, digest, manifest, platform: listed });
        return listed;
    }
    const reading = (0, config_1.platformFromConfig)(client, source, manifest.config);
    reading.catch(() => undefined); // awaited below
    onImage?.({ source, digest, manifest, platform: undefined });
    const platform = await reading;
    onImage?.({ source, digest, manifest, platform });
    return platform;
}
/** A plain image manifest source: its platform comes from its config blob (design rule 3). */
async function resolveImage(client, source, digest, bytes, manifest, onImage) {
    const platform = await platformOf(client, source, digest, manifest, undefined, onImage);
    const descriptor = { mediaType: manifest.mediaType, digest, size: bytes.length };
    return { kind: 'image', descriptor: { ...descriptor, platform }, manifest, bytes, source };
}
function refuseNonManifests(source, index) {
    const odd = index.manifests.filter((m) => !(0, mediaTypes_1.isImageMediaType)(m.mediaType) && !(0, manifest_1.isAttestation)(m));
    if (odd.length === 0)
        return;
    const nested = odd.filter((m) => (0, mediaTypes_1.isIndexMediaType)(m.mediaType));
    if (nested.length === odd.length) {
        throw new errors_1.ContentError(`source "${source}": the index holds other indexes (${nested[0].digest}); nested indexes are not supported`);
    }
    const types = [...new Set(odd.map((m) => m.mediaType))].join(', ');
    throw new errors_1.ContentError(`source "${source}" is an index whose entries are not image manifests (${types}); ` +
        'it looks like a BuildKit cache export or another artifact, not an image');
}
/**
 * Resolves one source to the image manifests it contributes (design rule 2): a plain manifest
 * as is, a single-platform index unwrapped, a multi-platform index flattened; attestations are
 * kept aside for the plan to drop or carry.
 */
async function resolveSource(clientFor, source, attestations, hooks = {}) {
    const { onImage, known = () => undefined } = hooks;
    (0, imageCheck_1.refuseAttachmentTag)(source);
    const client = await clientFor(source.registry);
    const fetched = await fetchSource(client, source, hooks);
    const manifest = (0, manifest_1.parseManifest)(fetched.bytes, fetched.contentType, `source "${source}"`);
    known(source, fetched.digest);
    if (manifest.kind === 'image') {
        await refuseIfNotImage(client, `source "${source}"`, source, manifest, fetched.bytes);
        const child = await resolveImage(client, source, fetched.digest, fetched.bytes, manifest, onImage);
        return { reference: source, digest: fetched.digest, mediaType: manifest.mediaType, images: [child], attestations: [] };
    }
    refuseNonManifests(source, manifest);
    (0, imageCheck_1.refuseArtifactIndex)(source, manifest);
    const imageDescriptors = manifest.manifests.filter((m) => !(0, manifest_1.isAttestation)(m));
    if (imageDescriptors.length === 0) {
        throw new errors_1.ContentError(`source "${source}" is an index with no image manifests (only attestations or nothing)`);
    }
    // Design rule 16: an entry listed as unknown/unknown without the attestation annotation is no image.
    const unknown = imageDescriptors.find((d) => d.platform !== undefined && (0, imageCheck_1.isUnknownPlatform)(d.platform));
    if (unknown?.platform) {
        throw new errors_1.ContentError(`source "${source}": entry ${unknown.digest} is listed with platform ${(0, platform_1.formatPlatform)(unknown.platform)} ` +
            'and is not marked as an attestation: it is not an image');
    }
    // Stripped attestations are never read: on Docker Hub every manifest GET counts as a pull.
    const wanted = attestations === 'strip' ? [] : manifest.manifests.filter(manifest_1.isAttestation);
    // What is attached to an attestation kept inline travels with it; one that becomes a referrer is written anew.
    for (const d of [...imageDescriptors, ...(attestations === 'keep' ? wanted : [])])
        known(source, d.digest);
    const images = await Promise.all(imageDescriptors.map(async (d) => {
        const { manifest: child, bytes } = await fetchImage(client, source, d);
        await refuseIfNotImage(client, `source "${source}": entry ${d.digest}`, source, child, bytes);
        const platform = await platformOf(client, source, d.digest, child, d.platform, onImage);
        return { kind: 'image', descriptor: describe(d, child, platform), manifest: child, bytes, source };
    }));
    const kept = await Promise.all(wanted.map(async (d) => {
        const { manifest: child, bytes } = await fetchImage(client, source, d);
        // buildx names the image in the entry's annotation; an OCI-artifact attestation also in its own subject.
        const subject = d.annotations?.[mediaTypes_1.ATTESTATION_SUBJECT_ANNOTATION] ?? (0, attachment_1.referrerFields)(bytes).subject;
        const platform = d.platform ?? { os: 'unknown', architecture: 'unknown' };
        return { kind: 'attestation', descriptor: describe(d, child, platform), manifest: child, bytes, source, subject };
    }));
    return {
        reference: source,
        digest: fetched.digest,
        mediaType: manifest.mediaType,
        images,
        attestations: kept,
        ...(manifest.annotations ? { annotations: manifest.annotations } : {}),
    };
}
/**
 * The sources a run has resolved, by reference and attestation mode: images of a batch that
 * name the same source read it once (design rule 22). Only the first to ask runs the hooks; the
 * others find its children in the plan, where the transfer and the referrers look for them anyway.
 */
class SourceCache {
    resolved = new concurrency_1.Once();
    get(source, attestations, resolve) {
        return this.resolved.run(`${source.toString()} ${attestations}`, resolve);
    }
}
exports.SourceCache = SourceCache;
/** Resolves every source at once; the first failure fails the step before anything is written. */
function resolveSources(clientFor, sources, attestations, hooks = {}, cache) {
    return Promise.all(sources.map((s) => cache
        ? cache.get(s, attestations, () => resolveSource(clientFor, s, attestations, hooks))
        : resolveSource(clientFor, s, attestations, hooks)));
}
function describeChild(child) {
    return `${(0, platform_1.formatPlatform)(child.descriptor.platform)} ${child.descriptor.digest} from ${child.source}`;
}


/***/ }),

/***/ 2737:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.uniqueRepositories = uniqueRepositories;
/** One reference per target repository, in input order: content is copied once per repository, not per tag. */
function uniqueRepositories(targets) {
    const seen = new Map();
    for (const t of targets)
        if (!seen.has(t.name))
            seen.set(t.name, t);
    return [...seen.values()];
}


/***/ }),

/***/ 3456:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Transfer = void 0;
exports.emptyTransfer = emptyTransfer;
exports.alreadyPresent = alreadyPresent;
exports.explainRefusedManifest = explainRefusedManifest;
const manifest_1 = __webpack_require__(2060);
const client_1 = __webpack_require__(2440);
const limits_1 = __webpack_require__(5017);
const concurrency_1 = __webpack_require__(3731);
function counts() {
    return { present: 0, mounted: 0, copied: 0, pushed: 0, 'would-mount': 0, 'would-copy': 0, 'would-push': 0 };
}
/** The blobs a set of manifests needs in a repository, each once. */
function uniqueBlobs(manifests) {
    const byDigest = new Map();
    for (const m of manifests)
        for (const b of (0, manifest_1.requiredBlobs)(m))
            byDigest.set(b.digest, b);
    return [...byDigest.values()];
}
/** A report with nothing counted yet. */
function emptyTransfer(repository) {
    return { repository, blobs: counts(), manifests: counts(), bytesCopied: 0 };
}
/**
 * The report of a repository whose tags already hold the index: nothing was looked at or
 * copied, and every child and the blobs they need are there (the registry stored the index).
 */
function alreadyPresent(target, children) {
    return {
        repository: target.name,
        blobs: { ...counts(), present: uniqueBlobs(children.map((c) => c.manifest)).length },
        manifests: { ...counts(), present: children.length },
        bytesCopied: 0,
    };
}
/**
 * Makes every child manifest and every blob it references present in each target repository
 * (design rules 7–9), before the index is written. Blob work may start early (`prefetch`), as
 * soon as a verified manifest names the blobs; manifests are only written by `run`, after the
 * plan. A child already in the target is skipped whole: the registry only stored it because
 * its blobs were there.
 */
class Transfer {
    clientFor;
    options;
    limits;
    blobs = new concurrency_1.Once();
    probes = new concurrency_1.Once();
    /** Child manifests found in a target repository (HEAD), by `target@digest`. */
    present = new concurrency_1.Once();
    manifests = new concurrency_1.Once();
    /**
     * Target ← source repository pairs whose mounts do not mount: refused (no mount support,
     * Harbor's 401 for a project it does not find, a token without both scopes) or answered 202
     * (mounting off, ECR). Mounts go out at once, without waiting for a first one to settle;
     * once a pair is known here, its blobs not yet asked for are looked for (HEAD) and uploaded.
     */
    unmountable = new Set();
    /** Blobs a report has counted: `ensureBlobs` does not count again what `run` counted. */
    counted = new Set();
    /** Per target repository, the blobs streaming into it now and their bytes so far (for progress). */
    streaming = new Map();
    /** The reports `run` is filling, by target repository (images of a batch may fill one repository at once). */
    reports = new Map();
    constructor(clientFor, options) {
        this.clientFor = clientFor;
        this.options = options;
        this.limits = options.limits ?? new limits_1.RegistryLimits();
    }
    limited(registry, task) {
        return this.limits.run(registry, task);
    }
    /**
     * Starts making a child's blobs present in every target repository, before the plan is made
     * (design: blob writes may start once the verified manifest naming them is known and its
     * platform is certainly wanted), and asks whether the child itself is there (a read), so
     * neither waits for the plan. Failures surface when `run` awaits the same work.
     */
    prefetch(image, targets) {
        if (this.options.dryRun)
            return;
        for (const target of targets) {
            if (image.source.name === target.name)
                continue;
            this.manifestPresent(image.digest, target).catch(() => undefined);
            for (const blob of (0, manifest_1.requiredBlobs)(image.manifest)) {
                this.blob(blob, image.source, target, undefined).catch(() => undefined);
            }
        }
    }
    /** Runs for every target repository at once; resolves when everything is present. */
    async run(children, targets) {
        return Promise.all(targets.map(async (target) => {
            const report = {
                repository: target.name,
                blobs: counts(),
                manifests: counts(),
                bytesCopied: 0,
                children: children.length,
                presentWithChild: new Map(),
                neededByMissing: new Set(),
                settled: new Map(),
            };
            const filling = this.reports.get(target.name) ?? new Set();
            filling.add(report);
            this.reports.set(target.name, filling);
            this.progress(target.name);
            try {
                await Promise.all(children.map((child) => this.child(child, target, report)));
            }
            finally {
                filling.delete(report);
                if (filling.size === 0)
                    this.reports.delete(target.name);
            }
            countBlobs(report);
            for (const digest of [...report.presentWithChild.keys(), ...report.neededByMissing]) {
                this.counted.add(`${target.name}@${digest}`);
            }
            const { repository, blobs, manifests, bytesCopied } = report;
            return { repository, blobs, manifests, bytesCopied };
        }));
    }
    /**
     * Referrers hook: makes the blobs an attached manifest references present in a
     * target repository, as for a child (mount or stream, digests verified, each blob once).
     */
    async ensureBlobs(manifest, source, target, report) {
        await Promise.all((0, manifest_1.requiredBlobs)(manifest).map((blob) => this.blob(blob, source, target, report)));
    }
    /** Tells the reporter where a repository `run` is filling stands, blobs still streaming included. */
    progress(repository) {
        const reports = this.reports.get(repository);
        if (!reports)
            return;
        let streaming = 0;
        for (const n of this.streaming.get(repository)?.values() ?? [])
            streaming += n;
        for (const report of reports) {
            countBlobs(report);
            const update = {
                repository,
                children: report.children,
                manifests: { ...report.manifests },
                blobs: { ...report.blobs },
                bytesCopied: report.bytesCopied + streaming,
            };
            this.options.reporter.progress(update);
        }
    }
    async child(child, target, report) {
        const digest = child.descriptor.digest;
        // Read from the target repository itself: nothing to do.
        if (child.source.name === target.name) {
            report.manifests.present++;
            for (const blob of (0, manifest_1.requiredBlobs)(child.manifest))
                report.presentWithChild.set(blob.digest, blob);
            this.progress(target.name);
            return;
        }
        // Counted inside the shared task, so a manifest two sources share is counted once.
        await this.manifests.run(`${target.name}@${digest}`, async () => {
            const outcome = await this.pushManifest(child, target, report);
            report.manifests[outcome]++;
            this.progress(target.name);
            return outcome;
        });
    }
    async pushManifest(child, target, report) {
        const digest = child.descriptor.digest;
        const client = await this.clientFor(target.registry);
        // The HEAD of the child goes alongside its blobs (or earlier, from prefetch), not before them.
        const head = this.manifestPresent(digest, target);
        const needed = (0, manifest_1.requiredBlobs)(child.manifest);
        const blobs = Promise.all(needed.map(async (blob) => {
            const outcome = await this.blob(blob, child.source, target, undefined);
            // Settled: its bytes move from "streaming" to the report at once, so progress never goes back.
            report.settled.set(blob.digest, { blob, outcome });
            this.streaming.get(target.name)?.delete(blob.digest);
            this.progress(target.name);
            return outcome;
        }));
        blobs.catch(() => undefined);
        if (await head) {
            for (const blob of needed)
                report.presentWithChild.set(blob.digest, blob);
            return 'present';
        }
        for (const blob of needed)
            report.neededByMissing.add(blob.digest);
        await blobs;
        if (this.options.dryRun)
            return 'would-push';
        await this.limited(target.registry, () => client.putManifest(target.repository, digest, child.bytes, child.descriptor.mediaType).catch((err) => {
            throw explainRefusedManifest(err, child);
        }));
        this.options.reporter.info(`pushed ${child.kind} manifest ${digest} to ${target.name}`);
        return 'pushed';
    }
    /**
     * One blob in one target repository, done once per run. Started early by `prefetch` without
     * a report; the report that asks first for a blob already under way counts its outcome.
     */
    async blob(blob, source, target, report) {
        const key = `${target.name}@${blob.digest}`;
        const outcome = await this.blobs.run(key, () => this.ensureBlob(blob, source, target));
        if (report && !this.counted.has(key)) {
            this.counted.add(key);
            // Its bytes move from "streaming" to the report's count at once, so progress never goes back.
            this.streaming.get(target.name)?.delete(blob.digest);
            report.blobs[outcome]++;
            if (outcome === 'copied')
                report.bytesCopied += blob.size;
            this.progress(target.name);
        }
        return outcome;
    }
    /** HEAD of a child manifest in a target repository, asked once per run. */
    manifestPresent(digest, target) {
        return this.present.run(`${target.name}@${digest}`, async () => {
            const client = await this.clientFor(target.registry);
            return (await this.limited(target.registry, () => client.headManifest(target.repository, digest))) !== undefined;
        });
    }
    /** HEAD of a blob in a target repository, asked once per run: only before moving bytes (rule 8). */
    probe(blob, target) {
        return this.probes.run(`${target.name}@${blob.digest}`, () => this.limited(target.registry, async () => (await this.clientFor(target.registry)).hasBlob(target.repository, blob.digest)));
    }
    /**
     * Makes a blob present in the target repository. Same registry: mount it, with no HEAD first
     * (a mount of a blob that is there answers 201 too). Otherwise, or where mounts do not mount:
     * HEAD, then copy (design rules 8, 9).
     */
    async ensureBlob(blob, source, target) {
        if (this.options.dryRun) {
            // The real run mounts without asking first: so the dry run does not ask either.
            if (source.registry === target.registry)
                return 'would-mount';
            return (await this.probe(blob, target)) ? 'present' : 'would-copy';
        }
        const client = await this.clientFor(target.registry);
        const from = await this.clientFor(source.registry);
        const pair = `${target.name} <- ${source.repository}`;
        let session;
        if (source.registry === target.registry && !this.unmountable.has(pair)) {
            // Looked at again once the mount has its slot: a refusal may have come back meanwhile.
            const mount = await this.limited(target.registry, async () => this.unmountable.has(pair) ? undefined : client.mountBlob(target.repository, blob.digest, source.repository));
            if (mount?.mounted)
                return 'mounted';
            if (mount)
                this.unmountable.add(pair);
            // 202 opened a session: fill it (never counted as mounted). A refused mount: a plain upload.
            session = mount?.uploadUrl;
        }
        if (await this.probe(blob, target))
            return 'present';
        await this.limited(target.registry, () => this.copy(from, source, client, target, blob, session));
        return 'copied';
    }
    /**
     * Counts a blob's bytes as they stream, for the progress of long copies. Each attempt
     * streams from the start, so what an earlier attempt sent no longer counts. The reporter
     * hears of its first chunk, then of every `PROGRESS_BYTES` (HTTP/2 delivers 16 KiB at a time:
     * an update per chunk would cost more than the hashing).
     */
    byteCounter(target, blob) {
        let streaming = this.streaming.get(target.name);
        if (!streaming) {
            streaming = new Map();
            this.streaming.set(target.name, streaming);
        }
        const bytes = streaming;
        bytes.set(blob.digest, 0);
        let unreported = PROGRESS_BYTES;
        return (n) => {
            bytes.set(blob.digest, (bytes.get(blob.digest) ?? 0) + n);
            unreported += n;
            if (unreported < PROGRESS_BYTES)
                return;
            unreported = 0;
            this.progress(target.name);
        };
    }
    /**
     * Streams the blob from source to target: bounded memory, digest verified on the way. The
     * upload session and the source GET are asked for at once (neither needs the other).
     */
    async copy(from, source, to, target, blob, session) {
        const open = () => from.getBlob(source.repository, blob.digest, blob.size, this.byteCounter(target, blob));
        const first = open();
        first.catch(() => undefined);
        let upload;
        try {
            upload = session ?? (await to.startUpload(target.repository));
        }
        catch (err) {
            void first.then((stream) => stream.destroy(), () => undefined);
            throw err;
        }
        let opened = first;
        await to.finishUpload(target.repository, upload, blob.digest, blob.size, () => {
            // The first attempt streams what was opened alongside the session; a retry opens anew.
            const body = opened ?? open();
            opened = undefined;
            return body;
        });
    }
}
exports.Transfer = Transfer;
/** Sets a report's blob counts and copied bytes from what is settled about each blob. */
function countBlobs(report) {
    const blobs = counts();
    for (const digest of report.presentWithChild.keys())
        if (!report.neededByMissing.has(digest))
            blobs.present++;
    for (const digest of report.neededByMissing) {
        const outcome = report.settled.get(digest)?.outcome;
        if (outcome !== undefined)
            blobs[outcome]++;
    }
    Object.assign(report.blobs, blobs);
    // Every byte copied into the repository, as soon as its blob settles (progress never goes back).
    let bytes = 0;
    for (const { blob, outcome } of report.settled.values())
        if (outcome === 'copied')
            bytes += blob.size;
    report.bytesCopied = bytes;
}
/** Bytes streamed between two progress updates of a blob. */
const PROGRESS_BYTES = 1 << 20;
/**
 * A child manifest without a top-level `mediaType` (valid OCI, written by some older tools) is
 * refused by registries that require it, Amazon ECR with a bare "405 UNSUPPORTED: Invalid JSON
 * syntax". The bytes cannot change without changing the image's digest, so say what can.
 */
function explainRefusedManifest(err, child) {
    if (!(err instanceof client_1.RegistryError) || err.status < 400 || err.status >= 500 || [401, 404, 408, 429].includes(err.status))
        return err;
    let mediaType;
    try {
        mediaType = JSON.parse(child.bytes.toString('utf8')).mediaType;
    }
    catch {
        return err;
    }
    if (typeof mediaType === 'string')
        return err;
    err.message +=
        `; the manifest has no "mediaType" field, which this registry requires (Amazon ECR does): ` +
            `rebuild "${child.source}" with a builder that writes it (BuildKit/buildx, current Buildah and Podman do); ` +
            'the action copies manifests byte for byte, as any change would change their digest';
    return err;
}


/***/ }),

/***/ 8892:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.forwarding = forwarding;
/** Every callback of a dispatch handler, passed through (undici's own decorator is deprecated). */
function forwarding(handler) {
    return {
        onRequestStart: (controller, context) => handler.onRequestStart?.(controller, context),
        onRequestUpgrade: (controller, status, headers, socket) => handler.onRequestUpgrade?.(controller, status, headers, socket),
        onResponseStart: (controller, status, headers, message) => handler.onResponseStart?.(controller, status, headers, message),
        onResponseData: (controller, chunk) => handler.onResponseData?.(controller, chunk),
        onResponseEnd: (controller, trailers) => handler.onResponseEnd?.(controller, trailers),
        onResponseError: (controller, error) => handler.onResponseError?.(controller, error),
    };
}


/***/ }),

/***/ 4025:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.USER_AGENT = exports.DEFAULT_TIMEOUTS = exports.TransportError = void 0;
exports.isCredentialHeader = isCredentialHeader;
exports.header = header;
exports.allHeaders = allHeaders;
exports.isRetriableCode = isRetriableCode;
exports.isCertificateCode = isCertificateCode;
exports.describeTransportError = describeTransportError;
exports.readBody = readBody;
exports.release = release;
exports.discard = discard;
exports.noProxyList = noProxyList;
exports.createDispatcher = createDispatcher;
exports.baseSend = baseSend;
const errors_1 = __webpack_require__(3916);
const undici_1 = __webpack_require__(509);
const redact_1 = __webpack_require__(404);
const origins_1 = __webpack_require__(6866);
const preconnect_1 = __webpack_require__(5292);
/**
 * Headers that carry credentials: they stay with the origin that asked for them (redirects),
 * and off plain HTTP until the server is known not to speak TLS (the scheme's reads ahead).
 */
function isCredentialHeader(name) {
    return CREDENTIAL_HEADERS.has(name.toLowerCase());
}
const CREDENTIAL_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
function header(res, name) {
    const v = res.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
}
function allHeaders(res, name) {
    const v = res.headers[name.toLowerCase()];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
/**
 * A request that failed below HTTP (connection, TLS, timeout), described for the user with the
 * host it concerns. `retriable` says whether trying again can help (a reset can, a certificate
 * nobody trusts cannot).
 */
class TransportError extends Error {
    host;
    code;
    retriable;
    name = 'TransportError';
    constructor(message, host, 
    /** The underlying code (`ECONNRESET`, `UND_ERR_BODY_TIMEOUT`, `DEPTH_ZERO_SELF_SIGNED_CERT` …). */
    code, retriable, options) {
        super(message, options);
        this.host = host;
        this.code = code;
        this.retriable = retriable;
        this.url = options?.url;
    }
    /** The URL of the request that failed, as sent (plain HTTP after the fallback), when known. */
    url;
}
exports.TransportError = TransportError;
/** Connection-level failures worth another attempt. */
const RETRIABLE_CODES = new Set([
    'ECONNRESET',
    'ECONNREFUSED',
    'ECONNABORTED',
    'EPIPE',
    'ETIMEDOUT',
    'EAI_AGAIN',
    'ENETUNREACH',
    'ENETDOWN',
    'EHOSTUNREACH',
    'EHOSTDOWN',
    'UND_ERR_SOCKET',
    'UND_ERR_CONNECT_TIMEOUT',
    'UND_ERR_HEADERS_TIMEOUT',
    'UND_ERR_BODY_TIMEOUT',
    'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
function isRetriableCode(code) {
    return code !== undefined && RETRIABLE_CODES.has(code);
}
function codeOf(err) {
    const code = err?.code;
    if (typeof code === 'string')
        return code;
    // undici's parser names no code when the answer is not HTTP at all (an SSH banner, say).
    return err?.name === 'HTTPParserError' ? 'HPE_NOT_HTTP' : undefined;
}
/** TLS verification failures as Node names them (OpenSSL's X509 codes and Node's own). */
function isCertificateCode(code) {
    return /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|INVALID_CA/.test(code);
}
/**
 * Maps an undici/Node error to a message a user can act on. A proxy tunnel wraps some TLS
 * errors (`UND_ERR_PRX_TLS`), so the cause is looked at too.
 */
function describeTransportError(err, url) {
    if (err instanceof TransportError)
        return err;
    const inner = err.cause;
    const source = codeOf(err) === 'UND_ERR_PRX_TLS' && codeOf(inner) ? inner : err;
    const code = codeOf(source);
    const detail = readable(source);
    const host = url.host;
    const where = `${url.protocol === 'https:' ? 'https' : 'http'}://${host}`;
    const make = (message, retriable = isRetriableCode(code)) => new TransportError(message, host, code, retriable, { cause: err, url });
    if (code && isCertificateCode(code)) {
        return (0, errors_1.worded)(make('', false), (0, errors_1.say) `the TLS certificate of ${host} is not trusted (${detail}): if the registry uses a private or self-signed CA, set NODE_EXTRA_CA_CERTS to a PEM file holding that CA; if it serves plain HTTP, ${{ hint: 'plain-http', host }}`);
    }
    if (code === 'ERR_SSL_WRONG_VERSION_NUMBER' || code === 'EPROTO' || /wrong version number/i.test(detail)) {
        return (0, errors_1.worded)(make('', false), (0, errors_1.say) `${host} did not answer TLS (${detail}): if it serves plain HTTP, ${{ hint: 'plain-http', host }}`);
    }
    if (code?.startsWith('HPE_'))
        return make(`${where} does not speak HTTP (${detail})`, false);
    switch (code) {
        case 'ECONNREFUSED':
            return make(`cannot connect to ${where}: connection refused`);
        case 'ENOTFOUND':
            return make(`cannot resolve the host name of ${where}`, false);
        case 'EAI_AGAIN':
            // The DNS server did not answer: a passing failure, unlike a name that does not exist.
            return make(`cannot resolve the host name of ${where} (DNS lookup failed; temporary)`);
        case 'UND_ERR_CONNECT_TIMEOUT':
            return make(`cannot connect to ${where}: timed out`);
        case 'UND_ERR_HEADERS_TIMEOUT':
            return make(`${where} did not answer in time (no response headers)`);
        case 'UND_ERR_BODY_TIMEOUT':
            return make(`${where} stopped sending the response body (timed out)`);
        case 'ECONNRESET':
        case 'EPIPE':
        case 'UND_ERR_SOCKET':
            return make(`the connection to ${where} broke (${detail})`);
        case 'ERR_HTTP2_STREAM_ERROR':
            // A stream past the server's limit is refused before it is processed: safe to send again.
            return make(`${where}: ${detail}`, /REFUSED_STREAM/.test(detail));
        case 'UND_ERR_ABORTED':
            // undici reports a proxy refusing CONNECT this way.
            return make(`cannot reach ${where}: ${detail}`, false);
        default:
            return make(`${where}: ${detail}`);
    }
}
/** An error's message without OpenSSL's `<id>:error:<code>:SSL routines:<function>:` prefix and source location. */
function readable(err) {
    const reason = err.reason;
    if (typeof reason === 'string' && reason !== '')
        return reason;
    const message = err instanceof Error ? err.message : String(err);
    const openssl = /^[0-9A-F]+:error:[0-9A-F]+:[^:]*:[^:]*:([^:]+)/.exec(message);
    return (openssl ? openssl[1] : message).trim();
}
/** Reads a (small) body whole; callers use it only for manifests, tokens and error bodies. */
async function readBody(res, limit) {
    const chunks = [];
    let total = 0;
    try {
        for await (const chunk of res.body) {
            total += chunk.length;
            if (total > limit) {
                res.body.destroy();
                throw new Error(`${(0, redact_1.redactUrl)(res.url)}: response body exceeds ${limit} bytes`);
            }
            chunks.push(chunk);
        }
    }
    catch (err) {
        // A body that breaks off is a transport failure (retriable); the size limit is not.
        throw codeOf(err) !== undefined ? describeTransportError(err, res.url) : err;
    }
    return Buffer.concat(chunks);
}
/**
 * Drops a response body at once, read or not. undici reports an unfinished body destroyed
 * without an error as an 'error' event: nobody wants that one.
 */
function release(res) {
    res.body.on('error', () => undefined);
    res.body.destroy();
}
/** Frees the connection of a response whose body is not wanted. */
async function discard(res) {
    await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
}
exports.DEFAULT_TIMEOUTS = { headersMs: 30_000, bodyMs: 60_000, connectMs: 30_000 };
/** Hosts that never go through a proxy: a proxy cannot reach the runner's own loopback. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];
/**
 * The NO_PROXY list handed to undici: the user's, plus loopback (as Go's net/http, hence docker,
 * treats it). `*` stays `*` (undici only honours a bare wildcard).
 */
function noProxyList(env, loopbackHosts) {
    const user = (env ?? '').trim();
    if (user === '*')
        return '*';
    const names = loopbackHosts.map((h) => h.toLowerCase().replace(/:\d+$/, ''));
    return [...new Set([...user.split(/[,\s]+/).filter(Boolean), ...LOOPBACK_NAMES, ...names])].join(',');
}
/**
 * The base layer: one pooled keep-alive dispatcher for the whole run. It honours
 * HTTP(S)_PROXY and NO_PROXY (loopback always direct), and verifies TLS (with
 * NODE_EXTRA_CA_CERTS when set). Without a proxy, HTTPS origins speak HTTP/2 where the server
 * offers it (`OriginRouter`); `preconnect` opens their connections early.
 */
function createDispatcher(options = {}) {
    const timeouts = options.timeouts ?? exports.DEFAULT_TIMEOUTS;
    const agent = proxyAgent(options, timeouts);
    if ((0, preconnect_1.proxiesHttps)(process.env))
        return agent;
    return new origins_1.OriginRouter({
        connectTimeoutMs: timeouts.connectMs,
        headersTimeoutMs: timeouts.headersMs,
        bodyTimeoutMs: timeouts.bodyMs,
        keepAliveTimeoutMs: KEEP_ALIVE_MS,
        preconnected: options.preconnected,
    }, agent);
}
const KEEP_ALIVE_MS = 30_000;
function proxyAgent(options, timeouts) {
    return new undici_1.EnvHttpProxyAgent({
        keepAliveTimeout: KEEP_ALIVE_MS,
        headersTimeout: timeouts.headersMs,
        bodyTimeout: timeouts.bodyMs,
        connect: { timeout: timeouts.connectMs },
        // Plain-HTTP registries go through an HTTP proxy as absolute-form requests, as curl does;
        // HTTPS ones through a CONNECT tunnel.
        proxyTunnel: false,
        noProxy: noProxyList(process.env.no_proxy ?? process.env.NO_PROXY, options.loopbackHosts ?? []),
    });
}
/**
 * `deadlineMs` bounds the wait for response headers of requests without a streamed body, end to
 * end: undici's own timeouts do not cover a proxy that never answers a CONNECT. (An upload's
 * headers come only after its whole body, so streamed bodies are left to the body timeouts.)
 */
function baseSend(dispatcher, deadlineMs) {
    return async (req) => {
        const body = typeof req.body === 'function' ? await req.body() : req.body;
        const bounded = deadlineMs !== undefined && (body === undefined || Buffer.isBuffer(body));
        let timer;
        try {
            const options = {
                origin: req.url.origin,
                path: `${req.url.pathname}${req.url.search}`,
                method: req.method,
                headers: { 'user-agent': exports.USER_AGENT, ...req.headers },
                body,
                // undici closes the connection after a HEAD unless told otherwise; keep it for the next request.
                reset: false,
                // On HTTP/2 undici holds a request it takes for non-idempotent (POST, PUT) until the
                // connection is otherwise idle: mounts and manifest PUTs would go one per round trip.
                // Registry writes are safe to run side by side, and retries are decided above, not by undici.
                idempotent: true,
                bulk: req.bulk,
            };
            const pending = dispatcher.request(options);
            // undici ignores an abort while it waits for a proxy's CONNECT answer, so race it instead;
            // a late answer is drained so its connection is freed.
            const res = bounded
                ? await Promise.race([
                    pending,
                    new Promise((_, reject) => {
                        timer = setTimeout(() => {
                            pending.then((late) => late.body.dump().catch(() => undefined), () => undefined);
                            reject(Object.assign(new Error(`no response within ${deadlineMs} ms`), { code: 'UND_ERR_HEADERS_TIMEOUT' }));
                        }, deadlineMs);
                    }),
                ])
                : await pending;
            return { status: res.statusCode, headers: res.headers, body: res.body, url: req.url };
        }
        catch (err) {
            // A streamed body whose request failed is closed, so its source connection is freed.
            if (body !== undefined && !Buffer.isBuffer(body) && !body.destroyed)
                body.destroy();
            // Our own errors from a body stream (a digest mismatch while streaming) pass unchanged.
            if (codeOf(err) === undefined)
                throw err;
            throw describeTransportError(err, req.url);
        }
        finally {
            clearTimeout(timer);
        }
    };
}
exports.USER_AGENT = 'merge-multiarch-action/0.1';


/***/ }),

/***/ 1559:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.DOCKER_HUB_HOSTS = void 0;
exports.isHubCounted = isHubCounted;
exports.withHubCount = withHubCount;
/**
 * Docker Hub counts pulls against a rate limit: a manifest GET its registry serves is a pull, a
 * HEAD is not, nor a blob (Hub may charge an index and the manifest it leads to as one pull, so
 * counting every GET gives what a run can cost at most). These are the hosts its registry answers on.
 */
exports.DOCKER_HUB_HOSTS = ['registry-1.docker.io', 'docker.io', 'index.docker.io'];
const MANIFEST_PATH = /^\/v2\/.+\/manifests\/[^/]+$/;
/** What Hub's pull limit counts: a manifest GET it served (a challenge, a 404 or a 429 serves nothing). */
function isHubCounted(req, status, hubHosts) {
    return req.method === 'GET' && status === 200 && hubHosts.has(req.url.host) && MANIFEST_PATH.test(req.url.pathname);
}
/**
 * Counts the requests Hub counts, as each attempt reaches the wire (a retried GET that was
 * served twice counts twice, as Hub counts it).
 */
function withHubCount(next, hubHosts, stats) {
    return async (req) => {
        const res = await next(req);
        if (isHubCounted(req, res.status, hubHosts))
            stats.hubCountedRequests++;
        return res;
    };
}


/***/ }),

/***/ 5017:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RegistryLimits = void 0;
exports.limitFor = limitFor;
const concurrency_1 = __webpack_require__(3731);
/**
 * Requests in flight per registry for the run's bulk work, mounts, copies and referrer lookups
 * (design rule 13). On HTTP/2, most of the streams one connection carries (`H2_STREAMS`, 100):
 * the rest stay free for the reads that decide the plan (source manifests, configs, tags), which
 * would otherwise queue behind a wave of mounts. On HTTP/1.1 one connection each.
 */
function limitFor(protocol) {
    return protocol === 'h2' ? 80 : 32;
}
/**
 * One limiter per registry, sized by its transport once that is known.
 * The run shares one (`Registries.limits`) between the copy and the referrers lookups.
 */
class RegistryLimits {
    protocolOf;
    limiters = new Map();
    constructor(protocolOf = async () => 'http/1.1') {
        this.protocolOf = protocolOf;
    }
    async run(registry, task) {
        let limit = this.limiters.get(registry);
        if (!limit) {
            limit = this.protocolOf(registry).then((p) => (0, concurrency_1.createLimiter)(limitFor(p)));
            this.limiters.set(registry, limit);
        }
        return (await limit)(task);
    }
}
exports.RegistryLimits = RegistryLimits;


/***/ }),

/***/ 8664:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.redactUrl = void 0;
exports.withLogging = withLogging;
const redact_1 = __webpack_require__(404);
var redact_2 = __webpack_require__(404);
Object.defineProperty(exports, "redactUrl", ({ enumerable: true, get: function () { return redact_2.redactUrl; } }));
/**
 * Debug line per HTTP request (visible with RUNNER_DEBUG=1): method, URL, status, milliseconds.
 * URLs never carry credentials here, and headers are not printed.
 */
function withLogging(next, log, stats) {
    return async (req) => {
        const started = Date.now();
        if (stats)
            stats.requests++;
        try {
            const res = await next(req);
            log.debug(`${req.method} ${(0, redact_1.redactUrl)(req.url)} → ${res.status} (${Date.now() - started} ms)`);
            return res;
        }
        catch (err) {
            log.debug(`${req.method} ${(0, redact_1.redactUrl)(req.url)} → ${err.message} (${Date.now() - started} ms)`);
            throw err;
        }
    };
}


/***/ }),

/***/ 6866:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.OriginRouter = void 0;
const preconnect_1 = __webpack_require__(5292);
const undici_1 = __webpack_require__(509);
const handlers_1 = __webpack_require__(8892);
const warmSockets_1 = __webpack_require__(2972);
/**
 * Streams one HTTP/2 connection carries at once. Go's servers allow 250, Node's, HAProxy's and
 * Google's front ends 100, nginx 128: undici does not follow the server's SETTINGS, and a stream
 * past the server's limit is refused, so 100.
 */
const H2_STREAMS = 100;
/** Receive windows on HTTP/2: room for blob downloads at loopback and WAN bandwidth-delay products. */
const H2_STREAM_WINDOW = 2 << 20;
const H2_CONNECTION_WINDOW = 16 << 20;
function isStream(body) {
    return typeof body === 'object' && body !== null && typeof body.pipe === 'function';
}
/**
 * Blob bodies go over HTTP/1.1 connections of their own, even to an HTTP/2 origin. An upload
 * (a streamed request body): on HTTP/2 the server's receive window (Distribution's is 1 MiB per
 * connection) caps it at one window per round trip, and undici sends one streamed upload at a
 * time on a connection. A large download (`bulk`): all of them on one TCP connection share its
 * one congestion window and flow-control windows, and measured 20% slower across registries
 * (BENCHMARKS.md, (e)); the many small requests stay on HTTP/2.
 */
function isBulk(options) {
    return isStream(options.body) || options.bulk === true;
}
/**
 * HTTPS origins, each on the transport its server offers (design rule 13): one HTTP/2
 * connection with many streams where ALPN says h2, a keep-alive pool where it says http/1.1.
 *
 * undici's Agent opens one connection per request that arrives before the first connection is
 * up, since it cannot know the server will speak h2: the first burst of a run would open dozens.
 * So each origin is first reached by one TLS handshake of its own (`preconnect`, started as
 * soon as the inputs name the host), its ALPN answer picks the dispatcher, and that socket
 * becomes the dispatcher's first connection: the probe costs no extra connection. Requests
 * that come before the handshake ends wait for it, as they would wait for any connection.
 * Beside the handshake, the connections the rest of the first burst needs are opened at once
 * (`spare`; the first two of them TLS from the start, offering HTTP/1.1 only): on HTTP/1.1 the
 * burst takes them, so it never waits for a connection opened after the handshake (nor, in a
 * burst of three, for one secured after it); on HTTP/2 they close unused.
 * A handshake that fails leaves the origin to `fallback`, whose own attempt then reports the
 * failure (an untrusted certificate, a refused connection) the way every request does.
 */
class OriginRouter extends undici_1.Dispatcher {
    options;
    fallback;
    origins = new Map();
    /** Dispatchers made so far, and handshakes still running: closed with the router. */
    made = new Set();
    handshakes = new Set();
    /** Per HTTPS origin, the connections opened beside its handshake (`openSpares`). */
    spares = new Map();
    /** Plain-HTTP origins opened early (`preconnectPlain`): a pool each, fed by its warm sockets. */
    plain = new Map();
    usage = new Map();
    constructor(options, 
    /** For plain-HTTP origins and for HTTPS origins whose handshake failed. */
    fallback) {
        super();
        this.options = options;
        this.fallback = fallback;
    }
    /**
     * Starts the handshake with an HTTPS origin (`https://host:port`) now, if not started yet,
     * and beside it `spare` connections for HTTP/1.1 (`openSpares`).
     */
    preconnect(origin, spare = 0) {
        const url = new URL(origin);
        if (!this.spares.has(url.origin)) {
            const warm = this.options.preconnected?.takeSpare(url.origin) ??
                (spare > 0 ? (0, preconnect_1.openSpares)(url.origin, spare, this.options.tls) : undefined);
            if (warm)
                this.spares.set(url.origin, warm);
        }
        void this.route(origin);
    }
    /**
     * Opens `count` TCP connections to a plain-HTTP origin (`http://host:port`) now, beside the TLS
     * handshake with the same host, which decides whether they are used: when the server does not
     * speak TLS, the requests that follow find their HTTP/1.1 connections open, as an HTTP/2
     * origin finds its one (and those sent before the decision have gone out on them already).
     * When it does, those left are closed unused. Only for hosts design rule 14 lets fall back to
     * plain HTTP (loopback, `insecure-registries`).
     */
    preconnectPlain(origin, count) {
        const url = new URL(origin);
        if (url.protocol !== 'http:' || this.plain.has(url.origin))
            return;
        const warm = this.options.preconnected?.takePlain(url.origin) ?? warmSockets_1.WarmSockets.open((0, preconnect_1.bareHostname)(url), Number(url.port || 80), count);
        const pool = this.pool(url.origin, warm.connector((0, undici_1.buildConnector)({ timeout: this.options.connectTimeoutMs })));
        this.plain.set(url.origin, { pool, warm });
        this.use(url.origin).transport = 'plain HTTP/1.1';
        void this.route(`https://${url.host}`).then((route) => {
            if (route.failure === undefined)
                warm.discard();
        });
    }
    /** The protocol an origin speaks (after its handshake). */
    async protocol(origin) {
        return new URL(origin).protocol === 'https:' ? (await this.route(origin)).protocol : 'http/1.1';
    }
    /**
     * Why an HTTPS origin's handshake failed (undefined when it succeeded): the scheme probe reads
     * in it whether a loopback or listed server speaks TLS at all, before any request.
     */
    async handshakeFailure(origin) {
        return (await this.route(origin)).failure;
    }
    /** Each origin's connections and most requests in flight so far (the debug log reports them at the end). */
    connectionsUsed() {
        return [...this.usage].map(([origin, u]) => ({
            origin,
            transport: u.transport,
            connections: u.connections,
            // With those opened beside the handshake or for plain HTTP and never used (closed, or still
            // waiting for a request that did not come: closed with the router).
            unused: u.unused + (this.spares.get(origin)?.unused ?? 0) + (this.plain.get(origin)?.warm.unused ?? 0),
            mostInFlight: u.mostInFlight,
        }));
    }
    dispatch(options, handler) {
        const url = new URL(String(options.origin));
        const tracked = this.tracked(url.origin, handler);
        if (url.protocol !== 'https:') {
            const plain = this.plain.size > 0 ? this.plain.get(url.origin) : undefined;
            if (!plain)
                return this.fallback.dispatch(options, tracked);
            this.use(url.origin).transport = 'plain HTTP/1.1';
            this.toPool(url.origin, plain.pool, options, tracked);
            return true;
        }
        void this.route(url.origin).then(({ dispatcher, bulk }) => bulk && isBulk(options) ? bulk().dispatch(options, tracked) : this.toPool(url.origin, dispatcher, options, tracked));
        return true;
    }
    /**
     * Hands a request to an origin's dispatcher. undici's HTTP/1.1 client takes a connection whose
     * answer just ended back only in the next turn of the event loop (a server may close it after
     * all): a request sent meanwhile, as the next request of a chain is, would find every
     * connection busy and open one more, one connection setup (or two round trips) on its path,
     * and one connection more than requests in flight. Such a request waits for that turn instead.
     */
    toPool(origin, dispatcher, options, handler) {
        if (dispatcher instanceof undici_1.Pool && this.use(origin).ending > 0 && dispatcher.stats.free === 0) {
            setImmediate(() => dispatcher.dispatch(options, handler));
            return;
        }
        dispatcher.dispatch(options, handler);
    }
    route(origin) {
        const key = new URL(origin).origin;
        let routed = this.origins.get(key);
        if (!routed) {
            routed = this.handshake(key).then((socket) => {
                const h2 = socket.alpnProtocol === 'h2';
                this.use(key).transport = h2 ? 'HTTP/2' : 'HTTP/1.1';
                const spare = this.spares.get(key);
                // HTTP/2 needs no connection but the handshake's; HTTP/1.1 the burst's.
                if (h2)
                    spare?.discard();
                return h2
                    ? { dispatcher: this.dispatcherFor(key, socket), protocol: 'h2', bulk: this.bulkPool(key) }
                    : { dispatcher: this.dispatcherFor(key, socket, spare), protocol: 'http/1.1' };
            }, (failure) => {
                this.use(key).transport = 'not TLS';
                this.unused(key, 1); // the handshake's own connection
                const spare = this.spares.get(key);
                spare?.discard();
                return { dispatcher: this.fallback, protocol: 'http/1.1', failure };
            });
            this.origins.set(key, routed);
        }
        return routed;
    }
    use(origin) {
        let u = this.usage.get(origin);
        if (!u) {
            u = { transport: 'HTTP/1.1', connections: 0, unused: 0, inFlight: 0, mostInFlight: 0, ending: 0 };
            this.usage.set(origin, u);
        }
        return u;
    }
    unused(origin, closed) {
        this.use(origin).unused += closed;
    }
    /** Counts the connections a dispatcher of `origin` gets. */
    counted(origin, connect) {
        return (options, callback) => connect(options, (...outcome) => {
            if (outcome[0] === null)
                this.use(origin).connections++;
            callback(...outcome);
        });
    }
    /** Counts a request in flight to `origin` until its answer ends or fails. */
    tracked(origin, given) {
        const handler = undici_1.WrapHandler.wrap(given);
        const u = this.use(origin);
        u.inFlight++;
        u.mostInFlight = Math.max(u.mostInFlight, u.inFlight);
        let ended = false;
        const end = () => {
            if (!ended)
                u.inFlight--;
            ended = true;
        };
        return {
            ...(0, handlers_1.forwarding)(handler),
            onResponseEnd: (controller, trailers) => {
                end();
                u.ending++;
                setImmediate(() => u.ending--);
                handler.onResponseEnd?.(controller, trailers);
            },
            onResponseError: (controller, error) => {
                end();
                handler.onResponseError?.(controller, error);
            },
        };
    }
    /** The handshake opened early for this origin, else a new one; bounded by the connect timeout either way. */
    handshake(origin) {
        const { socket, secured } = this.options.preconnected?.takeHandshake(origin) ?? (0, preconnect_1.startHandshake)(origin, this.options.tls);
        this.handshakes.add(socket);
        const timer = setTimeout(() => socket.destroy(Object.assign(new Error('TLS handshake timed out'), { code: 'ETIMEDOUT' })), this.options.connectTimeoutMs);
        return secured.finally(() => {
            clearTimeout(timer);
            this.handshakes.delete(socket);
        });
    }
    dispatcherFor(origin, socket, spare) {
        const h2 = socket.alpnProtocol === 'h2';
        // The handshake's socket is the first connection, then those opened beside it (TLS started
        // on them by `base` where it was not yet); later ones (past the burst, after an idle close) are new.
        const base = (0, undici_1.buildConnector)({ allowH2: h2, timeout: this.options.connectTimeoutMs, ...this.options.tls });
        const connect = warmSockets_1.WarmSockets.ready([socket]).connector(spare ? spare.connector(base) : base);
        if (!h2)
            return this.pool(origin, connect);
        const dispatcher = new undici_1.Client(origin, {
            ...this.timeouts(),
            connect: this.counted(origin, connect),
            allowH2: true,
            pipelining: H2_STREAMS,
            maxConcurrentStreams: H2_STREAMS,
            // Blob downloads: undici's default windows (256 KiB a stream, 512 KiB the connection)
            // cap them at a window per round trip.
            initialWindowSize: H2_STREAM_WINDOW,
            connectionWindowSize: H2_CONNECTION_WINDOW,
        });
        this.made.add(dispatcher);
        return dispatcher;
    }
    /** An HTTP/1.1 keep-alive pool, closed with the router. */
    pool(origin, connect) {
        const pool = new undici_1.Pool(origin, { ...this.timeouts(), connect: this.counted(origin, connect) });
        this.made.add(pool);
        return pool;
    }
    timeouts() {
        return {
            headersTimeout: this.options.headersTimeoutMs,
            bodyTimeout: this.options.bodyTimeoutMs,
            keepAliveTimeout: this.options.keepAliveTimeoutMs,
        };
    }
    /** An HTTP/1.1 pool to an HTTP/2 origin, for blob bodies; made on first use. */
    bulkPool(origin) {
        let pool;
        return () => (pool ??= this.pool(origin, (0, undici_1.buildConnector)({ allowH2: false, timeout: this.options.connectTimeoutMs, ...this.options.tls })));
    }
    close() {
        return this.shutdown((d) => d.close());
    }
    destroy() {
        return this.shutdown((d) => d.destroy());
    }
    /** Ends the handshakes and unused sockets, then every dispatcher (`close` waits, `destroy` aborts). */
    async shutdown(end) {
        for (const socket of this.handshakes)
            socket.destroy();
        for (const { warm } of this.plain.values())
            warm.discard();
        for (const warm of this.spares.values())
            warm.discard();
        await Promise.all([...this.made, this.fallback].map(end));
    }
}
exports.OriginRouter = OriginRouter;


/***/ }),

/***/ 646:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Outages = exports.OutageError = exports.DEFAULT_OUTAGE = void 0;
exports.failureKind = failureKind;
const errors_1 = __webpack_require__(3916);
const http_1 = __webpack_require__(4025);
const words_1 = __webpack_require__(333);
/**
 * A minute: hosted registries restart and fail over in seconds to tens of seconds, and a job
 * stuck for longer is better failed. The probe cap bounds how late a comeback is noticed.
 */
exports.DEFAULT_OUTAGE = {
    giveUpMs: 60_000,
    probeBaseMs: 250,
    probeMaxMs: 2_000,
    probeTimeoutMs: 5_000,
    firstContactMs: 5_000,
};
/** The run gave up on a host: it did not answer for the whole of the policy's limit. */
class OutageError extends http_1.TransportError {
    name = 'OutageError';
}
exports.OutageError = OutageError;
/** Probe answers that still mean "down": a load balancer with no backend behind it. */
const DOWN_STATUSES = new Set([502, 503, 504]);
class Outages {
    probe;
    policy;
    log;
    open = new Map();
    /** Per host, when its last outage (a probe failed) began: a request sent before then was cut by it. */
    lastOutage = new Map();
    /** Hosts the run gave up on, with the error every later request to them fails with. */
    dead = new Map();
    /** Hosts that answered once in this run (any HTTP answer): their failures are outages (rule 17). */
    heard = new Set();
    stop = new AbortController();
    constructor(
    /** Sends a probe: the transport below the retries (no auth, no redirects, no retry). */
    probe, policy, log) {
        this.probe = probe;
        this.policy = policy;
        this.log = log;
    }
    /**
     * Undefined when `url`'s host may be sent to now; else a promise that settles when it may
     * (its outage is over) or rejects when the run gave up on it.
     */
    ready(url) {
        const dead = this.dead.get(url.host);
        if (dead)
            return Promise.reject(dead);
        const outage = this.open.get(url.host);
        if (outage === undefined)
            return undefined;
        outage.held++;
        return outage.over;
    }
    /** `url`'s host answered a request (any status): from now on a failure of it is an outage (rule 17). */
    answered(url) {
        this.heard.add(url.host);
    }
    /**
     * Design rule 17: a failure no attempt will change (a host name that does not resolve, a server
     * that does not speak HTTP, or a refusal when no attempt is left), of a host that has not
     * answered once in the run, in the words that fit a wrong address; undefined otherwise.
     */
    unanswered(url, err) {
        if (this.heard.has(url.host) || !(err instanceof http_1.TransportError) || err instanceof OutageError)
            return undefined;
        const kind = firstContactKind(err);
        return kind === undefined ? undefined : nothingAnswers(url.host, kind, err);
    }
    /**
     * A request to `url` (`what`, for the debug log), sent at `sentAt`, failed at the connection
     * level (`err`, retriable). Opens the host's outage unless one is open, and waits until it is
     * over; rejects with an `OutageError` when the run gives up on the host.
     */
    async failed(what, url, err, sentAt) {
        const host = url.host;
        const dead = this.dead.get(host);
        if (dead)
            throw dead;
        let outage = this.open.get(host);
        // A request sent before the host's last outage began, whose failure shows only now (a body
        // nobody read while it lasted): that outage cut it, and it is over.
        if (outage === undefined && sentAt !== undefined && this.cutBy(host, sentAt)) {
            this.log.debug(`${what}: ${err.message}; cut by the outage of ${host}, which is over`);
            return 'outage';
        }
        if (outage)
            outage.held++;
        else
            outage = this.start(url, err);
        this.log.debug(`${what}: ${err.message}; waiting for ${host} to answer`);
        await outage.over;
        return outage.confirmed ? 'outage' : 'isolated';
    }
    /** True when an outage of `host` began after `sentAt`: a request sent then was cut by it. */
    cutBy(host, sentAt) {
        const last = this.lastOutage.get(host);
        return last !== undefined && last >= sentAt;
    }
    /** Ends every probe and releases whoever waits (the run is over). */
    close() {
        this.stop.abort();
    }
    start(url, err) {
        let resolve = () => undefined;
        let reject = (_) => undefined;
        const over = new Promise((res, rej) => {
            resolve = res;
            reject = rej;
        });
        // Settled whether or not anyone still waits for it.
        over.catch(() => undefined);
        const firstContact = this.policy.firstContactMs !== undefined && !this.heard.has(url.host) && firstContactKind(err) !== undefined;
        const outage = {
            since: Date.now(),
            over,
            confirmed: false,
            held: 1,
            probes: 0,
            failures: [],
            last: err,
            first: err,
            firstContact,
        };
        this.open.set(url.host, outage);
        noteFailure(outage, err);
        void this.watch(url, outage).then(() => {
            this.open.delete(url.host);
            resolve();
        }, (error) => {
            this.open.delete(url.host);
            if (error instanceof OutageError)
                this.dead.set(url.host, error);
            reject(error);
        });
        return outage;
    }
    /** Probes the host until it answers (resolves), or until the limit (rejects with the run's error). */
    async watch(url, outage) {
        const host = url.host;
        const limit = outage.firstContact
            ? Math.min(this.policy.giveUpMs, this.policy.firstContactMs ?? Infinity)
            : this.policy.giveUpMs;
        const deadline = outage.since + limit;
        const giveUp = new AbortController();
        const timer = setTimeout(() => giveUp.abort(), Math.max(0, deadline - Date.now()));
        const signal = AbortSignal.any([giveUp.signal, this.stop.signal]);
        try {
            for (let n = 0;; n++) {
                const failure = await this.probeOnce(url, Math.min(this.policy.probeTimeoutMs, deadline - Date.now()), signal);
                if (signal.aborted)
                    break;
                if (failure === undefined) {
                    this.heard.add(host);
                    if (outage.confirmed) {
                        const seconds = ((Date.now() - outage.since) / 1000).toFixed(1);
                        this.log.info(`${host} answers again after ${seconds} s; ${(0, words_1.counted)(outage.held, 'held request')} go on`);
                    }
                    return;
                }
                noteFailure(outage, failure);
                if (!outage.confirmed) {
                    outage.confirmed = true;
                    this.lastOutage.set(host, outage.since);
                    this.log.info(outage.firstContact
                        ? `${host} does not answer (${outage.failures.join(', ')}): it has not answered in this run, so its ` +
                            `requests wait for it ${seconds(limit)} s at most (a wrong address fails fast)`
                        : `${host} stopped answering (${outage.failures.join(', ')}): its requests wait for it, ` +
                            `trying it again for up to ${seconds(this.policy.giveUpMs)} s`);
                }
                const delay = Math.min(this.policy.probeMaxMs, this.policy.probeBaseMs * 2 ** n);
                await pause(delay, signal);
                if (signal.aborted)
                    break;
            }
        }
        finally {
            clearTimeout(timer);
        }
        if (this.stop.signal.aborted) {
            throw new http_1.TransportError(`${host}: the run ended while waiting for it to answer`, host, outage.last.code, false);
        }
        if (outage.firstContact)
            throw nothingAnswers(host, firstContactKind(outage.first) ?? failureKind(outage.first), outage.last);
        const gaveUp = new OutageError('', host, outage.last.code, false, { cause: outage.last });
        throw (0, errors_1.worded)(gaveUp, (0, errors_1.say) `${host} did not answer for ${seconds(Date.now() - outage.since)} s (${outage.failures.join(', ')}; ${(0, words_1.counted)(outage.probes + 1, 'attempt')} since its first failure); gave up on it. A registry known to restart slowly can be given longer with ${(0, errors_1.setting)('outage-timeout')}`);
    }
    /** One probe: undefined when the host answered, else how it failed. */
    async probeOnce(url, timeoutMs, signal) {
        if (signal.aborted)
            return undefined;
        // The API root: every registry answers it (200 or 401), a token service or a blob host
        // with some status; any answer but a gateway's "no backend" says the host is back.
        const probeUrl = new URL('/v2/', url.origin);
        const pending = this.probe({ method: 'GET', url: probeUrl });
        let timer;
        const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs))));
        let onAbort = () => undefined;
        const aborted = new Promise((resolve) => {
            onAbort = () => resolve('aborted');
            signal.addEventListener('abort', onAbort, { once: true });
        });
        try {
            const result = await Promise.race([
                pending.then((res) => ({ res }), (error) => ({ error })),
                timedOut,
                aborted,
            ]);
            if (result === 'aborted')
                return undefined;
            if (result === 'timeout') {
                pending.then((late) => (0, http_1.discard)(late), () => undefined);
                return new http_1.TransportError(`no answer to a probe within ${timeoutMs} ms`, url.host, 'UND_ERR_HEADERS_TIMEOUT', true);
            }
            if ('res' in result) {
                await (0, http_1.discard)(result.res);
                if (!DOWN_STATUSES.has(result.res.status))
                    return undefined;
                return new http_1.TransportError(`answered ${result.res.status}`, url.host, `HTTP_${result.res.status}`, true);
            }
            // A failure that another attempt cannot change (a certificate nobody trusts) is an
            // answer: the held requests go on and meet it themselves.
            const error = result.error;
            return error instanceof http_1.TransportError && error.retriable ? error : undefined;
        }
        finally {
            clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            // Counted even when abandoned: it was sent.
            this.countProbe(url.host);
        }
    }
    countProbe(host) {
        const outage = this.open.get(host);
        if (outage)
            outage.probes++;
    }
}
exports.Outages = Outages;
function noteFailure(outage, err) {
    outage.last = err;
    const kind = failureKind(err);
    if (!outage.failures.includes(kind))
        outage.failures.push(kind);
}
/** How a connection failed, in the words a user searches for. */
function failureKind(err) {
    const code = err.code ?? '';
    if (code === 'ECONNREFUSED')
        return 'connection refused';
    if (/^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_RES_CONTENT_LENGTH_MISMATCH)$/.test(code))
        return 'connection reset';
    if (/TIMEOUT|^ETIMEDOUT$/.test(code))
        return 'timed out';
    if (code === 'EAI_AGAIN' || code === 'ENOTFOUND')
        return 'DNS lookup failed';
    if (/^(ENETUNREACH|ENETDOWN|EHOSTUNREACH|EHOSTDOWN)$/.test(code))
        return 'network unreachable';
    if (code.startsWith('HTTP_'))
        return `answered ${code.slice(5)}`;
    return code || err.message;
}
/**
 * Design rule 17: how a host failed when the failure says nothing answers at that address at
 * all (nothing listens, no such name, no HTTP spoken there); undefined for failures of a host
 * that is there (a reset, a timeout, a temporary DNS failure).
 */
function firstContactKind(err) {
    const code = err.code ?? '';
    if (code === 'ECONNREFUSED')
        return 'connection refused';
    if (code === 'ENOTFOUND')
        return 'no such host name';
    if (code.startsWith('HPE_'))
        return 'not HTTP';
    return undefined;
}
/** The error of a wrong address: it says so, and what to check. */
function nothingAnswers(host, kind, cause) {
    return new OutageError(`nothing answers at ${host} (${kind}): check the address`, host, cause.code, false, { cause });
}
/** Waits `ms`, or less when `signal` aborts first. */
function pause(ms, signal) {
    return new Promise((resolve) => {
        const done = () => {
            clearTimeout(timer);
            signal.removeEventListener('abort', done);
            resolve();
        };
        const timer = setTimeout(done, ms);
        signal.addEventListener('abort', done, { once: true });
    });
}
function seconds(ms) {
    return String(Math.round(ms / 1000));
}


/***/ }),

/***/ 404:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.redactUrl = redactUrl;
/** Drops user info and signed-URL query strings (S3 redirects carry signatures). */
function redactUrl(url) {
    const copy = new URL(url.toString());
    copy.username = '';
    copy.password = '';
    for (const key of [...copy.searchParams.keys()]) {
        if (/signature|token|credential|x-amz-|sig$/i.test(key))
            copy.searchParams.set(key, 'REDACTED');
    }
    return copy.toString();
}


/***/ }),

/***/ 3793:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.RedirectError = void 0;
exports.withRedirects = withRedirects;
const http_1 = __webpack_require__(4025);
const logging_1 = __webpack_require__(8664);
const MAX_REDIRECTS = 5;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
class RedirectError extends Error {
    name = 'RedirectError';
}
exports.RedirectError = RedirectError;
function withoutCredentials(headers) {
    return Object.fromEntries(Object.entries(headers ?? {}).filter(([name]) => !(0, http_1.isCredentialHeader)(name)));
}
/** A 401 from a host we were sent to is not the registry's challenge: the auth layer must not answer it. */
function withoutChallenge(res) {
    const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => name.toLowerCase() !== 'www-authenticate'));
    return { ...res, headers };
}
/**
 * Follows redirects by hand (design rule 11): blob GETs are often sent to S3 or a CDN, and
 * `Authorization` must never travel to another origin (scheme, host and port), nor may a
 * redirect downgrade https to plain HTTP. Each answer is judged by the URL that answered it:
 * a loopback or listed registry asked over https may have answered over plain HTTP.
 */
function withRedirects(next) {
    return async (req) => {
        let current = req;
        /** The origin that answered the request itself: the credentials belong to it. */
        let home;
        /** The request's URL as sent: plain HTTP after the fallback (design rule 14), named in errors. */
        let sent = req.url;
        for (let hop = 0;; hop++) {
            const res = await next(current);
            if (home === undefined) {
                home = res.url.origin;
                sent = res.url;
            }
            const foreign = res.url.origin !== home;
            const location = (0, http_1.header)(res, 'location');
            if (!REDIRECTS.has(res.status) || location === undefined)
                return foreign && res.status === 401 ? withoutChallenge(res) : res;
            // Only reads are followed; a write answered with a redirect is the caller's to handle.
            if (current.method !== 'GET' && current.method !== 'HEAD')
                return res;
            await (0, http_1.discard)(res);
            if (hop >= MAX_REDIRECTS) {
                throw new RedirectError(`${req.method} ${(0, logging_1.redactUrl)(sent)}: more than ${MAX_REDIRECTS} redirects`);
            }
            let target;
            try {
                target = new URL(location, res.url);
            }
            catch {
                throw new RedirectError(`${req.method} ${(0, logging_1.redactUrl)(res.url)}: the registry redirected to an invalid URL`);
            }
            if (target.protocol !== 'http:' && target.protocol !== 'https:') {
                throw new RedirectError(`${req.method} ${(0, logging_1.redactUrl)(res.url)}: refusing a redirect to a ${target.protocol} URL`);
            }
            if (res.url.protocol === 'https:' && target.protocol === 'http:') {
                throw new RedirectError(`${req.method} ${(0, logging_1.redactUrl)(res.url)}: refusing a redirect from https to plain HTTP (${(0, logging_1.redactUrl)(target)})`);
            }
            const headers = target.origin === home ? { ...current.headers } : withoutCredentials(current.headers);
            current = { ...current, url: target, headers };
        }
    };
}


/***/ }),

/***/ 2211:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.sleep = exports.DEFAULT_RETRY = void 0;
exports.isRetriableStatus = isRetriableStatus;
exports.isRetriableError = isRetriableError;
exports.parseRetryAfter = parseRetryAfter;
exports.backoffDelay = backoffDelay;
exports.withRetry = withRetry;
exports.backOffOrThrow = backOffOrThrow;
const http_1 = __webpack_require__(4025);
const logging_1 = __webpack_require__(8664);
exports.DEFAULT_RETRY = { attempts: 5, baseDelayMs: 250, maxDelayMs: 8_000, maxRetryAfterMs: 60_000 };
const RETRIABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
function isRetriableStatus(status) {
    return RETRIABLE_STATUS.has(status) || (status >= 500 && status !== 501 && status !== 505);
}
/**
 * Only failures of the connection are retried (reset, refused, timed out). A certificate
 * nobody trusts, a digest mismatch, or a dispatcher closed because the run is over are not:
 * trying again cannot change them.
 */
function isRetriableError(err) {
    if (err instanceof http_1.TransportError)
        return err.retriable;
    const code = err?.code;
    return typeof code === 'string' && (0, http_1.isRetriableCode)(code);
}
/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value, now = Date.now()) {
    if (value === undefined)
        return undefined;
    if (/^\d+$/.test(value.trim()))
        return Number(value.trim()) * 1000;
    const date = Date.parse(value);
    return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
/** Capped exponential backoff with jitter (design rule 12): between half and all of the cap. */
function backoffDelay(attempt, policy, random = Math.random) {
    const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
    return Math.round(cap / 2 + (random() * cap) / 2);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
exports.sleep = sleep;
/**
 * Retries 408/429/5xx and connection failures. A request body factory is called again on each
 * attempt, so streamed uploads re-open their source.
 *
 * With `outages` (design rule 12), a request waits before it is sent while its host is in an
 * outage, and a connection failure asks the outages whether the host is down: if so, the
 * request waits for it with the others (its detail goes to the debug log, the outage says the
 * rest once); if the host answered at once, the failure was the request's own and it backs off
 * on its own. Either way the attempt counts, so a request that keeps failing still ends.
 */
function withRetry(next, policy = exports.DEFAULT_RETRY, log, outages) {
    return async (req) => {
        for (let attempt = 0;; attempt++) {
            let res;
            let sentAt;
            try {
                await outages?.ready(req.url);
                sentAt = Date.now();
                res = await next(req);
                outages?.answered(req.url);
            }
            catch (err) {
                // A host that never answered: a wrong address is said so (design rule 17).
                if (attempt + 1 >= policy.attempts || !isRetriableError(err))
                    throw outages?.unanswered(req.url, err) ?? err;
                // Named by the URL used: plain HTTP after the fallback (design rule 14), not the https one asked for.
                const what = `${req.method} ${(0, logging_1.redactUrl)(err instanceof http_1.TransportError && err.url ? err.url : req.url)}`;
                if (outages && (await outages.failed(what, req.url, asTransportError(err, req.url), sentAt)) === 'outage')
                    continue;
                const delay = backoffDelay(attempt, policy);
                log?.(`${what} failed (${err.message}); retrying in ${delay} ms`);
                await (0, exports.sleep)(delay);
                continue;
            }
            if (!isRetriableStatus(res.status) || attempt + 1 >= policy.attempts)
                return res;
            const retryAfter = parseRetryAfter((0, http_1.header)(res, 'retry-after'));
            // Asked to wait longer than we may: give the answer back, the caller names it in its error.
            if (retryAfter !== undefined && retryAfter > policy.maxRetryAfterMs)
                return res;
            await (0, http_1.discard)(res);
            const delay = Math.max(retryAfter ?? 0, backoffDelay(attempt, policy));
            log?.(`${req.method} ${(0, logging_1.redactUrl)(res.url)} answered ${res.status}; retrying in ${delay} ms`);
            await (0, exports.sleep)(delay);
        }
    };
}
function asTransportError(err, url) {
    return err instanceof http_1.TransportError ? err : (0, http_1.describeTransportError)(err, url);
}
/**
 * For a response body that broke off after its headers arrived (which `withRetry` cannot see):
 * throws `err` when it is not worth another attempt or none is left, else waits: for the host
 * with the others when `outages` finds it down (`url`: where the body came from, `sentAt`: when
 * its request was sent), else the backoff.
 * The caller then sends its request again.
 */
async function backOffOrThrow(err, attempt, policy, log, outage) {
    if (attempt + 1 >= policy.attempts || !isRetriableError(err))
        throw err;
    const message = err.message;
    if (outage &&
        (await outage.outages.failed('the answer broke off', outage.url, asTransportError(err, outage.url), outage.sentAt)) ===
            'outage')
        return;
    const delay = backoffDelay(attempt, policy);
    log?.(`${message}; reading again in ${delay} ms`);
    await (0, exports.sleep)(delay);
}


/***/ }),

/***/ 4649:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.SchemeProbe = void 0;
exports.tlsVerdict = tlsVerdict;
exports.sentAhead = sentAhead;
const http_1 = __webpack_require__(4025);
const handlers_1 = __webpack_require__(8892);
const preconnect_1 = __webpack_require__(5292);
const words_1 = __webpack_require__(333);
/**
 * HTTPS first, plain HTTP only when the server does not speak TLS, for the
 * hosts design rule 14 allows plain HTTP on: loopback and `insecure-registries`. Docker does
 * the same. Other hosts are never touched here: they are HTTPS, full stop.
 *
 * Decided once per host per run, by the first TLS handshake with the host: the dispatcher's
 * early one (`handshakeFailure`, opened while the run gets ready) when there is one, else the
 * first request's, which the requests sent meanwhile wait for. Its outcome is known when the
 * handshake completes (the request reaches an open connection) or fails, not when an answer
 * arrives: TLS registries pay nothing for the probe, plain ones one failed connection attempt.
 *
 * While the early handshake runs, the first reads (`sentAhead`) also leave over plain HTTP, on
 * the plain connections opened beside it: a plain server's answers are then there when the
 * handshake fails, instead of a round trip later. Which answer is used still depends only on the
 * handshake's outcome; a TLS server's answers to them (a 400, or a closed connection) are set
 * aside unread.
 */
class SchemeProbe {
    plainAllowed;
    options;
    decided = new Map();
    probes = new Map();
    /** Per host, the reading of the dispatcher's early handshake (a failure that says nothing leaves it to a request). */
    early = new Map();
    /** Per host, the reads sent over plain HTTP before the decision, and of those, how many were set aside. */
    ahead = new Map();
    constructor(
    /** Whether `host` (`127.0.0.1:5000`, `reg.internal` …) may be reached over plain HTTP at all. */
    plainAllowed, options = {}) {
        this.plainAllowed = plainAllowed;
        this.options = options;
    }
    /** The scheme decided for a host; undefined while unknown (or for hosts that are HTTPS anyway). */
    schemeOf(host) {
        return this.decided.get(host);
    }
    /**
     * The dispatcher, telling the probe when a request to a probed host starts on an open
     * connection: for an https origin that means the TLS handshake succeeded.
     */
    observe(dispatcher) {
        return dispatcher.compose((dispatch) => (opts, handler) => {
            const origin = new URL(String(opts.origin));
            if (origin.protocol !== 'https:' || !this.probes.has(origin.host))
                return dispatch(opts, handler);
            return dispatch(opts, {
                ...(0, handlers_1.forwarding)(handler),
                onRequestStart: (controller, context) => {
                    this.decide(origin.host, 'https:');
                    handler.onRequestStart?.(controller, context);
                },
            });
        });
    }
    /** The transport layer: sends https requests of the hosts concerned by the scheme decided. */
    layer(next) {
        return async (req) => {
            const host = req.url.host;
            if (req.url.protocol !== 'https:' || !this.plainAllowed(host))
                return next(req);
            let ahead = this.sendAhead(host, req, next);
            for (;;) {
                const scheme = this.decided.get(host);
                if (scheme === 'https:') {
                    if (ahead)
                        this.setAside(host, ahead);
                    return next(req);
                }
                if (scheme === 'http:')
                    return (ahead && (await ahead)) ?? next(plain(req));
                if (this.options.handshakeFailure) {
                    let early = this.early.get(host);
                    if (early === undefined) {
                        early = this.fromHandshake(req.url);
                        this.early.set(host, early);
                    }
                    await early;
                    if (this.decided.has(host))
                        continue;
                }
                // The handshake said nothing (refused, timed out): requests probe, as without one.
                if (ahead)
                    this.setAside(host, ahead);
                ahead = undefined;
                const probe = this.probes.get(host);
                if (probe === undefined)
                    return this.probe(host, req, next);
                await probe.settled;
            }
        };
    }
    /**
     * Sends a read over plain HTTP now, while the early handshake decides the scheme, when nothing
     * in it may not go over plain HTTP (no credentials, no body) and the host's early plain
     * connections can carry it. Its answer, or undefined if it failed.
     */
    sendAhead(host, req, next) {
        if (this.decided.has(host) || !this.options.handshakeFailure || !this.options.aheadHosts?.has(host))
            return undefined;
        if (!sentAhead(req))
            return undefined;
        let counts = this.ahead.get(host);
        if (counts === undefined) {
            counts = { sent: 0, setAside: 0 };
            this.ahead.set(host, counts);
        }
        if (counts.sent >= preconnect_1.EARLY_CONNECTIONS_PER_HOST)
            return undefined;
        counts.sent++;
        return next(plain(req)).catch(() => undefined);
    }
    /** The server speaks TLS (or said nothing): an answer over plain HTTP is not the server's answer to this read. */
    setAside(host, ahead) {
        void ahead.then((res) => res?.body.dump().catch(() => undefined));
        const counts = this.ahead.get(host);
        if (++counts.setAside === counts.sent && this.decided.get(host) === 'https:') {
            this.options.log?.(`${host} speaks TLS: ${(0, words_1.counted)(counts.sent, 'read')} sent ahead over plain HTTP set aside`);
        }
    }
    /**
     * Decides from the dispatcher's early handshake, when it says something (it is shared: every
     * request to the host awaits the same one). Otherwise the next request probes.
     */
    async fromHandshake(url) {
        const failure = await this.options.handshakeFailure(url.origin);
        if (failure === undefined)
            return this.decide(url.host, 'https:');
        const verdict = tlsVerdict((0, http_1.describeTransportError)(failure, url));
        if (verdict === 'TLS')
            this.decide(url.host, 'https:');
        if (verdict === 'not TLS') {
            this.decide(url.host, 'http:');
            this.said(url.host, failure.code);
        }
    }
    said(host, code) {
        this.options.log?.(`${host} does not speak TLS (${code}): plain HTTP from now on`);
    }
    async probe(host, req, next) {
        let release = () => undefined;
        const settled = new Promise((resolve) => (release = resolve));
        this.probes.set(host, { settled, release });
        try {
            const res = await next(req);
            this.decide(host, 'https:');
            return res;
        }
        catch (err) {
            const verdict = this.decided.has(host) ? undefined : tlsVerdict(err);
            if (verdict === 'not TLS') {
                this.decide(host, 'http:');
                this.said(host, err.code);
                return await next(plain(req));
            }
            // A certificate problem is TLS spoken: no fallback, the error says what to do.
            if (verdict === 'TLS')
                this.decide(host, 'https:');
            throw err;
        }
        finally {
            // Undecided (refused, timed out): the next request probes again.
            this.probes.delete(host);
            release();
        }
    }
    decide(host, scheme) {
        if (this.decided.has(host))
            return;
        this.decided.set(host, scheme);
        this.probes.get(host)?.release();
    }
}
exports.SchemeProbe = SchemeProbe;
/**
 * What a failed first request over HTTPS says about the server: a handshake answered with
 * something that is not TLS (a plain server's `400` to a ClientHello reads as "wrong version
 * number"), the connection dropped before the handshake completed, or a proxy refusing to
 * tunnel to it, means "not TLS"; a certificate error means TLS is spoken. Anything else says
 * nothing.
 */
function tlsVerdict(err) {
    if (!(err instanceof http_1.TransportError) || err.code === undefined)
        return undefined;
    if (NOT_TLS_CODES.has(err.code) || /wrong version number|packet length too long/i.test(err.message))
        return 'not TLS';
    // An HTTP proxy that will not tunnel to the host: there is no TLS route, only its plain one.
    if (err.code === 'UND_ERR_ABORTED' && /when HTTP Tunneling/i.test(err.message))
        return 'not TLS';
    if ((0, http_1.isCertificateCode)(err.code))
        return 'TLS';
    return undefined;
}
/**
 * Handshake failures of a server that does not speak TLS. A reset counts only because the probe
 * never started on an open connection (else the host is already decided as TLS).
 */
const NOT_TLS_CODES = new Set([
    'ERR_SSL_WRONG_VERSION_NUMBER',
    'ERR_SSL_PACKET_LENGTH_TOO_LONG',
    'EPROTO',
    'ECONNRESET',
    'EPIPE',
    'UND_ERR_SOCKET',
]);
/**
 * What may leave over plain HTTP before the server is known not to speak TLS: a read without
 * credentials or a body (design rule 14: no credentials over plain HTTP to a TLS server).
 */
function sentAhead(req) {
    if (req.method !== 'GET' && req.method !== 'HEAD')
        return false;
    if (req.body !== undefined)
        return false;
    return !Object.keys(req.headers ?? {}).some(http_1.isCredentialHeader);
}
function plain(req) {
    const url = new URL(req.url);
    url.protocol = 'http:';
    return { ...req, url };
}


/***/ }),

/***/ 509:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.WrapHandler = exports.buildConnector = exports.EnvHttpProxyAgent = exports.Pool = exports.Client = exports.Dispatcher = void 0;
const DispatcherBase = __webpack_require__(883);
// What undici's entry module does, for the two calls made: request() (every request) and connect()
// (the proxy agent's CONNECT tunnel). stream(), pipeline() and upgrade() would only add to start-up.
Object.assign(DispatcherBase.prototype, {
    request: __webpack_require__(4043),
    connect: __webpack_require__(4660),
});
/** The base class (a value): types come from `import type { Dispatcher } from 'undici'`, which loads nothing. */
exports.Dispatcher = DispatcherBase;
exports.Client = __webpack_require__(3701);
exports.Pool = __webpack_require__(628);
exports.EnvHttpProxyAgent = __webpack_require__(3137);
exports.buildConnector = __webpack_require__(9136);
/** A dispatch handler of either of undici's handler APIs, seen through the current one (`onRequestStart` …). */
exports.WrapHandler = __webpack_require__(9510);


/***/ }),

/***/ 3731:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.sleep = exports.Once = void 0;
exports.createLimiter = createLimiter;
exports.settleAll = settleAll;
/** Runs at most `limit` tasks at once (design rule 13: bounded concurrency per registry). */
function createLimiter(limit) {
    let active = 0;
    const waiting = [];
    return async (task) => {
        if (active >= limit)
            await new Promise((resolve) => waiting.push(resolve));
        active++;
        try {
            return await task();
        }
        finally {
            active--;
            waiting.shift()?.();
        }
    };
}
/**
 * Shares one in-flight promise per key, so the same digest is never fetched or pushed twice at
 * once (design rule 13). Settled results are kept: a run never needs the same work twice.
 */
class Once {
    results = new Map();
    run(key, task) {
        let result = this.results.get(key);
        if (!result) {
            result = task();
            this.results.set(key, result);
        }
        return result;
    }
}
exports.Once = Once;
/** Waits `ms`. */
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
exports.sleep = sleep;
/**
 * Runs `task` for every item, at most `limit` at once, and waits for all of them, failures
 * included: a batch says every failure, not the first (design rule 20). In item order.
 */
async function settleAll(items, limit, task) {
    const limited = createLimiter(limit);
    return Promise.allSettled(items.map((item, i) => limited(() => task(item, i))));
}


/***/ }),

/***/ 5434:
/***/ ((__unused_webpack_module, exports, __webpack_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.SETTLE_TIMING = void 0;
exports.writeUntilSettled = writeUntilSettled;
const concurrency_1 = __webpack_require__(3731);
/** What ships (docs/concurrent-append.md); unit tests pass shorter ones. */
exports.SETTLE_TIMING = { rounds: 10, settleMs: 1000, maxBackoffMs: 2000 };
async function writeUntilSettled(steps, timing = exports.SETTLE_TIMING) {
    const random = timing.random ?? Math.random;
    let rounds = 0;
    let reads = 1;
    let wrote = false;
    /** Why what is there is read again before the next write; undefined: the merge in hand is current. */
    let again;
    for (;;) {
        if (again) {
            if (reads >= timing.rounds * 3)
                break;
            // Jitter spreads the writers that collided, so they do not collide again; it grows with each lost write.
            const spread = again === 'moved' ? 250 : Math.min(timing.maxBackoffMs, 250 * 2 ** (rounds - 1));
            await (0, concurrency_1.sleep)(Math.round(random() * spread));
            reads++;
            if (!(await steps.remerge(wrote)))
                return { outcome: 'nothing-left', rounds, reads };
        }
        // Read just before the write: what moved since it was read is read again (no write).
        if (!(await steps.unmoved())) {
            again = 'moved';
            continue;
        }
        if (rounds >= timing.rounds)
            break;
        rounds++;
        const putStarted = Date.now();
        const written = await steps.write();
        const putMs = Date.now() - putStarted;
        // What is there held this very merge before this run wrote anything: its entries were there.
        if (!written && !wrote)
            return { outcome: 'unchanged', rounds, reads };
        wrote = true;
        // A writer that read before this write lands within about one of its own writes; wait for
        // that (and a second, for registries whose reads lag their writes), then look.
        await (0, concurrency_1.sleep)(Math.round((timing.settleMs + 2 * putMs) * (0.75 + random() / 2)));
        if (await steps.holds(rounds))
            return { outcome: 'settled', rounds, reads };
        again = 'lost';
        if (rounds >= timing.rounds)
            break;
    }
    return { outcome: 'gave-up', rounds, reads };
}


/***/ }),

/***/ 333:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.counted = counted;
/** `1 manifest`, `2 manifests`, `0 blobs`: a count with its noun in agreement. */
function counted(n, singular, plural = `${singular}s`) {
    return `${n} ${n === 1 ? singular : plural}`;
}


/***/ })

};
;