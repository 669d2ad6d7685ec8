/******/ (() => { // webpackBootstrap
/******/ 	"use strict";
/******/ 	var __webpack_modules__ = ({

/***/ 1898:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.getInput = getInput;
/** An input as the runner sets it (`INPUT_<NAME>`), trimmed; missing means empty (the default). */
function getInput(name) {
    return (process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] ?? '').trim();
}


/***/ }),

/***/ 2814:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ACTION_NAMES = void 0;
/**
 * How the action names the flow's settings and words its advice: by its inputs (the settings'
 * own keys), with workflow expressions and docker/metadata-action where they help.
 */
exports.ACTION_NAMES = {
    setting: (key) => `input "${key}"`,
    value: (key, value) => `${key}: ${value}`,
    hint: (h) => {
        switch (h.hint) {
            case 'lowercase-repository':
                return '(with ${{ github.repository }}, lowercase it first, e.g. with docker/metadata-action)';
            case 'plain-http':
                return 'list it in insecure-registries';
            case 'index-annotations':
                return 'With docker/metadata-action, set DOCKER_METADATA_ANNOTATIONS_LEVELS: index (or manifest,index) to get index annotations.';
        }
    },
};


/***/ }),

/***/ 3916:
/***/ ((__unused_webpack_module, exports) => {


/**
 * Errors and messages that name what the user wrote. The flow knows its settings by one key each
 * (the action.yml input names, which the command line maps its flags to); a message that names a
 * setting, or gives advice that depends on where the tool runs, holds a structured reference to
 * it, and each front end words the references with its own table of names (`Names`): the action
 * says `input "media-type"`, the command line `--media-type`.
 */
Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.ContentError = exports.InputError = exports.KEY_NAMES = void 0;
exports.setting = setting;
exports.say = say;
exports.render = render;
exports.worded = worded;
exports.wordingOf = wordingOf;
exports.appendWording = appendWording;
exports.describeError = describeError;
/** A reference to a setting, with the value to give it when the message suggests one. */
function setting(key, value) {
    return value === undefined ? { setting: key } : { setting: key, value };
}
/** Builds a wording from a template: say`use ${setting('media-type', 'oci')} or auto`. */
function say(text, ...parts) {
    const wording = [];
    text.forEach((t, i) => {
        if (t !== '')
            wording.push(t);
        if (i < parts.length)
            wording.push(parts[i]);
    });
    return wording;
}
function render(wording, names) {
    return wording
        .map((p) => {
        if (typeof p === 'string')
            return p;
        if ('hint' in p)
            return names.hint(p);
        return p.value === undefined ? names.setting(p.setting) : names.value(p.setting, p.value);
    })
        .join('');
}
/**
 * Settings by their keys, for an error's `message` (what a log line or a test sees when no
 * front end words it). Each front end has its own table: src/action/names.ts, src/cli/names.ts.
 */
exports.KEY_NAMES = {
    setting: (key) => `input "${key}"`,
    value: (key, value) => `${key}: ${value}`,
    hint: (h) => {
        switch (h.hint) {
            case 'lowercase-repository':
                return '(lowercase it first)';
            case 'plain-http':
                return 'list it in insecure-registries';
            case 'index-annotations':
                return 'Give annotations without a level prefix, or with index:, to set them on the index.';
        }
    },
};
/** Gives `err` a wording; its `message` becomes the wording with settings named by key. */
function worded(err, wording) {
    err.wording = wording;
    err.message = render(wording, exports.KEY_NAMES);
    return err;
}
/** The wording of an error: its own, or its message as plain text. */
function wordingOf(err) {
    const w = err?.wording;
    if (w !== undefined)
        return w;
    return [err instanceof Error ? err.message : String(err)];
}
/** Adds text (or references) to the end of an error's message, its wording included. */
function appendWording(err, ...parts) {
    worded(err, [...wordingOf(err), ...parts]);
}
/** The message of an error as a front end says it. */
function describeError(err, names) {
    return render(wordingOf(err), names);
}
/** A problem with what the user wrote; always names the setting. Raised before any I/O. */
class InputError extends Error {
    input;
    /** What is wrong, without the setting's name (a front end names it its own way). */
    detail;
    constructor(input, detail) {
        super('');
        this.input = input;
        this.name = 'InputError';
        const words = typeof detail === 'string' ? [detail] : detail;
        this.detail = render(words, exports.KEY_NAMES);
        worded(this, [setting(input), ': ', ...words]);
    }
}
exports.InputError = InputError;
/** A problem with what a source or registry holds (wrong kind of manifest, duplicate platform…). */
class ContentError extends Error {
    name = 'ContentError';
    constructor(message, options) {
        super(typeof message === 'string' ? message : '', options);
        if (typeof message !== 'string')
            worded(this, message);
    }
}
exports.ContentError = ContentError;


/***/ }),

/***/ 539:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.parseAnnotations = parseAnnotations;
const errors_1 = __nccwpck_require__(3916);
const lists_1 = __nccwpck_require__(7560);
const KEY = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;
// docker/metadata-action prefixes: `index:`, `manifest:`, `index-descriptor:`, `manifest-descriptor:`, optionally with `[platform]`.
const LEVEL = /^(index|manifest|index-descriptor|manifest-descriptor)(\[[^\]]*\])?:(.*)$/s;
/** Parses `key=value` lines, accepting docker/metadata-action's `annotations` output as is. */
function parseAnnotations(value, input = 'annotations') {
    const index = {};
    const skipped = [];
    for (const line of (0, lists_1.splitLines)(value)) {
        let rest = line;
        const level = LEVEL.exec(line);
        if (level) {
            if (level[1] !== 'index' || level[2] !== undefined) {
                skipped.push(line);
                continue;
            }
            rest = level[3];
        }
        const eq = rest.indexOf('=');
        if (eq < 0)
            throw new errors_1.InputError(input, `"${line}" is not key=value`);
        const key = rest.slice(0, eq).trim();
        if (key === '')
            throw new errors_1.InputError(input, `"${line}" has an empty key`);
        if (!KEY.test(key))
            throw new errors_1.InputError(input, `"${line}": the key "${key}" has characters annotation keys do not allow`);
        if (key in index)
            throw new errors_1.InputError(input, `the key "${key}" is given twice`);
        index[key] = rest.slice(eq + 1);
    }
    const sorted = Object.fromEntries(Object.entries(index).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    return { index: sorted, skipped };
}


/***/ }),

/***/ 9748:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.imagesFromBakeMetadata = imagesFromBakeMetadata;
exports.bakeTagRules = bakeTagRules;
const errors_1 = __nccwpck_require__(3916);
const digest_1 = __nccwpck_require__(8825);
const reference_1 = __nccwpck_require__(2148);
/** Bake's own rule for target names (buildx `validTargetNameChars`); other top-level keys are bake's notes. */
const TARGET_NAME = /^[A-Za-z0-9_-]+$/;
/** A tag name alone, as the reference grammar allows it. */
const TAG_NAME = /^[\w][\w.-]{0,127}$/;
const KEYS = {
    digest: 'containerimage.digest',
    descriptor: 'containerimage.descriptor',
    name: 'image.name',
};
/**
 * The images bake pushed, one per image target (sorted by name). Each has that target's digest
 * from every file that holds the target (files in path order; a file without the target, a
 * platform not built for it, is fine) and the tags the rules give it. Every problem is collected
 * and thrown at once: those of the files first (an `InputError` naming `bake-metadata`), then
 * those of the tags (naming `tags`).
 */
