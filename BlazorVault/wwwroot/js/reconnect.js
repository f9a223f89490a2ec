// Drives the reconnect dialog of Components/ReconnectModal.razor from Blazor's state events
// (the same steps as Blazor's own dialog, which the Content-Security-Policy does not allow).
// Uploads that run over HTTP in the page (wwwroot/js/tus-upload.js) go on while the circuit is gone
// and through a server restart: the dialog says so, and the page reloads only once they are done.
const modal = document.getElementById("components-reconnect-modal");
const dialog = modal.querySelector(".components-reconnect-dialog");
const uploadsNote = document.createElement("div");
uploadsNote.className = "reconnect-uploads";
uploadsNote.dataset.testid = "reconnect-uploads";
uploadsNote.setAttribute("role", "status");
uploadsNote.hidden = true;
dialog.append(uploadsNote);
let watching = 0;
let rejected = false;

modal.addEventListener("components-reconnect-state-changed", event => {
    const state = event.detail.state;
    // The page's uploads (tus-upload.js) keep their news to themselves meanwhile.
    globalThis.blazorVaultCircuitDown = state !== "hide";
    if (state === "show") {
        if (!modal.open) {
            modal.showModal();
        }
        watchUploads();
    } else if (state === "hide") {
        modal.close();
        stopWatching();
    } else if (state === "failed") {
        document.addEventListener("visibilitychange", retryWhenVisible);
    } else if (state === "rejected") {
        // The server no longer knows this circuit (it restarted): a fresh page gets a new one, once
        // the uploads still running here have finished.
        rejected = true;
        reloadWhenUploadsAreDone();
    }
});

document.getElementById("components-reconnect-button").addEventListener("click", retry);
document.getElementById("components-resume-button").addEventListener("click", resume);

function runningUploads() {
    return globalThis.blazorVaultUploads?.running() ?? [];
}

function reloadWhenUploadsAreDone() {
    if (runningUploads().length === 0) {
        reload();
        return;
    }

    if (!modal.open) {
        modal.showModal();
    }

    // Only the uploads' word stays: Blazor's own lines (and their Retry) no longer apply.
    for (const child of dialog.children) {
        child.hidden = child !== uploadsNote;
    }

    watchUploads();
}

function watchUploads() {
    showUploads();
    watching ||= setInterval(showUploads, 500);
}

function stopWatching() {
    clearInterval(watching);
    watching = 0;
    uploadsNote.hidden = true;
}

function showUploads() {
    const running = runningUploads();
    if (running.length === 0) {
        uploadsNote.hidden = true;
        if (rejected) {
            reload();
        }
        return;
    }

    const heading = document.createElement("p");
    heading.className = "mb-2";
    heading.textContent = rejected
        ? "The server restarted. Your uploads go on; this page reloads when they are done."
        : "Your uploads go on meanwhile.";
    const list = document.createElement("ul");
    list.className = "list-unstyled small mb-0";
    for (const upload of running) {
        const item = document.createElement("li");
        const percent = upload.size > 0 ? Math.floor(upload.sent * 100 / upload.size) : 0;
        item.textContent = `${upload.name} · ${percent}%`;
        list.append(item);
    }

    uploadsNote.replaceChildren(heading, list);
    uploadsNote.hidden = false;
}

function reload() {
    stopWatching();
    // Whatever is still unfinished in the page is remembered for the page that loads next
    // (Files/Dashboard.razor.js), and that page is not asked about leaving: this is no leaving.
    globalThis.blazorVaultRememberUploads?.();
    globalThis.blazorVaultLeaving = true;
    location.reload();
}

async function retry() {
    document.removeEventListener("visibilitychange", retryWhenVisible);
    try {
        if (!await Blazor.reconnect()) {
            if (await Blazor.resumeCircuit()) {
                modal.close();
            } else {
                rejected = true;
                reloadWhenUploadsAreDone();
            }
        }
    } catch {
        document.addEventListener("visibilitychange", retryWhenVisible);
    }
}

async function resume() {
    try {
        if (!await Blazor.resumeCircuit()) {
            rejected = true;
            reloadWhenUploadsAreDone();
        }
    } catch {
        modal.classList.replace("components-reconnect-paused", "components-reconnect-resume-failed");
    }
}

async function retryWhenVisible() {
    if (document.visibilityState === "visible") {
        await retry();
    }
}
