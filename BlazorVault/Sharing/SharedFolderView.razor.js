import { localizeTimes } from '../js/local-time.js';

// A folder link's page works without this script; with it, "select all" ticks the page's rows, and
// "Download selected" waits until something is ticked.
localizeTimes(document);

const form = document.querySelector('[data-testid=shared-zip-form]');
const all = document.querySelector('[data-testid=shared-select-all]');
const selected = document.querySelector('[data-testid=shared-zip-selected]');
const checks = () => [...(form?.querySelectorAll('[data-testid=shared-check]') ?? [])];

function update() {
    const ticked = checks().filter(c => c.checked).length;
    if (selected) {
        selected.disabled = ticked === 0;
    }

    if (all) {
        all.checked = ticked > 0 && ticked === checks().length;
        all.indeterminate = ticked > 0 && ticked < checks().length;
    }
}

if (all) {
    all.hidden = false;
    all.addEventListener('change', () => {
        for (const check of checks()) {
            check.checked = all.checked;
        }

        update();
    });
}

form?.addEventListener('change', update);
// Back from another page, the browser may have restored ticks.
window.addEventListener('pageshow', update);
update();