function imagesFromBakeMetadata(files, options) {
    if (files.length === 0)
        throw new errors_1.InputError('bake-metadata', 'no metadata file was given');
    const problems = [];
    const targets = new Map();
    // Path order: the same files give the same index however a glob or a download listed them.
    const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const file of sorted) {
        for (const build of readFile(file, problems, options.notice)) {
            const seen = targets.get(build.target);
            if (seen === undefined) {
                targets.set(build.target, { repositories: build.repositories, path: file.path, digests: [build.digest] });
            }
            else if ([...seen.repositories].sort().join() !== [...build.repositories].sort().join()) {
                problems.push([
                    `target "${build.target}" was pushed to ${build.repositories.join(', ')} in ${file.path} but to ` +
                        `${seen.repositories.join(', ')} in ${seen.path}: every file must name a target's repositories alike`,
                ]);
            }
            else if (!seen.digests.includes(build.digest)) {
                seen.digests.push(build.digest);
            }
        }
    }
    if (problems.length === 0 && targets.size === 0) {
        problems.push([`no target in ${sorted.map((f) => f.path).join(', ')} pushed an image (none has ${KEYS.digest})`]);
    }
    if (problems.length > 0)
        throw new errors_1.InputError('bake-metadata', list(problems));
    const rules = bakeTagRules(options.tags);
    const images = [...targets.keys()].sort().map((target) => {
        const build = targets.get(target);
        const from = hubLast(build.repositories)[0];
        return {
            target,
            sources: build.digests.map((d) => `${from}@${d}`),
            tags: hubLast(tagsFor(target, build.repositories, rules)),
        };
    });
    checkTags(images, targets, rules);
    return images;
}
function readFile(file, problems, notice) {
    const expected = 'expected the file docker buildx bake --metadata-file writes, one object per target';
    let json;
    try {
        json = JSON.parse(file.text);
    }
    catch (err) {
        problems.push([`${file.path} is not JSON (${err.message}); ${expected}`]);
        return [];
    }
    if (!isObject(json)) {
        problems.push([`${file.path} is not a JSON object; ${expected}`]);
        return [];
    }
    if (KEYS.digest in json) {
        problems.push([`${file.path} holds one docker buildx build's metadata (${KEYS.digest} at the top); ${expected}`]);
        return [];
    }
    const builds = [];
    for (const [target, value] of Object.entries(json)) {
        if (!TARGET_NAME.test(target))
            continue;
        const where = `${file.path}, target "${target}": `;
        if (!isObject(value)) {
            problems.push([`${where}expected an object of build results, found ${JSON.stringify(value)}`]);
            continue;
        }
        const build = readTarget(value);
        if (build === 'no image')
            notice?.(`${where}no image was pushed (no ${KEYS.digest}); left out`);
        else if ('problem' in build)
            problems.push([where, ...build.problem]);
        else
            builds.push({ target, ...build });
    }
    return builds;
}
function readTarget(value) {
    const digest = value[KEYS.digest];
    const descriptor = value[KEYS.descriptor];
    const name = value[KEYS.name];
    if (digest === undefined && descriptor === undefined && name === undefined)
        return 'no image';
    const problem = (...parts) => ({ problem: parts });
    if (digest === undefined)
        return problem(`has no ${KEYS.digest}: was its image pushed (an image output, push=true)?`);
    if (typeof digest !== 'string' || !(0, digest_1.isDigest)(digest)) {
        return problem(`${KEYS.digest} ${JSON.stringify(digest)} is not a digest (sha256:<64 hex>)`);
    }
    const described = isObject(descriptor) ? descriptor.digest : undefined;
    if (described !== undefined && described !== digest) {
        return problem(`${KEYS.descriptor} names ${JSON.stringify(described)} but ${KEYS.digest} ${digest}`);
    }
    if (typeof name !== 'string' || name.trim() === '') {
        return problem(`has no ${KEYS.name}, so nothing says which repository ${digest} was pushed to: give the target its ` +
            `repository as a tag (tags = ["user/app"]) or as its output's name ("name=user/app")`);
    }
    const repositories = [];
    for (const item of name.split(',')) {
        if (item.trim() === '')
            continue;
        try {
            const repository = reference_1.Reference.parse(item).name;
            if (!repositories.includes(repository))
                repositories.push(repository);
        }
        catch (err) {
            return problem(`${KEYS.name} holds "${item.trim()}": `, ...(0, errors_1.wordingOf)(err));
        }
    }
    return { repositories, digest };
}
/**
 * Names outside Docker Hub first, in their order, then Hub's: Hub counts every manifest GET
 * against its pull limit, and an image pushed under several names is in each. So a target's
 * sources are read from its first repository not on Hub, and its first tag, where an append
 * reads its base, is not on Hub when another is given.
 */
function hubLast(names) {
    const onHub = (name) => name.startsWith(`${reference_1.DOCKER_HUB}/`);
    return [...names.filter((n) => !onHub(n)), ...names.filter(onHub)];
}
/**
 * Reads the `tags` input as rules for bake targets. An item is
 * - a tag name (`1.2.3`, `latest`): written in every repository each target was pushed to;
 * - a reference (`user/app:1.2.3`, as docker/metadata-action's `tags` output lists them):
 *   written for the targets pushed to that repository;
 * - either, after a target name and `=` (`app-debug=1.2.3-debug`, `app=ghcr.io/o/app:1`): for
 *   that target only; a reference there may name any repository (the merge copies to it).
 * An item with `/`, `:` or `@` in it is a reference; one without is a tag name.
 */
function bakeTagRules(items) {
    const problems = [];
    const rules = [];
    for (const raw of items) {
        const item = raw.trim();
        if (item === '')
            continue;
        const prefixed = /^([A-Za-z0-9_-]+)=(.*)$/.exec(item);
        const target = prefixed?.[1];
        const rest = (prefixed?.[2] ?? item).trim();
        if (!/[/:@]/.test(rest)) {
            if (TAG_NAME.test(rest))
                rules.push({ item, target, tag: rest });
            else
                problems.push([`"${item}": "${rest}" is neither a tag name (letters, digits, "_", "." or "-") nor a reference`]);
            continue;
        }
        let reference;
        try {
            reference = reference_1.Reference.parse(rest);
        }
        catch (err) {
            problems.push([`"${item}": `, ...(0, errors_1.wordingOf)(err)]);
            continue;
        }
        if (reference.digest !== undefined || !(0, reference_1.namesTagOrDigest)(rest)) {
            problems.push([`"${item}" names no tag: write the tag the image gets (${reference.name}:1.2.3)`]);
            continue;
        }
        rules.push({ item, target, reference, tag: reference.tag });
    }
    if (problems.length > 0)
        throw new errors_1.InputError('tags', list(problems));
    if (rules.length === 0) {
        throw new errors_1.InputError('tags', 'bake images need tags: tag names (1.2.3) for every repository a target was pushed to, or references (user/app:1.2.3)');
    }
    return rules;
}
function tagsFor(target, repositories, rules) {
    const tags = [];
    const add = (tag) => {
        if (!tags.includes(tag))
            tags.push(tag);
    };
    for (const rule of rules) {
        if (rule.target !== undefined && rule.target !== target)
            continue;
        if (rule.reference === undefined)
            repositories.forEach((r) => add(`${r}:${rule.tag}`));
        else if (rule.target !== undefined || repositories.includes(rule.reference.name))
            add(rule.reference.toString());
    }
    return tags;
}
/** Every rule applies somewhere, every image gets a tag, and no tag is claimed by two targets. */
function checkTags(images, targets, rules) {
    const problems = [];
    const pushedTo = [...targets].map(([t, b]) => `${t} → ${b.repositories.join(', ')}`).join('; ');
    for (const rule of rules) {
        if (rule.target !== undefined && !targets.has(rule.target)) {
            problems.push([`"${rule.item}" is for target "${rule.target}", which no metadata file holds (${pushedTo})`]);
        }
        else if (rule.target === undefined &&
            rule.reference !== undefined &&
            ![...targets.values()].some((b) => b.repositories.includes(rule.reference.name))) {
            problems.push([
                `"${rule.item}": no bake target was pushed to ${rule.reference.name} (${pushedTo}); ` +
                    `to tag a target there, prefix the tag with its name (<target>=${rule.item})`,
            ]);
        }
    }
    const owner = new Map();
    for (const image of images) {
        if (image.tags.length === 0) {
            problems.push([
                `no tag is for target "${image.target}" (pushed to ${targets.get(image.target)?.repositories.join(', ')}): ` +
                    `give a tag name, a reference in its repository, or ${image.target}=<tag>`,
            ]);
        }
        for (const tag of image.tags) {
            const other = owner.get(tag);
            if (other === undefined)
                owner.set(tag, image.target);
            else {
                problems.push([
                    `${tag} would be written for target "${other}" and for target "${image.target}": ` +
                        `give each target its own tags with its name in front (${image.target}=<tag>)`,
                ]);
            }
        }
    }
    if (problems.length > 0)
        throw new errors_1.InputError('tags', list(problems));
}
/** One problem as it is; several as a list, one per line. */
function list(problems) {
    return problems.length === 1 ? problems[0] : problems.flatMap((p) => ['\n- ', ...p]);
}
function isObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}


/***/ }),

/***/ 5849:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.readBakeMetadata = readBakeMetadata;
const promises_1 = __nccwpck_require__(1455);
const errors_1 = __nccwpck_require__(3916);
const loadGlob = async (pattern, cwd) => {
    const { glob } = await __nccwpck_require__.e(/* import() */ 448).then(__nccwpck_require__.bind(__nccwpck_require__, 6448));
    return glob(pattern, { cwd, onlyFiles: true, expandDirectories: false });
};
/**
 * Reads the bake metadata files `bake-metadata` names, one path or glob per item, relative to
 * the working directory. Local files only (no request): a path that cannot be read, or a glob
 * that matches nothing, fails naming it.
 */
async function readBakeMetadata(items, cwd = process.cwd(), glob = loadGlob) {
    const paths = [];
    for (const item of items) {
        if (/[*?[{]/.test(item)) {
            const matches = (await glob(item, cwd)).sort();
            if (matches.length === 0)
                throw new errors_1.InputError('bake-metadata', `"${item}" matches no file (in ${cwd})`);
            paths.push(...matches);
        }
        else
            paths.push(item);
    }
    return Promise.all([...new Set(paths)].map(async (path) => {
        try {
            return { path, text: await (0, promises_1.readFile)(path.startsWith('/') ? path : `${cwd}/${path}`, 'utf8') };
        }
        catch (err) {
            throw new errors_1.InputError('bake-metadata', `cannot read "${path}" (${err.code ?? String(err)})`);
        }
    }));
}


/***/ }),

