// Dialogs take the focus while open and give it back to what had it (the button that opened them),
// or to the page's heading when that element went away (a row that was moved or deleted).
const opened = new Map();

export function open(key, dialog) {
    opened.set(key, document.activeElement);
    // In this order: a field to fill, else the action the dialog offers, else anything.
    for (const selector of ['[autofocus]', 'input:not([type=hidden])', '.modal-footer .btn-primary', '.modal-footer .btn-danger', 'button']) {
        const first = dialog.querySelector(selector);
        if (first) {
            first.focus();
            return;
        }
    }
}

export function close(key) {
    let before = opened.get(key);
    opened.delete(key);
    // A re-render may have put a new element in the opener's place: the same control, found again.
    if (before && !before.isConnected && before.dataset?.testid) {
        before = document.querySelector(`[data-testid="${CSS.escape(before.dataset.testid)}"]`);
    }

    if (before && before.isConnected && before !== document.body) {
        before.focus();
    } else {
        const heading = document.querySelector('h1');
        heading?.setAttribute('tabindex', '-1');
        heading?.focus();
    }
}
