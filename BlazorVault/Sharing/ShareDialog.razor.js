export { formatTimes } from '../js/local-time.js';

export function select(field) {
    field.focus();
    field.select();
}

// The async clipboard exists only in secure contexts (HTTPS, localhost): on a plain-HTTP LAN address
// the old way still works, from the click's user activation: select the field and execCommand('copy').
export async function copy(field) {
    if (navigator.clipboard?.writeText) {
        try {
            await navigator.clipboard.writeText(field.value);
            return true;
        } catch {
            // Denied: fall through to the selection.
        }
    }

    select(field);
    field.setSelectionRange(0, field.value.length);
    try {
        return document.execCommand('copy');
    } catch {
        return false;
    }
}