/***/ 5722:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.OUTAGE_TIMEOUT = void 0;
exports.getInputs = getInputs;
const errors_1 = __nccwpck_require__(3916);
const platform_1 = __nccwpck_require__(1890);
const reference_1 = __nccwpck_require__(2148);
const tagPattern_1 = __nccwpck_require__(7907);
const annotations_1 = __nccwpck_require__(539);
const lists_1 = __nccwpck_require__(7560);
function oneOf(input, value, allowed, fallback) {
    const v = value.trim().toLowerCase();
    if (v === '')
        return fallback;
    if (allowed.includes(v))
        return v;
    throw new errors_1.InputError(input, `"${value.trim()}" is not one of ${allowed.join(', ')}`);
}
function bool(input, value) {
    const v = value.trim();
    if (v === '' || /^(false)$/i.test(v))
        return false;
    if (/^(true)$/i.test(v))
        return true;
    throw new errors_1.InputError(input, `"${v}" is not a boolean: use true or false`);
}
function references(input, value, patterns) {
    const refs = (0, lists_1.splitList)(value).map((item) => {
        if ((0, tagPattern_1.looksLikePattern)(item) && !patterns) {
            throw new errors_1.InputError(input, `"${item}": a target names one tag; tag patterns ("*", "?") are for sources only`);
        }
        try {
            return (0, tagPattern_1.looksLikePattern)(item) ? tagPattern_1.TagPattern.parse(item) : reference_1.Reference.parse(item);
        }
        catch (err) {
            throw new errors_1.InputError(input, (0, errors_1.wordingOf)(err));
        }
    });
    const dup = (0, lists_1.firstDuplicate)(refs, (r) => r.toString());
    if (dup)
        throw new errors_1.InputError(input, `"${dup[1].toString()}" is listed twice`);
    return refs;
}
/** Design rule 12: a minute by default; a registry known to restart slowly may be given up to an hour. */
exports.OUTAGE_TIMEOUT = { defaultSeconds: 60, maxSeconds: 3600 };
function seconds(input, value, fallback, max) {
    const v = value.trim().replace(/s$/i, '');
    if (v === '')
        return fallback;
    if (!/^\d+$/.test(v) || Number(v) < 1 || Number(v) > max) {
        throw new errors_1.InputError(input, `"${value.trim()}" is not a whole number of seconds from 1 to ${max}`);
    }
    return Number(v);
}
const HOST = /^(?:\[[0-9a-fA-F:.]+\]|[a-zA-Z0-9](?:[a-zA-Z0-9.-]*[a-zA-Z0-9])?)(?::\d{1,5})?$/;
function getInputs(read) {
    const sources = references('sources', read('sources'), true);
    if (sources.length === 0)
        throw new errors_1.InputError('sources', 'at least one image reference is required');
    const targets = references('tags', read('tags'), false);
    if (targets.length === 0)
        throw new errors_1.InputError('tags', 'at least one target reference is required');
    for (const t of targets) {
        if (t.digest !== undefined) {
            throw new errors_1.InputError('tags', `"${t.toString()}" has a digest; a target names a tag (e.g. ${t.name}:latest)`);
        }
    }
    const untaggedTargets = (0, lists_1.splitList)(read('tags'))
        .map((given, i) => ({ given, target: targets[i] }))
        .filter((t) => !(0, reference_1.namesTagOrDigest)(t.given));
    let platforms;
    const platformItems = (0, lists_1.splitList)(read('platforms'));
    if (platformItems.length > 0) {
        platforms = platformItems.map((p) => {
            try {
                return (0, platform_1.parsePlatform)(p);
            }
            catch (err) {
                throw new errors_1.InputError('platforms', (0, errors_1.wordingOf)(err));
            }
        });
        const dup = (0, lists_1.firstDuplicate)(platforms, platform_1.platformKey);
        if (dup)
            throw new errors_1.InputError('platforms', `"${platformItems[platforms.indexOf(dup[1])]}" names a platform already listed`);
    }
    const annotations = (0, annotations_1.parseAnnotations)(read('annotations'));
    const insecure = new Set();
    for (const host of (0, lists_1.splitList)(read('insecure-registries'))) {
        const h = host
            .replace(/^https?:\/\//, '')
            .replace(/\/+$/, '')
            .toLowerCase();
        if (!HOST.test(h))
            throw new errors_1.InputError('insecure-registries', `"${host}" is not host[:port]`);
        insecure.add(h);
    }
    const token = read('github-token').trim();
    return {
        sources,
        targets,
        untaggedTargets,
        attestations: oneOf('attestations', read('attestations'), ['strip', 'keep', 'referrers'], 'strip'),
        referrers: oneOf('referrers', read('referrers'), ['copy', 'skip'], 'copy'),
        platforms,
        annotations: annotations.index,
        skippedAnnotations: annotations.skipped,
        mediaType: oneOf('media-type', read('media-type'), ['oci', 'docker', 'auto'], 'oci'),
        dryRun: bool('dry-run', read('dry-run')),
        append: bool('append', read('append')),
        githubToken: token === '' ? undefined : token,
        insecureRegistries: insecure,
        outageTimeoutMs: seconds('outage-timeout', read('outage-timeout'), exports.OUTAGE_TIMEOUT.defaultSeconds, exports.OUTAGE_TIMEOUT.maxSeconds) * 1000,
    };
}


/***/ }),

/***/ 9123:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.FloatingTags = exports.DEFAULT_FLOATING_TAGS = exports.IMAGE_KEYS = void 0;
exports.parseImages = parseImages;
exports.getBatch = getBatch;
exports.batchRepositories = batchRepositories;
const errors_1 = __nccwpck_require__(3916);
const context_1 = __nccwpck_require__(5722);
const bake_1 = __nccwpck_require__(9748);
const lists_1 = __nccwpck_require__(7560);
const yamlLoader_1 = __nccwpck_require__(4317);
/** The keys an entry of `images` may hold: what a single merge has per image. */
exports.IMAGE_KEYS = ['sources', 'tags', 'platforms', 'annotations', 'append'];
/** Tags that move from release to release; written after every other tag of the batch (design rule 21). */
exports.DEFAULT_FLOATING_TAGS = ['latest'];
/**
 * Which tags float: the tag part of a target (never its repository), matched against the
 * `floating-tags` patterns (`*` any run of characters, `?` one).
 */
class FloatingTags {
    globs;
    patterns;
    constructor(globs) {
        this.globs = globs;
        this.patterns = globs.map((g) => new RegExp(`^${g.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.')}$`));
    }
    floats(tag) {
        return tag !== undefined && this.patterns.some((p) => p.test(tag));
    }
}
exports.FloatingTags = FloatingTags;
const TAG_GLOB = /^[\w*?][\w.*?-]{0,127}$/;
function floatingTags(value) {
    const items = (0, lists_1.splitList)(value);
    if (items.length === 0)
        return new FloatingTags(exports.DEFAULT_FLOATING_TAGS);
    if (items.length === 1 && items[0].toLowerCase() === 'none')
        return new FloatingTags([]);
    for (const item of items) {
        if (!TAG_GLOB.test(item)) {
            throw new errors_1.InputError('floating-tags', `"${item}" is not a tag or tag pattern (letters, digits, "_", ".", "-", "*", "?"; no repository), or "none"`);
        }
    }
    return new FloatingTags(items);
}
/** An entry's value as the single merge's parser reads it: a list becomes one item per line. */
function entryValue(key, value, where) {
    const fail = (expected) => {
        throw new errors_1.InputError('images', `${where}: "${key}" must be ${expected}`);
    };
    if (key === 'append') {
        if (typeof value === 'boolean')
            return String(value);
        if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
            return value.trim();
        return fail('true or false');
    }
    if (typeof value === 'string')
        return value;
    if (key === 'annotations' && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        return Object.entries(value)
            .map(([k, v]) => {
            if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean')
                fail('a list of key=value, or a map of strings');
            return `${k}=${String(v)}`;
        })
            .join('\n');
    }
    if (Array.isArray(value) && value.every((v) => typeof v === 'string'))
        return value.join('\n');
    return fail(key === 'annotations' ? 'a list of key=value, or a map of strings' : 'a list of strings, or a string');
}
/** How an entry is named in errors: its number and, when it has one, its first tag. */
function entryName(index, entry) {
    const tags = entry.tags;
    const first = typeof tags === 'string' ? (0, lists_1.splitList)(tags)[0] : Array.isArray(tags) ? tags[0] : undefined;
    return typeof first === 'string' && first.trim() !== '' ? `entry ${index + 1} (${first.trim()})` : `entry ${index + 1}`;
}
/** Parses the `images` input: YAML or JSON, a list of entries, each a single merge's keys. */
async function parseImages(text) {
    const { parse } = await (0, yamlLoader_1.loadYaml)();
    let doc;
    try {
        doc = parse(text, { prettyErrors: false, uniqueKeys: true });
    }
    catch (err) {
        throw new errors_1.InputError('images', `is not valid YAML or JSON: ${err.message.split('\n')[0]}`);
    }
    if (!Array.isArray(doc)) {
        throw new errors_1.InputError('images', 'must be a list of entries, each with "sources" and "tags" (YAML or JSON)');
    }
    if (doc.length === 0)
        throw new errors_1.InputError('images', 'lists no image');
    return doc.map((entry, i) => {
        if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
            throw new errors_1.InputError('images', `entry ${i + 1} is not a map with "sources" and "tags"`);
        }
        const record = entry;
        for (const key of Object.keys(record)) {
            if (!exports.IMAGE_KEYS.includes(key)) {
                throw new errors_1.InputError('images', `${entryName(i, record)}: unknown key "${key}"; an entry may have ${exports.IMAGE_KEYS.join(', ')}`);
            }
        }
        for (const key of ['sources', 'tags']) {
            if (record[key] === undefined)
                throw new errors_1.InputError('images', `${entryName(i, record)}: "${key}" is required`);
        }
        return record;
    });
}
/**
 * Every input, parsed: the images of the batch, each a single merge's Inputs. Without `images`
 * or `bake-metadata`, the top-level `sources` and `tags` are the one image, as always. With
 * `images`, each entry is an image and the other top-level inputs are the defaults of every
 * entry. With `bake-metadata`, each bake target is an image, and `tags` says which tags each
 * gets (src/inputs/bake.ts); the front end reads the files (`readBakeFiles`).
 */
