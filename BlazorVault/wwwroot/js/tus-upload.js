// The dashboard's tus client: sends a file chosen in an InputFile over HTTP, because the circuit moves
// only a few MB/s. By default one PATCH carries the rest of the file (the server keeps every byte that
// arrived, also from a request that broke off), so nothing is re-sent and there is no per-request cost;
// options.chunkSize > 0 caps each PATCH for proxies that limit request bodies. Resumes after network
// drops and page reloads from the upload URL kept in localStorage (keyed by name, size and lastModified)
// and the offset HEAD reports. XMLHttpRequest rather than fetch(): only it reports upload progress (and
// in Chromium it sent a 200 MiB File faster than fetch() did: bench/README.md).
const uploads = new Map();
let nextHandle = 1;

// What the page asks when the circuit is gone (wwwroot/js/reconnect.js): the uploads that still run
// here over HTTP and will finish without the server's circuit, so the page must not reload under
// them; and those that finished, which the page need not remember as interrupted.
const finished = [];
globalThis.blazorVaultUploads = {
    running: () => [...uploads.values()]
        .filter(upload => !upload.paused && !upload.cancelled)
        .map(upload => ({ name: upload.file.name, size: upload.file.size, sent: upload.sent })),
    finished: () => [...finished],
};

// Progress crosses to .NET over the circuit: often enough to look live, rarely enough to cost nothing.
const progressIntervalMs = 150;
// About a minute of waiting in all (the waits grow to 10 s): long enough to outlast a server restart.
const maxRetries = 10;

export function start(input, index, options, dotnet) {
    const file = input?.files?.[index];
    if (!file) {
        throw new Error('The chosen file is no longer available in the page.');
    }

    const handle = nextHandle++;
    const upload = { file, options, dotnet, url: null, fileId: null, request: null, running: false, paused: false, cancelled: false, lastReport: 0, sent: 0 };
    uploads.set(handle, upload);
    run(upload, handle);
    return handle;
}

export function pause(handle) {
    const upload = uploads.get(handle);
    if (upload && !upload.paused) {
        upload.paused = true;
        // The server keeps what already arrived; resume asks HEAD where that ends.
        upload.request?.abort();
    }
}

export function resume(handle) {
    const upload = uploads.get(handle);
    if (upload && upload.paused) {
        upload.paused = false;
        // A loop paused while it waited (on HEAD, say) has not noticed yet: it simply goes on.
        if (!upload.running) {
            run(upload, handle);
        }
    }
}

export async function cancel(handle) {
    const upload = uploads.get(handle);
    if (!upload) {
        return;
    }

    upload.cancelled = true;
    uploads.delete(handle);
    upload.request?.abort();
    localStorage.removeItem(storageKey(upload));
    if (upload.url) {
        // Best effort: an upload nobody deletes expires on its own. 423: the aborted PATCH is still
        // finishing on the server, so ask again shortly.
        for (let attempt = 0; attempt < 4; attempt++) {
            try {
                const response = await fetch(upload.url, { method: 'DELETE', headers: headers(upload) });
                if (response.status !== 423) {
                    break;
                }
            } catch {
                break;
            }

            await new Promise(resolve => setTimeout(resolve, 1000));
        }
    }
}

// Where the file goes is part of the key: a folder upload may hold equal files in two folders. A scope
// (a file request's link) keeps other endpoints' uploads apart.
function storageKey(upload) {
    const { file, options } = upload;
    const scope = options.scope ? `${options.scope}:` : '';
    return `blazorvault.tus:${scope}${options.folderId ?? ''}:${options.relativePath ?? ''}:${file.name}:${file.size}:${file.lastModified}`;
}

function metadata(upload) {
    const { file, options } = upload;
    const pairs = [`filename ${base64(file.name)}`, `filetype ${base64(file.type || 'application/octet-stream')}`];
    if (options.folderId) {
        pairs.push(`folderId ${base64(options.folderId)}`);
    }
    if (options.relativePath) {
        pairs.push(`relativePath ${base64(options.relativePath)}`);
    }
    if (options.conflict) {
        pairs.push(`conflict ${base64(options.conflict)}`);
    }
    for (const [key, value] of Object.entries(options.metadata ?? {})) {
        pairs.push(`${key} ${base64(value)}`);
    }
    return pairs.join(',');
}

// The antiforgery token is the dashboard's (its session cookie); a file request's visitor has none.
function headers(upload, extra) {
    const token = upload.options.token ? { 'RequestVerificationToken': upload.options.token } : {};
    return { 'Tus-Resumable': '1.0.0', ...token, ...extra };
}

// The stored file's id (the dashboard), or a file request's mark that the file is stored (which names nothing).
function completion(get) {
    return get('Vault-File-Id') ?? get('Vault-Upload-Complete');
}

function base64(text) {
    return btoa(String.fromCharCode(...new TextEncoder().encode(text)));
}

function problem(status, text) {
    try {
        const body = JSON.parse(text);
        return body.detail || body.title || `The server answered ${status}.`;
    } catch {
        return `The server answered ${status}.`;
    }
}

