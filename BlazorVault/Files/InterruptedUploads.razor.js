// Uploads the page could not finish, remembered in localStorage for the page that loads next: the
// upload panel's unfinished rows as they were when the page went away (a reload, a tab closed, the
// circuit lost to a server restart). Also asks before the page is left while uploads still run: a
// reload, another site or a form sent (beforeunload), or a link to another page of the app, which
// Blazor's enhanced navigation follows without unloading the page (and the dashboard's uploads end
// with it).
const prefix = 'blazorvault.interrupted:';
const maxAgeMs = 7 * 24 * 3600 * 1000;
const unfinished = ['Waiting', 'Uploading', 'Paused']
    .map(state => `[data-testid=upload-row][data-upload-state=${state}]`).join(',');
let owner = null;

export function watch(ownerId) {
    if (owner === null) {
        addEventListener('beforeunload', askFirst);
        addEventListener('pagehide', remember);
        // Capture: before Blazor's own click handler starts the navigation.
        document.addEventListener('click', askBeforeFollowing, true);
    }

    owner = ownerId;
    globalThis.blazorVaultLeaving = false;
    globalThis.blazorVaultRememberUploads = remember;
}

export function remembered(ownerId) {
    return read(ownerId);
}

export function forget(ownerId, files) {
    const gone = new Set(files.map(f => key(f.name, f.size)));
    write(ownerId, read(ownerId).filter(entry => !gone.has(key(baseName(entry.name), entry.size))));
}

function busy() {
    const running = globalThis.blazorVaultUploads?.running().length ?? 0;
    return !globalThis.blazorVaultLeaving && (running > 0 || document.querySelector(unfinished) !== null);
}

function askFirst(event) {
    if (!busy()) {
        return;
    }

    // The browser asks in its own words; the text here is not shown by current browsers.
    event.preventDefault();
    event.returnValue = 'Uploads are still running. Leave anyway?';
}

function askBeforeFollowing(event) {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey
        || link.hasAttribute('download') || (link.target && link.target !== '_self') || !busy()) {
        return;
    }

    const url = new URL(link.href, document.baseURI);
    const base = new URL(document.baseURI);
    const path = url.pathname.slice(base.pathname.length - 1);
    // Other folders are the same page (its uploads go on); downloads leave nothing.
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)
        || path === '/' || path.startsWith('/folders/') || path.startsWith('/download/') || path.startsWith('/api/')) {
        return;
    }

    if (confirm('Uploads are still running; leaving this page stops them. Leave anyway?')) {
        // Asked once: a full page load that follows does not ask again. The uploads end with the
        // page; the dashboard lists them when it opens again.
        remember();
        globalThis.blazorVaultLeaving = true;
        return;
    }

    event.preventDefault();
    event.stopImmediatePropagation();
}

function remember() {
    const rows = [...document.querySelectorAll(unfinished)];
    if (owner === null || rows.length === 0) {
        return;
    }

    const uploads = globalThis.blazorVaultUploads;
    const finished = new Set((uploads?.finished() ?? []).map(f => key(f.name, f.size)));
    const sent = new Map((uploads?.running() ?? []).map(u => [key(u.name, u.size), u.sent]));
    const now = Date.now();
    const entries = new Map(read(owner).map(entry => [key(entry.name, entry.size), entry]));
    for (const row of rows) {
        const name = row.dataset.uploadName;
        const size = Number(row.dataset.uploadSize);
        const id = key(baseName(name), size);
        if (finished.has(id)) {
            continue;
        }

        const done = Math.max(Number(row.dataset.uploadDone) || 0, sent.get(id) ?? 0);
        entries.set(key(name, size), { name, size, done, at: now });
    }

    write(owner, [...entries.values()]);
}

function read(ownerId) {
    try {
        const entries = JSON.parse(localStorage.getItem(prefix + ownerId) ?? '[]');
        return entries.filter(entry => Date.now() - entry.at < maxAgeMs);
    } catch {
        return [];
    }
}

function write(ownerId, entries) {
    if (entries.length === 0) {
        localStorage.removeItem(prefix + ownerId);
    } else {
        localStorage.setItem(prefix + ownerId, JSON.stringify(entries));
    }
}

function key(name, size) {
    return `${size}:${name}`;
}

function baseName(name) {
    return name.slice(name.lastIndexOf('/') + 1);
}