async function getBatch(read, readBakeFiles) {
    const floating = floatingTags(read('floating-tags'));
    const text = read('images');
    const bake = (0, lists_1.splitLines)(read('bake-metadata'));
    const notices = [];
    if (text.trim() === '' && bake.length === 0)
        return { images: [(0, context_1.getInputs)(read)], floating, notices };
    let entries;
    const input = bake.length > 0 ? 'bake-metadata' : 'images';
    if (bake.length > 0) {
        if (text.trim() !== '')
            throw new errors_1.InputError('bake-metadata', (0, errors_1.say) `cannot be given with ${(0, errors_1.setting)('images')}`);
        if (read('sources').trim() !== '') {
            throw new errors_1.InputError('sources', (0, errors_1.say) `cannot be given with ${(0, errors_1.setting)('bake-metadata')}: the sources are the digests bake pushed`);
        }
        if (!readBakeFiles)
            throw new errors_1.InputError('bake-metadata', 'cannot be read here');
        // `tags` is read as rules for the bake targets; each image gets its own tags from them.
        const images = (0, bake_1.imagesFromBakeMetadata)(await readBakeFiles(bake), {
            tags: (0, lists_1.splitList)(read('tags')),
            notice: (message) => notices.push(message),
        });
        entries = images.map((i) => ({ sources: [...i.sources], tags: [...i.tags] }));
    }
    else {
        for (const key of ['sources', 'tags']) {
            if (read(key).trim() !== '') {
                throw new errors_1.InputError(key, (0, errors_1.say) `cannot be given with ${(0, errors_1.setting)('images')}: give each image its sources and tags in its entry`);
            }
        }
        entries = await parseImages(text);
    }
    const images = entries.map((entry, i) => {
        const where = entryName(i, entry);
        const values = new Map();
        for (const key of exports.IMAGE_KEYS)
            if (entry[key] !== undefined)
                values.set(key, entryValue(key, entry[key], where));
        try {
            return (0, context_1.getInputs)((name) => values.get(name) ?? read(name));
        }
        catch (err) {
            // A default from the top level is the top-level input's mistake; an entry's own is the entry's.
            if (err instanceof errors_1.InputError && values.has(err.input)) {
                throw new errors_1.InputError(input, `${where}: ${err.input}: ${err.detail}`);
            }
            throw err;
        }
    });
    const owner = new Map();
    images.forEach((image, i) => {
        for (const t of image.targets) {
            const earlier = owner.get(t.toString());
            if (earlier !== undefined) {
                throw new errors_1.InputError(input, `${entryName(i, entries[i])}: the tag ${t} is also a tag of entry ${earlier + 1}; a tag names one image`);
            }
            owner.set(t.toString(), i);
        }
    });
    return { images, floating, notices };
}
/** Every registry and repository of the batch, for the connections opened at start-up. */
function batchRepositories(batch) {
    return {
        sources: batch.images.flatMap((i) => i.sources),
        targets: batch.images.flatMap((i) => i.targets),
        insecureRegistries: batch.images[0].insecureRegistries,
    };
}


/***/ }),

/***/ 7560:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.splitList = splitList;
exports.splitLines = splitLines;
exports.firstDuplicate = firstDuplicate;
/** Splits a list input: one item per line or comma-separated; blank items are ignored. */
function splitList(value) {
    return value
        .split(/[\r\n,]+/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
/** Splits on lines only, for inputs whose items may contain commas (annotation values). */
function splitLines(value) {
    return value
        .split(/\r?\n/)
        .map((s) => s.trim())
        .filter((s) => s !== '');
}
/** The first item that occurs twice under `key`, if any. */
function firstDuplicate(items, key) {
    const seen = new Map();
    for (const item of items) {
        const k = key(item);
        const earlier = seen.get(k);
        if (earlier !== undefined)
            return [earlier, item];
        seen.set(k, item);
    }
    return undefined;
}


/***/ }),

/***/ 4317:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.loadYaml = void 0;
/**
 * The YAML parser, loaded when `images` is given: a chunk of its own in the bundles, so a
 * single merge's start-up does not load it. (Unit tests, which cannot run a dynamic import
 * under jest, replace this module with one that requires the same library.)
 */
const loadYaml = () => __nccwpck_require__.e(/* import() */ 815).then(__nccwpck_require__.t.bind(__nccwpck_require__, 8815, 19));
exports.loadYaml = loadYaml;


/***/ }),

/***/ 8825:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.isDigest = isDigest;
exports.parseDigest = parseDigest;
exports.sha256Digest = sha256Digest;
exports.digestOf = digestOf;
exports.digestHasher = digestHasher;
/**
 * node:crypto, loaded when the first digest is computed: the front ends' small entries parse
 * references (`isDigest`) and open the registries' connections before anything is hashed, and
 * loading crypto first would hold those connections back.
 */