// One PATCH of the file's bytes from offset to end; resolves with the finished request whatever its
// status, rejects when the connection fails or the request is aborted (pause, cancel).
function patch(upload, offset, end) {
    return new Promise((resolve, reject) => {
        const request = new XMLHttpRequest();
        upload.request = request;
        request.open('PATCH', upload.url);
        const sent = headers(upload, { 'Upload-Offset': String(offset), 'Content-Type': 'application/offset+octet-stream' });
        for (const [name, value] of Object.entries(sent)) {
            request.setRequestHeader(name, value);
        }

        request.upload.onprogress = e => report(upload, offset + e.loaded, false);
        request.onload = () => resolve(request);
        request.onerror = () => reject(new Error('The connection failed during PATCH.'));
        request.onabort = () => reject(new Error('PATCH aborted.'));
        // The File itself when it goes whole: Chromium streams a File straight from disk, while a slice
        // goes through its blob machinery at about half the speed (measured: 200 MiB in 1.0 vs 1.9 s).
        const whole = offset === 0 && end === upload.file.size;
        request.send(whole ? upload.file : upload.file.slice(offset, end));
    });
}

function report(upload, offset, force) {
    upload.sent = offset;
    const now = performance.now();
    if (force || now - upload.lastReport >= progressIntervalMs) {
        upload.lastReport = now;
        tell(upload, 'Progress', offset);
    }
}

// A call to the circuit that cannot break the upload: with the circuit gone (a server restart) it
// throws at once or fails later, and the upload goes on all the same. While the reconnect dialog is up
// (wwwroot/js/reconnect.js) no progress is sent and the outcome waits: Blazor reports a send on a
// closed connection as an error of the page, with its red bar.
async function tell(upload, method, ...args) {
    while (globalThis.blazorVaultCircuitDown) {
        if (method === 'Progress') {
            return;
        }

        // The outcome waits for the circuit to come back (or for the reload that replaces it).
        await new Promise(resolve => setTimeout(resolve, 500));
    }

    try {
        await upload.dotnet.invokeMethodAsync(method, ...args);
    } catch {
        // The page that loads next lists the outcome.
    }
}

async function fail(upload, handle, message) {
    uploads.delete(handle);
    await tell(upload, 'Failed', message);
}

// Where the upload stands on the server: the offset to continue from, or null when it must be created.
// Sets upload.fileId when the server already stored the file (the last bytes got through, but the
// answer did not).
async function locate(upload) {
    const key = storageKey(upload);
    upload.url ??= localStorage.getItem(key);
    if (!upload.url) {
        return null;
    }

    const head = await fetch(upload.url, { method: 'HEAD', headers: headers(upload), cache: 'no-store' });
    if (head.ok && Number(head.headers.get('Upload-Length')) === upload.file.size) {
        upload.fileId = completion(name => head.headers.get(name));
        return Number(head.headers.get('Upload-Offset'));
    }

    if (head.ok || head.status === 404 || head.status === 410) {
        // Expired, finished or someone else's: start afresh.
        localStorage.removeItem(key);
        upload.url = null;
        return null;
    }

    throw new Error(`HEAD answered ${head.status}`);
}

async function finish(upload, handle, offset, fileId) {
    localStorage.removeItem(storageKey(upload));
    uploads.delete(handle);
    finished.push({ name: upload.file.name, size: upload.file.size });
    report(upload, offset, true);
    // The circuit may be gone (a server restart): the file is stored all the same, and the page
    // that loads next lists it.
    await tell(upload, 'Completed', fileId);
}

// At most one loop per upload: resume() starts one only when none is running.
async function run(upload, handle) {
    upload.running = true;
    try {
        await transfer(upload, handle);
    } finally {
        upload.running = false;
    }
}

async function transfer(upload, handle) {
    const { file, options } = upload;
    const key = storageKey(upload);
    let failures = 0;
    let acknowledged = 0;
    while (!upload.paused && !upload.cancelled) {
        try {
            let offset = await locate(upload);
            if (upload.fileId) {
                return await finish(upload, handle, offset, upload.fileId);
            }

            if (offset > acknowledged) {
                // The connection drops, but bytes get through: keep going however often that happens.
                failures = 0;
                acknowledged = offset;
            }

            if (offset === null) {
                const created = await fetch(options.endpoint, {
                    method: 'POST',
                    headers: headers(upload, {
                        'Upload-Length': String(file.size),
                        'Upload-Metadata': metadata(upload),
                    }),
                });
                if (created.status !== 201) {
                    return await fail(upload, handle, problem(created.status, await created.text()));
                }

                upload.url = created.headers.get('Location');
                localStorage.setItem(key, upload.url);
                offset = 0;
            }

            report(upload, offset, true);
            while (!upload.paused && !upload.cancelled) {
                const end = options.chunkSize > 0 ? Math.min(file.size, offset + options.chunkSize) : file.size;
                const response = await patch(upload, offset, end);
                if (response.status === 204) {
                    failures = 0;
                    offset = Number(response.getResponseHeader('Upload-Offset'));
                    const fileId = completion(name => response.getResponseHeader(name));
                    if (fileId) {
                        return await finish(upload, handle, offset, fileId);
                    }

                    report(upload, offset, true);
                    continue;
                }

                if (response.status === 409 || response.status === 404 || response.status === 423) {
                    // Out of step (an earlier request still landing, or the upload completed by it) or
                    // gone: ask HEAD again.
                    break;
                }

                if (response.status >= 400 && response.status < 500 || response.status === 507) {
                    localStorage.removeItem(key);
                    return await fail(upload, handle, problem(response.status, response.responseText));
                }

                throw new Error(`PATCH answered ${response.status}`);
            }
        } catch (error) {
            if (upload.paused || upload.cancelled) {
                return;
            }

            // A dropped connection or a restarting server: wait, then continue from what HEAD reports.
            if (++failures > maxRetries) {
                return await fail(upload, handle, 'The connection was lost. Choose the file again to resume.');
            }

            await new Promise(resolve => setTimeout(resolve, Math.min(10000, 250 * 2 ** failures)));
        }
    }
}
