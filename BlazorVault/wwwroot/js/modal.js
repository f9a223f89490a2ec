// Dialogs (role="dialog" with aria-modal="true": Components/Modal.razor, and any written by hand) hold the
// keyboard while open. When one appears the focus moves into it; Tab and Shift+Tab go round inside it; when it
// goes the focus returns to what opened it, or, when that went too (the row of a deleted or moved file), to the
// same control in the next row, else the previous one, else the page's heading: never to the bare page.
//
// This follows the page itself (a MutationObserver and focus events), not calls from the server. The earlier
// version was told "open" and "close" over the circuit and only then noted document.activeElement as the
// opener; under load that call came after a quick hand (or a test) had already moved the focus into the
// dialog, so the "opener" was the dialog's own field, gone when it closed, and the focus fell to the heading.
// Here the opener is the last element focused outside any dialog, known before the dialog exists.
const dialogSelector = '[role="dialog"][aria-modal="true"]';
const focusableSelector = 'a[href], button:not([disabled]), input:not([disabled]):not([type="hidden"]), select:not([disabled]), ' +
    'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
// How long after a dialog closed a focus that falls to the page is still brought back (the row it went
// back to can disappear a moment later, when the list reloads after a delete).
const rescueMilliseconds = 10_000;

// Left alone when the rest of the page goes inert: live regions (toasts still announce), Blazor's own reconnect
// dialog and error bar, and what never shows.
const keepLive = 'dialog, [aria-live], [role="status"], [role="alert"], #blazor-error-ui, script, style, template';

const shown = [];
let inerted = [];
let lastOutside = null;
let rescue = null;

const visible = element => element.getClientRects().length > 0;

const focusables = root => [...root.querySelectorAll(focusableSelector)].filter(visible);

const isLost = () => !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected;

function initialFocus(dialog) {
    // A field to fill, else the control marked autofocus (a confirm's Cancel), else the dialog's main action.
    for (const selector of ['[autofocus]', 'input:not([type="hidden"]):not([disabled]), select:not([disabled]), textarea:not([disabled])',
        '.modal-footer .btn-primary:not([disabled])']) {
        const element = dialog.querySelector(selector);
        if (element && visible(element)) {
            return element;
        }
    }

    return focusables(dialog).find(e => !e.classList.contains('btn-close')) ?? dialog;
}

// Where the focus goes back to, noted when the dialog opens: its opener, and the rows around the opener's.
function planFor(opener) {
    if (!opener || opener === document.body || !opener.isConnected) {
        return null;
    }

    const row = opener.closest('tr, li');
    const rows = row?.parentElement ? [...row.parentElement.children] : [];
    const at = rows.indexOf(row);
    return {
        opener,
        testId: opener.dataset?.testid ?? null,
        inRow: at >= 0,
        neighbours: at < 0 ? [] : [...rows.slice(at + 1), ...rows.slice(0, at).reverse()],
    };
}

function heading() {
    const h1 = document.querySelector('main h1') ?? document.querySelector('h1');
    if (h1 && !h1.hasAttribute('tabindex')) {
        h1.setAttribute('tabindex', '-1');
    }

    return h1;
}

function returnTarget(plan) {
    if (!plan) {
        return heading();
    }

    if (plan.opener.isConnected && visible(plan.opener)) {
        return plan.opener;
    }

    const sameControl = root => plan.testId ? root.querySelector(`[data-testid="${CSS.escape(plan.testId)}"]`) : null;
    if (!plan.inRow) {
        // A toolbar button the page rendered anew: the same control, found again.
        const again = sameControl(document);
        if (again && visible(again)) {
            return again;
        }
    }

    for (const row of plan.neighbours) {
        if (!row.isConnected) {
            continue;
        }

        const same = sameControl(row);
        const target = same && visible(same) ? same : focusables(row)[0];
        if (target) {
            return target;
        }
    }

    return heading();
}

function giveBack(plan) {
    const target = returnTarget(plan);
    target?.focus();
    rescue = plan && target ? { plan, target, until: performance.now() + rescueMilliseconds } : null;
}

// While a dialog is open everything beside it (each ancestor's other children) is inert: out of reach of Tab,
// clicks and assistive technology, as aria-modal promises but does not do.
function inertAround(dialog) {
    releaseInert();
    for (let node = dialog; node && node !== document.body; node = node.parentElement) {
        for (const sibling of node.parentElement?.children ?? []) {
            if (sibling !== node && !sibling.inert && !sibling.classList.contains('modal-backdrop')
                && !sibling.matches(keepLive) && !sibling.querySelector(keepLive)) {
                sibling.inert = true;
                inerted.push(sibling);
            }
        }
    }
}

function releaseInert() {
    for (const element of inerted) {
        element.inert = false;
    }

    inerted = [];
}

function onMutations() {
    for (let i = shown.length - 1; i >= 0; i--) {
        if (!shown[i].dialog.isConnected) {
            const [closed] = shown.splice(i, 1);
            releaseInert();
            if (shown.length > 0) {
                inertAround(shown.at(-1).dialog);
            } else if (isLost()) {
                giveBack(closed.plan);
            }
        }
    }

    for (const dialog of document.querySelectorAll(dialogSelector)) {
        if (!shown.some(s => s.dialog === dialog)) {
            shown.push({ dialog, plan: planFor(lastOutside) });
            rescue = null;
            inertAround(dialog);
            if (!dialog.contains(document.activeElement)) {
                initialFocus(dialog).focus();
            }
        }
    }

    const top = shown.at(-1)?.dialog;
    if (top && isLost()) {
        // What had the focus inside the dialog was rendered away (a list in it changed): keep it in the dialog.
        top.focus();
    } else if (!top && rescue && isLost()) {
        if (performance.now() < rescue.until) {
            giveBack(rescue.plan);
        } else {
            rescue = null;
        }
    }
}

document.addEventListener('focusin', e => {
    if (!e.target.closest?.(dialogSelector)) {
        lastOutside = e.target;
    }

    if (rescue && e.target !== rescue.target) {
        // The person moved on: where the focus goes next is theirs.
        rescue = null;
    }
});

document.addEventListener('keydown', e => {
    const top = shown.at(-1)?.dialog;
    if (e.key !== 'Tab' || !top) {
        return;
    }

    const list = focusables(top);
    if (list.length === 0) {
        e.preventDefault();
        top.focus();
        return;
    }

    const [first, last] = [list[0], list.at(-1)];
    const active = document.activeElement;
    if (!top.contains(active)) {
        e.preventDefault();
        (e.shiftKey ? last : first).focus();
    } else if (e.shiftKey && (active === first || active === top)) {
        e.preventDefault();
        last.focus();
    } else if (!e.shiftKey && active === last) {
        e.preventDefault();
        first.focus();
    }
});

new MutationObserver(onMutations).observe(document.body, { childList: true, subtree: true });
onMutations();