let crypto;
function createHash(algorithm) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use, see above
    crypto ??= __nccwpck_require__(7598);
    return crypto.createHash(algorithm);
}
const DIGEST_PATTERN = /^sha256:[a-f0-9]{64}$|^sha512:[a-f0-9]{128}$/;
function isDigest(value) {
    return DIGEST_PATTERN.test(value);
}
/** Parses a digest, throwing with the caller's context when it is malformed. */
function parseDigest(value, what = 'digest') {
    if (!isDigest(value)) {
        throw new Error(`${what} "${value}" is not a valid digest: expected sha256:<64 lowercase hex>`);
    }
    return value;
}
function sha256Digest(bytes) {
    return `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
}
/** Digest of `bytes` with the algorithm `expected` uses, so sha512 references verify too. */
function digestOf(bytes, expected) {
    const algorithm = expected?.startsWith('sha512:') ? 'sha512' : 'sha256';
    return `${algorithm}:${createHash(algorithm).update(bytes).digest('hex')}`;
}
/** An incremental hasher for streamed blobs (never holds the blob in memory). */
function digestHasher(expected) {
    const algorithm = expected.startsWith('sha512:') ? 'sha512' : 'sha256';
    const hash = createHash(algorithm);
    return {
        update: (chunk) => void hash.update(chunk),
        digest: () => `${algorithm}:${hash.digest('hex')}`,
    };
}


/***/ }),

/***/ 1890:
/***/ ((__unused_webpack_module, exports) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.PlatformError = void 0;
exports.parsePlatform = parsePlatform;
exports.formatPlatform = formatPlatform;
exports.normalizePlatform = normalizePlatform;
exports.platformKey = platformKey;
exports.platformMatches = platformMatches;
class PlatformError extends Error {
    name = 'PlatformError';
}
exports.PlatformError = PlatformError;
const COMPONENT = /^[a-z0-9._-]+$/;
/** Parses `os/arch[/variant]` as users write it in the `platforms` input. */
function parsePlatform(input) {
    const raw = input.trim();
    const parts = raw.split('/');
    if (parts.length < 2 || parts.length > 3 || parts.some((p) => !COMPONENT.test(p))) {
        throw new PlatformError(`"${raw}" is not a platform: expected os/architecture[/variant], e.g. linux/arm64`);
    }
    const [os, architecture, variant] = parts;
    return variant === undefined ? { os, architecture } : { os, architecture, variant };
}
/** `linux/arm64/v8`, the form used in outputs and messages. */
function formatPlatform(p) {
    return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}
/**
 * Normalises the way containerd does, so `linux/arm64` ≡ `linux/arm64/v8` and `linux/arm` ≡
 * `linux/arm/v7`; used only for comparing, never for what is written.
 */
function normalizePlatform(p) {
    let architecture = p.architecture.toLowerCase();
    let variant = p.variant?.toLowerCase();
    switch (architecture) {
        case 'x86_64':
        case 'x86-64':
            architecture = 'amd64';
            if (variant === 'v1')
                variant = undefined;
            break;
        case 'amd64':
            if (variant === 'v1')
                variant = undefined;
            break;
        case 'aarch64':
        case 'arm64':
            architecture = 'arm64';
            if (variant === undefined || variant === '8' || variant === 'v8')
                variant = 'v8';
            break;
        case 'armhf':
            architecture = 'arm';
            variant = 'v7';
            break;
        case 'armel':
            architecture = 'arm';
            variant = 'v6';
            break;
        case 'arm':
            if (variant === undefined || variant === '7')
                variant = 'v7';
            else if (/^[5-8]$/.test(variant))
                variant = `v${variant}`;
            break;
        case 'i386':
            architecture = '386';
            break;
    }
    return { ...p, os: p.os.toLowerCase(), architecture, variant };
}
/** The identity used to detect duplicate platforms and to match the `platforms` input. */
function platformKey(p) {
    const n = normalizePlatform(p);
    return [n.os, n.architecture, n.variant ?? '', n['os.version'] ?? ''].join('/');
}
/** True when `wanted` (from the input, no os.version) names `actual`. */
function platformMatches(wanted, actual) {
    const w = normalizePlatform(wanted);
    const a = normalizePlatform(actual);
    return w.os === a.os && w.architecture === a.architecture && (w.variant ?? '') === (a.variant ?? '');
}


/***/ }),

/***/ 2148:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.Reference = exports.ReferenceError = exports.DOCKER_HUB_API_HOST = exports.DOCKER_HUB = void 0;
exports.namesTagOrDigest = namesTagOrDigest;
exports.apiHost = apiHost;
exports.isLoopbackRegistry = isLoopbackRegistry;
const errors_1 = __nccwpck_require__(3916);
const digest_1 = __nccwpck_require__(8825);
/** Docker Hub's canonical name and the host its API really lives on. */
exports.DOCKER_HUB = 'docker.io';
exports.DOCKER_HUB_API_HOST = 'registry-1.docker.io';
// Grammar from the distribution reference spec; checked once here, trusted everywhere else.
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DOMAIN = /^(?:\[[0-9a-fA-F:.]+\]|(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*)(?::[0-9]+)?$/;
const MAX_NAME_LENGTH = 255;
class ReferenceError extends Error {
    name = 'ReferenceError';
}
exports.ReferenceError = ReferenceError;
/**
 * An image reference, normalised the way docker does (`alpine` → `docker.io/library/alpine`).
 * Construct with `Reference.parse`; a Reference always holds a valid name and a tag, a digest, or both.
 */
class Reference {
    registry;
    repository;
    tag;
    digest;
    constructor(
    /** `docker.io`, `ghcr.io`, `127.0.0.1:5000` … */
    registry, 
    /** `library/alpine`, `org/app` … */
    repository, tag, digest) {
        this.registry = registry;
        this.repository = repository;
        this.tag = tag;
        this.digest = digest;
    }
    static parse(input) {
        const raw = input.trim();
        if (raw === '')
            throw new ReferenceError('empty reference');
        if (/\s/.test(raw))
            throw new ReferenceError(`"${raw}" contains white space`);
        let rest = raw;
        let digest;
        const at = rest.indexOf('@');
        if (at >= 0) {
            const d = rest.slice(at + 1);
            if (!(0, digest_1.isDigest)(d)) {
                throw new ReferenceError(`"${raw}" has an invalid digest "${d}": expected sha256:<64 lowercase hex>`);
            }
            digest = d;
            rest = rest.slice(0, at);
        }
        let tag;
        const lastSlash = rest.lastIndexOf('/');
        const colon = rest.lastIndexOf(':');
        if (colon > lastSlash) {
            tag = rest.slice(colon + 1);
            rest = rest.slice(0, colon);
            if (!TAG.test(tag)) {
                throw new ReferenceError(`"${raw}" has an invalid tag "${tag}": up to 128 letters, digits, "_", "." or "-", not starting with "." or "-"`);
            }
        }
        if (rest === '')
            throw new ReferenceError(`"${raw}" has no repository name`);
        let registry = exports.DOCKER_HUB;
        let repository = rest;
        const slash = rest.indexOf('/');
        if (slash >= 0) {
            const first = rest.slice(0, slash);
            // docker's rule: the first component is a registry when it looks like a host. (docker also
            // takes an uppercase first component for a host; users mean a Docker Hub namespace, so
            // here it stays in the name and gets the lowercase hint below.)
            if (/[.:]/.test(first) || first === 'localhost') {
                if (!DOMAIN.test(first))
                    throw new ReferenceError(`"${raw}" has an invalid registry "${first}"`);
                registry = first.toLowerCase();
                repository = rest.slice(slash + 1);
            }
        }
        if (registry === 'index.docker.io' || registry === 'registry-1.docker.io')
            registry = exports.DOCKER_HUB;
        if (registry === exports.DOCKER_HUB && !repository.includes('/'))
            repository = `library/${repository}`;
        if (repository !== repository.toLowerCase()) {
            const suggestion = new Reference(registry, repository.toLowerCase(), tag, digest).toString();
            throw (0, errors_1.worded)(new ReferenceError(''), (0, errors_1.say) `"${raw}": repository names must be lowercase; use "${suggestion}" ${{ hint: 'lowercase-repository' }}`);
        }
        for (const component of repository.split('/')) {
            if (!PATH_COMPONENT.test(component)) {
                throw new ReferenceError(`"${raw}" has an invalid repository name "${repository}": each path component is lowercase letters and digits, separated by ".", "_", "__" or "-"`);
            }
        }
        if (`${registry}/${repository}`.length > MAX_NAME_LENGTH) {
            throw new ReferenceError(`"${raw}": the name is longer than ${MAX_NAME_LENGTH} characters`);
        }
        if (tag === undefined && digest === undefined)
            tag = 'latest';
        return new Reference(registry, repository, tag, digest);
    }
    /** `registry/repository`, the key for everything stored per repository. */
    get name() {
        return `${this.registry}/${this.repository}`;
    }
    /** What goes into `/v2/<name>/manifests/<ref>`: the digest when there is one, else the tag. */
    get manifestRef() {
        return this.digest ?? this.tag;
    }
    /** The same repository at another tag or digest. */
    withDigest(digest) {
        return new Reference(this.registry, this.repository, undefined, digest);
    }
    withTag(tag) {
        return new Reference(this.registry, this.repository, tag, undefined);
    }
    toString() {
        return `${this.name}${this.tag !== undefined ? `:${this.tag}` : ''}${this.digest !== undefined ? `@${this.digest}` : ''}`;
    }
}
exports.Reference = Reference;
/** Whether a reference as written names a tag or a digest (`Reference.parse` assumes `latest` otherwise). */
function namesTagOrDigest(raw) {
    const trimmed = raw.trim();
    return trimmed.includes('@') || trimmed.slice(trimmed.lastIndexOf('/') + 1).includes(':');
}
/** The host the distribution API is served from (Docker Hub's differs from its name). */
function apiHost(registry) {
    return registry === exports.DOCKER_HUB ? exports.DOCKER_HUB_API_HOST : registry;
}
/** Loopback registries may be reached over plain HTTP when they do not speak TLS (design rule 14). */
function isLoopbackRegistry(registry) {
    const host = registry.startsWith('[') ? registry.slice(1, registry.indexOf(']')) : registry.replace(/:\d+$/, '');
    return host === 'localhost' || host === '::1' || /^127(?:\.\d{1,3}){3}$/.test(host);
}


/***/ }),

/***/ 7907:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.TagPattern = void 0;
exports.looksLikePattern = looksLikePattern;
exports.isPattern = isPattern;
const reference_1 = __nccwpck_require__(2148);
/** The glob characters a source's tag may hold: `*` any run of characters, `?` exactly one. */
const GLOB = /[*?]/;
/** A tag's grammar with the glob characters allowed anywhere (a pattern may start with `*`). */
const TAG_PATTERN = /^[\w*?][\w.*?-]{0,127}$/;
/** True when a written reference has a glob in it (then it must parse as a pattern, or fail as one). */
function looksLikePattern(input) {
    return GLOB.test(input);
}
/**
 * A source whose tag is a glob (`ghcr.io/acme/app-build:1234-*`): it stands for every matching
 * tag of one repository. Globs live only in the tag: never in the registry or repository name,
 * never beside a digest. Construct with `TagPattern.parse`.
 */
class TagPattern {
    repo;
    glob;
    regex;
    constructor(
    /** The repository, as a reference (its tag is a placeholder; only registry and repository are used). */
    repo, 
    /** The glob as written, e.g. `1234-*`. */
    glob) {
        this.repo = repo;
        this.glob = glob;
        // Tags hold only [\w.-]: `.` is the one character to escape.
        const body = glob.replace(/\./g, '\\.').replace(/\*/g, '.*').replace(/\?/g, '.');
        this.regex = new RegExp(`^${body}$`);
    }
    static parse(input) {
        const raw = input.trim();
        const at = raw.indexOf('@');
        if (at >= 0) {
            throw new reference_1.ReferenceError(`"${raw}": a tag pattern cannot carry a digest (a digest names one manifest)`);
        }
        const lastSlash = raw.lastIndexOf('/');
        const colon = raw.lastIndexOf(':');
        if (colon <= lastSlash) {
            throw new reference_1.ReferenceError(`"${raw}": "*" and "?" are allowed only in the tag, e.g. ghcr.io/acme/app-build:1234-*`);
        }
        const name = raw.slice(0, colon);
        const glob = raw.slice(colon + 1);
        if (GLOB.test(name)) {
            throw new reference_1.ReferenceError(`"${raw}": "*" and "?" are allowed only in the tag, not in the repository name`);
        }
        if (!TAG_PATTERN.test(glob)) {
            throw new reference_1.ReferenceError(`"${raw}" has an invalid tag pattern "${glob}": up to 128 letters, digits, "_", ".", "-", "*" or "?", not starting with "." or "-"`);
        }
        // The repository part goes through the reference grammar (normalisation, lowercase rule).
        return new TagPattern(reference_1.Reference.parse(`${name}:latest`), glob);
    }
    get registry() {
        return this.repo.registry;
    }
    get repository() {
        return this.repo.repository;
    }
    /** `registry/repository` */
    get name() {
        return this.repo.name;
    }
    matches(tag) {
        return this.regex.test(tag);
    }
    /** The reference of one matching tag. */
    at(tag) {
        return this.repo.withTag(tag);
    }
    toString() {
        return `${this.name}:${this.glob}`;
    }
}
exports.TagPattern = TagPattern;
function isPattern(source) {
    return source instanceof TagPattern;
}


/***/ }),

/***/ 5292:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


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
exports.Preconnections = exports.EARLY_CONNECTIONS_PER_HOST = exports.SPARES_SECURED_AT_ONCE = void 0;
exports.startHandshake = startHandshake;
exports.openSpares = openSpares;
exports.bareHostname = bareHostname;
exports.proxiesHttps = proxiesHttps;
exports.plainHttpAllowed = plainHttpAllowed;
exports.warmConnections = warmConnections;
exports.earlyPlan = earlyPlan;
/**
 * The run's first connections, opened by the front ends as soon as the inputs are read, before
 * the rest of the tool is even loaded: every host is known from the inputs, and a connection to
 * a remote registry costs a round trip or more, which then overlaps the loading instead of
 * following it. The transport (`OriginRouter`) adopts them as its first connections; it opens
 * the same ones itself when nothing was opened early.
 *
 * Deliberately light: Node's net and tls and the reference grammar only, so the small entry
 * bundles that load it start connecting within milliseconds of Node's own boot.
 */
const net = __importStar(__nccwpck_require__(7030));
const reference_1 = __nccwpck_require__(2148);
const warmSockets_1 = __nccwpck_require__(2972);
/**
 * Starts the TLS handshake with an HTTPS origin (`https://host:port`), offering h2 and http/1.1
 * (or the `protocols` given).
 * The TCP connection is asked for first: Node's TLS module and the TLS context (its CA store,
 * read on first use) take 15–20 ms to load and make on Node 24, which then overlap the name
 * lookup and the TCP handshake instead of coming before them.
 */
