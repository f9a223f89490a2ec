import { localizeTimes } from '../js/local-time.js';

// The public page of a share link is rendered once on the server: after a download, and when the
// visitor comes back to the tab, it re-reads itself so that "N of M downloads left" is never stale.
const download = document.querySelector('[data-testid=shared-download]');
const expiry = () => document.querySelector('[data-testid=shared-expiry]');
localizeTimes(document);

let reading = null;

async function refresh() {
    if (!expiry() || reading) {
        return;
    }

    reading = fetch(location.href, { cache: 'no-store', credentials: 'same-origin', headers: { 'X-Vault-Refresh': '1' } });
    try {
        const response = await reading;
        if (response.status === 404) {
            // Its last download, or revoked meanwhile: what was started still finishes.
            const left = document.querySelector('[data-testid=shared-left]');
            if (left) {
                left.textContent = left.textContent.replace(/^\d+/, '0');
            }

            download?.classList.add('disabled');
            download?.setAttribute('aria-disabled', 'true');
            download?.removeAttribute('href');
            return;
        }

        if (!response.ok) {
            return;
        }

        const page = new DOMParser().parseFromString(await response.text(), 'text/html');
        const fresh = page.querySelector('[data-testid=shared-expiry]');
        if (fresh) {
            localizeTimes(fresh);
            expiry().replaceWith(document.importNode(fresh, true));
        }
    } catch {
        // Offline for a moment: the count stays as it was until the next read.
    } finally {
        reading = null;
    }
}

download?.addEventListener('click', () => {
    // The count changes when the download's request reaches the server, a moment after the click.
    for (const delay of [800, 2500, 6000]) {
        setTimeout(refresh, delay);
    }
});

document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') {
        refresh();
    }
});