function startHandshake(origin, options = {}, protocols = ['h2', 'http/1.1']) {
    const url = new URL(origin);
    const hostname = bareHostname(url);
    const tcp = net.connect({ host: hostname, port: Number(url.port || 443), noDelay: true });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded after the connect, see above
    const { connect } = __nccwpck_require__(1692);
    const socket = connect({
        socket: tcp,
        host: hostname,
        // No SNI for an IP address (RFC 6066), as undici does.
        ...(tlsServername(hostname) ? { servername: hostname } : {}),
        ALPNProtocols: [...protocols],
        ...options,
    });
    const secured = new Promise((resolve, reject) => {
        socket.once('secureConnect', () => resolve(socket));
        socket.once('error', reject);
        // Closed before it was secured (destroyed without an error): never leave the outcome pending.
        socket.once('close', () => reject(Object.assign(new Error('closed during the TLS handshake'), { code: 'ECONNRESET' })));
    });
    // Whoever adopts the handshake reads its failure; until then it is no unhandled rejection.
    secured.catch(() => undefined);
    return { socket, secured };
}
/**
 * Connections beside an HTTPS origin's handshake secured at once, at most: enough for the first
 * burst of a two-platform merge (two sources and the target's tag: two besides the handshake).
 * Each one costs a registry that speaks HTTP/2 (most do) a TLS handshake it never uses; five,
 * for a 16-platform merge, measured 2–4% slower on a 2-CPU machine that also hosts the registry
 * (BENCHMARKS.md, round six), two nothing measurable.
 */
exports.SPARES_SECURED_AT_ONCE = 2;
/**
 * `count` connections beside an HTTPS origin's handshake, for an HTTP/1.1 origin's first burst:
 * the first `SPARES_SECURED_AT_ONCE` TLS from the start, offering HTTP/1.1 only, secured at
 * the same moment as the handshake (a round trip before TLS started once it says HTTP/1.1);
 * the others TCP, on which TLS starts when a request takes them. Offering h2 would make them
 * unusable by an HTTP/1.1 pool on a server that speaks both; there they are closed unused.
 */
function openSpares(origin, count, options = {}) {
    const url = new URL(origin);
    const secured = Math.min(count, exports.SPARES_SECURED_AT_ONCE);
    return new warmSockets_1.WarmSockets([
        ...Array.from({ length: secured }, () => {
            const { socket, secured: ready } = startHandshake(origin, options, ['http/1.1']);
            return { socket, ready };
        }),
        ...Array.from({ length: count - secured }, () => warmSockets_1.WarmSockets.tcp(bareHostname(url), Number(url.port || 443), true)),
    ]);
}
/** A URL's host name without the brackets of an IPv6 address, as sockets take it. */
function bareHostname(url) {
    return url.hostname.replace(/^\[|\]$/g, '');
}
function tlsServername(hostname) {
    return !/^[\d.]+$/.test(hostname) && !hostname.includes(':');
}
/** True when HTTPS requests go through a proxy (then they tunnel over HTTP/1.1). */
function proxiesHttps(env) {
    return [env.https_proxy, env.HTTPS_PROXY, env.http_proxy, env.HTTP_PROXY].some((v) => v !== undefined && v.trim() !== '');
}
/**
 * Design rule 14: plain HTTP only for loopback and the registries the user lists; a listed
 * `host` covers every port of it, a listed `host:port` only that port. Even these are tried
 * over HTTPS first (SchemeProbe).
 */
function plainHttpAllowed(registry, insecure) {
    const hostname = registry.startsWith('[') ? registry.slice(0, registry.indexOf(']') + 1) : registry.replace(/:\d+$/, '');
    return (0, reference_1.isLoopbackRegistry)(registry) || insecure.has(registry) || insecure.has(hostname);
}
/**
 * Connections per host a run opens at once before any request (design rule 13): as browsers
 * bound theirs per host. Past them, an HTTP/1.1 pool opens one when a request finds none free.
 */
exports.EARLY_CONNECTIONS_PER_HOST = 6;
/**
 * Connections a registry's first burst needs on HTTP/1.1, one request each: every source on it
 * is read (a manifest or a tag list) and every target tag on it is read, all at once, within
 * the per-host bound. Opening more would leave some unused: never more than requests in flight.
 */
function warmConnections(registry, options) {
    const reads = [...options.sources, ...options.targets].filter((r) => r.registry === registry).length;
    return Math.min(exports.EARLY_CONNECTIONS_PER_HOST, Math.max(1, reads));
}
function earlyPlan(registry, options, plainAllowed) {
    const burst = warmConnections(registry, options);
    return { spare: burst - 1, plain: plainAllowed ? burst : 0 };
}
/**
 * The connections of a run opened ahead of its transport (`earlyPlan`): per registry the TLS
 * handshake, the connections beside it and the plain ones. Each is handed out once; what is
 * never taken is closed by `discard`.
 */
class Preconnections {
    handshakes = new Map();
    spares = new Map();
    plain = new Map();
    /**
     * Opens them for every registry of the inputs, as `Registries` would, unless HTTPS goes
     * through a proxy (then every connection is the proxy agent's, made when a request needs it).
     */
    static open(options, env, 
    /** Extra TLS options, as `OriginOptions.tls` (tests pass their CA; the tools rely on NODE_EXTRA_CA_CERTS). */
    tlsOptions) {
        const opened = new Preconnections();
        if (proxiesHttps(env))
            return opened;
        for (const registry of new Set([...options.targets, ...options.sources].map((r) => r.registry))) {
            const host = (0, reference_1.apiHost)(registry);
            const https = new URL(`https://${host}`);
            opened.handshakes.set(https.origin, startHandshake(https.origin, tlsOptions));
            const plan = earlyPlan(registry, options, plainHttpAllowed(registry, options.insecureRegistries));
            if (plan.spare > 0)
                opened.spares.set(https.origin, openSpares(https.origin, plan.spare, tlsOptions));
            if (plan.plain > 0) {
                const url = new URL(`http://${host}`);
                opened.plain.set(url.origin, warmSockets_1.WarmSockets.open(bareHostname(url), Number(url.port || 80), plan.plain));
            }
        }
        return opened;
    }
    /** The handshake started with an HTTPS origin, if any; handed out once. */
    takeHandshake(origin) {
        return take(this.handshakes, origin);
    }
    /** The connections opened beside an HTTPS origin's handshake, if any; handed out once. */
    takeSpare(origin) {
        return take(this.spares, origin);
    }
    /** The plain-HTTP connections opened to an origin, if any; handed out once. */
    takePlain(origin) {
        return take(this.plain, origin);
    }
    /** Closes whatever no transport took (the run ended before it was built). */
    discard() {
        for (const { socket } of this.handshakes.values())
            socket.destroy();
        for (const warm of [...this.spares.values(), ...this.plain.values()])
            warm.discard();
        this.handshakes.clear();
        this.spares.clear();
        this.plain.clear();
    }
}
exports.Preconnections = Preconnections;
function take(map, origin) {
    const key = new URL(origin).origin;
    const value = map.get(key);
    map.delete(key);
    return value;
}


/***/ }),

/***/ 2972:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


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
exports.WarmSockets = void 0;
const net = __importStar(__nccwpck_require__(7030));
/**
 * Connections opened before any request asks for them, handed to an undici pool as its next
 * connections (its connect hook); once they are used up, the pool connects as usual. A new
 * connection to a remote host costs a round trip or more (two with TLS): opened ahead, it
 * costs nothing on the requests' path. They are plain TCP connections (`open`), TLS ones whose
 * handshakes started with them (the one that chose the origin's protocol, and those opened
 * beside it for HTTP/1.1), handed over as soon as they are ready, or TCP connections to an
 * HTTPS origin on which TLS starts when a request takes them (`startTls`).
 */
class WarmSockets {
    idle = [];
    /** The listeners an idle socket carries, removed when it is handed over. */
    watchers = new Map();
    /** Sockets closed without being handed out: discarded, or failed while idle. */
    closedUnused = 0;
    /** `count` TCP connections to `host:port`, opened now. */
    static open(host, port, count) {
        return new WarmSockets(Array.from({ length: count }, () => WarmSockets.tcp(host, port)));
    }
    /** One TCP connection to `host:port`, opened now; with `startTls`, TLS starts on it when a request takes it. */
    static tcp(host, port, startTls = false) {
        return { ...connecting(net.connect({ host, port, noDelay: true })), startTls };
    }
    /** Sockets that are ready already (a handshake that completed). */
    static ready(sockets) {
        return new WarmSockets(sockets.map((socket) => ({ socket, ready: Promise.resolve(socket) })));
    }
    constructor(openings) {
        for (const opening of openings) {
            const { socket } = opening;
            // Never an unhandled rejection: a failure is read when the socket is handed out, or never.
            opening.ready.catch(() => undefined);
            // An idle socket that fails or closes is dropped; the pool then makes its connection itself.
            const drop = () => this.drop(socket);
            socket.on('error', drop);
            socket.on('close', drop);
            this.watchers.set(socket, drop);
            this.idle.push(opening);
        }
    }
    /** Sockets opened and not handed out yet. */
    get size() {
        return this.idle.length;
    }
    /** Sockets never handed out: those closed unused so far, and those still idle (closed with the run). */
    get unused() {
        return this.closedUnused + this.idle.length;
    }
    /**
     * A connect hook: a warm socket while one is left, once it is ready (still connecting to a
     * remote host: wait for it rather than open another), else `base`'s new connection. On one
     * that needs TLS, `base` starts it (its round trips to connect were paid before any request
     * needed it). One that fails before it is ready, or whose TLS fails, is replaced by a new
     * connection, which then reports any failure.
     */
    connector(base) {
        return (options, callback) => {
            const opening = this.take();
            if (!opening)
                return base(options, callback);
            const { socket } = opening;
            const replace = () => {
                socket.destroy();
                this.closedUnused++;
                base(options, callback);
            };
            // Until undici adds its own listeners, an error must not go unheard.
            const unheard = () => undefined;
            socket.on('error', unheard);
            opening.ready.then(() => 
            // undici's HTTP/1.1 client stalls on a socket given synchronously; it adds its own listeners.
            process.nextTick(() => {
                socket.off('error', unheard);
                if (socket.destroyed)
                    return base(options, callback);
                if (!opening.startTls)
                    return callback(null, socket);
                base({ ...options, httpSocket: socket }, (...outcome) => (outcome[0] === null ? callback(...outcome) : replace()));
            }), () => {
                socket.off('error', unheard);
                replace();
            });
        };
    }
    /** Closes the sockets not handed out past the first `keep` (no request will need them); returns how many. */
    trim(keep) {
        const closed = this.idle.splice(Math.max(0, keep));
        this.closedUnused += closed.length;
        for (const { socket } of closed) {
            this.unwatch(socket);
            socket.destroy();
        }
        return closed.length;
    }
    /** Closes the sockets not handed out (the origin needs none of them, or the run ends); returns how many. */
    discard() {
        return this.trim(0);
    }
    take() {
        for (let opening = this.idle.shift(); opening; opening = this.idle.shift()) {
            this.unwatch(opening.socket);
            if (!opening.socket.destroyed)
                return opening;
        }
        return undefined;
    }
    unwatch(socket) {
        const watcher = this.watchers.get(socket);
        this.watchers.delete(socket);
        if (!watcher)
            return;
        socket.off('error', watcher);
        socket.off('close', watcher);
    }
    drop(socket) {
        const at = this.idle.findIndex((o) => o.socket === socket);
        if (at >= 0) {
            this.idle.splice(at, 1);
            this.closedUnused++;
        }
        this.unwatch(socket);
        socket.destroy();
    }
}
exports.WarmSockets = WarmSockets;
/** A TCP connection's opening: ready when connected; failed if it errs or closes first. */
function connecting(socket) {
    const ready = new Promise((resolve, reject) => {
        if (!socket.connecting && socket.readyState === 'open')
            return resolve(socket);
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
        socket.once('close', () => reject(Object.assign(new Error('closed while connecting'), { code: 'ECONNRESET' })));
    });
    return { socket, ready };
}


/***/ }),

/***/ 2267:
/***/ (function(__unused_webpack_module, exports, __nccwpck_require__) {


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
exports.enableCompileCache = enableCompileCache;
const nodeModule = __importStar(__nccwpck_require__(8995));
/**
 * Node 22.1+ keeps the code V8 compiles for the modules loaded from now on in a cache on disk
 * (`os.tmpdir()/node-compile-cache`, keyed by Node version and file content): a later run of the
 * same bundle skips most of its compilation, the largest part of loading it. Older Node has no
 * such cache, and `NODE_DISABLE_COMPILE_CACHE=1` turns it off; neither is an error.
 */
function enableCompileCache() {
    try {
        nodeModule.enableCompileCache?.();
    }
    catch {
        // A cache that cannot be used costs only the time it would have saved.
    }
}


/***/ }),

/***/ 450:
/***/ ((__unused_webpack_module, exports, __nccwpck_require__) => {


Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.baselineWasmOnly = baselineWasmOnly;
exports.tiersUpEveryModule = tiersUpEveryModule;
/**
 * On V8 before 12 (Node 20), a WebAssembly module compiled at once, as undici compiles its
 * HTTP/1.1 parser (llhttp) on the first HTTP/1.1 connection, is compiled again by the optimizing
 * tier in the background, and the process's exit waits for that job: a short run over HTTP/1.1
 * or plain HTTP ended up to 300 ms after its last answer (2 CPUs, Node 20). The baseline tier
 * is enough for a parser that reads a few headers per answer. Later V8 optimizes only what runs
 * hot, and is left as it is. Returns whether the flag was set.
 */
function baselineWasmOnly(v8Version = process.versions.v8) {
    if (!tiersUpEveryModule(v8Version))
        return false;
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only on the Node that needs it
    (__nccwpck_require__(8877).setFlagsFromString)('--liftoff-only');
    return true;
}
/** Whether this V8 compiles every function of a WebAssembly module again in the background. */
function tiersUpEveryModule(v8Version) {
    return Number(v8Version.split('.')[0]) < 12;
}


/***/ }),

/***/ 2613:
/***/ ((module) => {

module.exports = require("assert");

/***/ }),

/***/ 181:
/***/ ((module) => {

module.exports = require("buffer");

/***/ }),

/***/ 5317:
/***/ ((module) => {

module.exports = require("child_process");

/***/ }),

/***/ 6982:
/***/ ((module) => {

module.exports = require("crypto");

/***/ }),

/***/ 4434:
/***/ ((module) => {

module.exports = require("events");

/***/ }),

/***/ 9896:
/***/ ((module) => {

module.exports = require("fs");

/***/ }),

/***/ 3339:
/***/ ((module) => {

module.exports = require("module");

/***/ }),

/***/ 4589:
/***/ ((module) => {

module.exports = require("node:assert");

/***/ }),

/***/ 6698:
/***/ ((module) => {

module.exports = require("node:async_hooks");

/***/ }),

/***/ 4573:
/***/ ((module) => {

module.exports = require("node:buffer");

/***/ }),

/***/ 7598:
/***/ ((module) => {

module.exports = require("node:crypto");

/***/ }),

/***/ 3053:
/***/ ((module) => {

module.exports = require("node:diagnostics_channel");

/***/ }),

/***/ 8474:
/***/ ((module) => {

module.exports = require("node:events");

/***/ }),

/***/ 3024:
/***/ ((module) => {

module.exports = require("node:fs");

/***/ }),

/***/ 1455:
/***/ ((module) => {

module.exports = require("node:fs/promises");

/***/ }),

/***/ 7067:
/***/ ((module) => {

module.exports = require("node:http");

/***/ }),

/***/ 2467:
/***/ ((module) => {

module.exports = require("node:http2");

/***/ }),

/***/ 8995:
/***/ ((module) => {

module.exports = require("node:module");

/***/ }),

/***/ 7030:
/***/ ((module) => {

module.exports = require("node:net");

/***/ }),

/***/ 8161:
/***/ ((module) => {

module.exports = require("node:os");

/***/ }),

/***/ 6760:
/***/ ((module) => {

module.exports = require("node:path");

/***/ }),

/***/ 643:
/***/ ((module) => {

module.exports = require("node:perf_hooks");

/***/ }),

/***/ 1792:
/***/ ((module) => {

module.exports = require("node:querystring");

/***/ }),

/***/ 99:
/***/ ((module) => {

module.exports = require("node:sqlite");

/***/ }),

/***/ 7075:
/***/ ((module) => {

module.exports = require("node:stream");

/***/ }),

/***/ 1692:
/***/ ((module) => {

module.exports = require("node:tls");

/***/ }),

/***/ 3136:
/***/ ((module) => {

module.exports = require("node:url");

/***/ }),

/***/ 7975:
/***/ ((module) => {

module.exports = require("node:util");

/***/ }),

/***/ 3429:
/***/ ((module) => {

module.exports = require("node:util/types");

/***/ }),

/***/ 8877:
/***/ ((module) => {

module.exports = require("node:v8");

/***/ }),

/***/ 5919:
/***/ ((module) => {

module.exports = require("node:worker_threads");

/***/ }),

/***/ 8522:
/***/ ((module) => {

module.exports = require("node:zlib");

/***/ }),

/***/ 857:
/***/ ((module) => {

module.exports = require("os");

/***/ }),

/***/ 6928:
/***/ ((module) => {

module.exports = require("path");

/***/ }),

/***/ 932:
/***/ ((module) => {

module.exports = require("process");

/***/ }),

/***/ 3193:
/***/ ((module) => {

module.exports = require("string_decoder");

/***/ }),

/***/ 3557:
/***/ ((module) => {

module.exports = require("timers");

/***/ }),

/***/ 7016:
/***/ ((module) => {

module.exports = require("url");

/***/ })

/******/ 	});
/************************************************************************/
/******/ 	// The module cache
/******/ 	var __webpack_module_cache__ = {};
/******/ 	
/******/ 	// The require function
/******/ 	function __nccwpck_require__(moduleId) {
/******/ 		// Check if module is in cache
/******/ 		var cachedModule = __webpack_module_cache__[moduleId];
/******/ 		if (cachedModule !== undefined) {
/******/ 			return cachedModule.exports;
/******/ 		}
/******/ 		// Create a new module (and put it into the cache)
/******/ 		var module = __webpack_module_cache__[moduleId] = {
/******/ 			id: moduleId,
/******/ 			loaded: false,
/******/ 			exports: {}
/******/ 		};
/******/ 	
/******/ 		// Execute the module function
/******/ 		var threw = true;
/******/ 		try {
/******/ 			__webpack_modules__[moduleId].call(module.exports, module, module.exports, __nccwpck_require__);
/******/ 			threw = false;
/******/ 		} finally {
/******/ 			if(threw) delete __webpack_module_cache__[moduleId];
/******/ 		}
/******/ 	
/******/ 		// Flag the module as loaded
/******/ 		module.loaded = true;
/******/ 	
/******/ 		// Return the exports of the module
/******/ 		return module.exports;
/******/ 	}
/******/ 	
/******/ 	// expose the modules object (__webpack_modules__)
/******/ 	__nccwpck_require__.m = __webpack_modules__;
/******/ 	
/************************************************************************/
/******/ 	/* webpack/runtime/asset-relocator-loader */
/******/ 	if (typeof __nccwpck_require__ !== 'undefined') __nccwpck_require__.ab = __dirname + "/";
/******/ 	
/******/ 	/* webpack/runtime/create fake namespace object */
/******/ 	(() => {
/******/ 		var getProto = Object.getPrototypeOf ? (obj) => (Object.getPrototypeOf(obj)) : (obj) => (obj.__proto__);
/******/ 		var leafPrototypes;
/******/ 		// create a fake namespace object
/******/ 		// mode & 1: value is a module id, require it
/******/ 		// mode & 2: merge all properties of value into the ns
/******/ 		// mode & 4: return value when already ns object
/******/ 		// mode & 16: return value when it's Promise-like
/******/ 		// mode & 8|1: behave like require
/******/ 		__nccwpck_require__.t = function(value, mode) {
/******/ 			if(mode & 1) value = this(value);
/******/ 			if(mode & 8) return value;
/******/ 			if(typeof value === 'object' && value) {
/******/ 				if((mode & 4) && value.__esModule) return value;
/******/ 				if((mode & 16) && typeof value.then === 'function') return value;
/******/ 			}
/******/ 			var ns = Object.create(null);
/******/ 			__nccwpck_require__.r(ns);
/******/ 			var def = {};
/******/ 			leafPrototypes = leafPrototypes || [null, getProto({}), getProto([]), getProto(getProto)];
/******/ 			for(var current = mode & 2 && value; typeof current == 'object' && !~leafPrototypes.indexOf(current); current = getProto(current)) {
/******/ 				Object.getOwnPropertyNames(current).forEach((key) => (def[key] = () => (value[key])));
/******/ 			}
/******/ 			def['default'] = () => (value);
/******/ 			__nccwpck_require__.d(ns, def);
/******/ 			return ns;
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/define property getters */
/******/ 	(() => {
/******/ 		// define getter functions for harmony exports
/******/ 		__nccwpck_require__.d = (exports, definition) => {
/******/ 			for(var key in definition) {
/******/ 				if(__nccwpck_require__.o(definition, key) && !__nccwpck_require__.o(exports, key)) {
/******/ 					Object.defineProperty(exports, key, { enumerable: true, get: definition[key] });
/******/ 				}
/******/ 			}
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/ensure chunk */
/******/ 	(() => {
/******/ 		__nccwpck_require__.f = {};
/******/ 		// This file contains only the entry chunk.
/******/ 		// The chunk loading function for additional chunks
/******/ 		__nccwpck_require__.e = (chunkId) => {
/******/ 			return Promise.all(Object.keys(__nccwpck_require__.f).reduce((promises, key) => {
/******/ 				__nccwpck_require__.f[key](chunkId, promises);
/******/ 				return promises;
/******/ 			}, []));
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/get javascript chunk filename */
/******/ 	(() => {
/******/ 		// This function allow to reference async chunks
/******/ 		__nccwpck_require__.u = (chunkId) => {
/******/ 			// return url for filenames based on template
/******/ 			return "" + chunkId + ".index.js";
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/hasOwnProperty shorthand */
/******/ 	(() => {
/******/ 		__nccwpck_require__.o = (obj, prop) => (Object.prototype.hasOwnProperty.call(obj, prop))
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/make namespace object */
/******/ 	(() => {
/******/ 		// define __esModule on exports
/******/ 		__nccwpck_require__.r = (exports) => {
/******/ 			if(typeof Symbol !== 'undefined' && Symbol.toStringTag) {
/******/ 				Object.defineProperty(exports, Symbol.toStringTag, { value: 'Module' });
/******/ 			}
/******/ 			Object.defineProperty(exports, '__esModule', { value: true });
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/node module decorator */
/******/ 	(() => {
/******/ 		__nccwpck_require__.nmd = (module) => {
/******/ 			module.paths = [];
/******/ 			if (!module.children) module.children = [];
/******/ 			return module;
/******/ 		};
/******/ 	})();
/******/ 	
/******/ 	/* webpack/runtime/require chunk loading */
/******/ 	(() => {
/******/ 		// no baseURI
/******/ 		
/******/ 		// object to store loaded chunks
/******/ 		// "1" means "loaded", otherwise not loaded yet
/******/ 		var installedChunks = {
/******/ 			792: 1
/******/ 		};
/******/ 		
/******/ 		// no on chunks loaded
/******/ 		
/******/ 		var installChunk = (chunk) => {
/******/ 			var moreModules = chunk.modules, chunkIds = chunk.ids, runtime = chunk.runtime;
/******/ 			for(var moduleId in moreModules) {
/******/ 				if(__nccwpck_require__.o(moreModules, moduleId)) {
/******/ 					__nccwpck_require__.m[moduleId] = moreModules[moduleId];
/******/ 				}
/******/ 			}
/******/ 			if(runtime) runtime(__nccwpck_require__);
/******/ 			for(var i = 0; i < chunkIds.length; i++)
/******/ 				installedChunks[chunkIds[i]] = 1;
/******/ 		
/******/ 		};
/******/ 		
/******/ 		// require() chunk loading for javascript
/******/ 		__nccwpck_require__.f.require = (chunkId, promises) => {
/******/ 			// "1" is the signal for "already loaded"
/******/ 			if(!installedChunks[chunkId]) {
/******/ 				if(true) { // all chunks have JS
/******/ 					installChunk(require("./" + __nccwpck_require__.u(chunkId)));
/******/ 				} else installedChunks[chunkId] = 1;
/******/ 			}
/******/ 		};
/******/ 		
/******/ 		// no external install chunk
/******/ 		
/******/ 		// no HMR
/******/ 		
/******/ 		// no HMR manifest
/******/ 	})();
/******/ 	
/************************************************************************/
var __webpack_exports__ = {};
// This entry need to be wrapped in an IIFE because it uses a non-standard name for the exports (exports).
(() => {
var exports = __webpack_exports__;

Object.defineProperty(exports, "__esModule", ({ value: true }));
exports.run = run;
const errors_1 = __nccwpck_require__(3916);
const bakeFiles_1 = __nccwpck_require__(5849);
const images_1 = __nccwpck_require__(9123);
const preconnect_1 = __nccwpck_require__(5292);
const compileCache_1 = __nccwpck_require__(2267);
const wasmTier_1 = __nccwpck_require__(450);
const input_1 = __nccwpck_require__(1898);
const names_1 = __nccwpck_require__(2814);
/**
 * The action's entry: any failure becomes one clear `::error` and a failed step.
 *
 * Kept small, so it starts within milliseconds of Node's own boot: it reads the inputs and opens
 * the registries' connections, and only then loads the rest of the action (a chunk of its own,
 * `./main`), whose loading takes longer than Node's boot and now overlaps the first round trips.
 */
async function run() {
    // Fail closed: should the event loop ever drain before the merge settles, the step must not pass.
    process.exitCode = 1;
    let preconnected;
    try {
        const batch = await (0, images_1.getBatch)(input_1.getInput, bakeFiles_1.readBakeMetadata);
        preconnected = preconnect_1.Preconnections.open((0, images_1.batchRepositories)(batch), process.env);
        (0, compileCache_1.enableCompileCache)();
        (0, wasmTier_1.baselineWasmOnly)();
        // One turn of the event loop first: a connection already up sends its TLS hello before the load.
        await new Promise((resolve) => setImmediate(resolve));
        const { runAction } = await Promise.all(/* import() */[__nccwpck_require__.e(824), __nccwpck_require__.e(769)]).then(__nccwpck_require__.bind(__nccwpck_require__, 6769));
        await runAction(batch, preconnected);
        process.exitCode = 0;
    }
    catch (err) {
        // The workflow commands are loaded only now (or with the rest): the entry stays small.
        const core = await __nccwpck_require__.e(/* import() */ 809).then(__nccwpck_require__.bind(__nccwpck_require__, 5809));
        core.setFailed((0, errors_1.describeError)(err, names_1.ACTION_NAMES));
    }
    finally {
        preconnected?.discard();
    }
}
// Exit as soon as the run settles: a connection a broken proxy or registry never answers must
// not keep the step alive after its result is known.
void run().finally(() => process.exit());

})();

module.exports = __webpack_exports__;
/******/ })()
;